"""Export a PyTorch image classifier to the tfjs LayersModel format (model.json + one float32 shard).

The model must be a chain of named modules (an nn.Sequential, ideally built from an OrderedDict so
every layer has a human-readable name). Each supported module becomes one Keras layer of the same
name, channels_last, so Glimpse can tap layers by the names the training script chose:

    Conv2d             -> Conv2D  (OIHW -> HWIO; padding must mean the same thing in TF, see below)
    BatchNorm2d        -> BatchNormalization (eps copied; momentum only matters for training)
    ReLU               -> Activation('relu')
    MaxPool2d          -> MaxPooling2D ('valid', no padding, floor mode)
    AvgPool2d          -> AveragePooling2D (same restrictions)
    AdaptiveAvgPool2d(1) or GlobalAvgPool2d -> GlobalAveragePooling2D (a following Flatten is absorbed)
    Flatten            -> Flatten (and the next Linear's columns are permuted from CHW to HWC order)
    Linear             -> Dense ([out, in] -> [in, out]); the last one must stay linear (logits)
    Dropout            -> Dropout (identity at inference)

Padding: TF 'same' pads asymmetrically (more at the bottom/right) when the total padding is odd,
while PyTorch pads symmetrically. They agree only for stride 1 with an odd kernel k and padding
(k-1)/2, so that is the only 'same' we write; padding 0 is 'valid' for any stride. Anything else is
refused rather than exported subtly wrong. Downsample with MaxPool2d, not strided 'same' convs.
"""
import json
import os
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

KERAS_VERSION = "2.15.0"
SHARD_NAME = "group1-shard1of1.bin"


class GlobalAvgPool2d(nn.Module):
    """Mean over height and width: [N, C, H, W] -> [N, C]; exported as GlobalAveragePooling2D."""

    def forward(self, x):
        return x.mean(dim=(2, 3))


class ExportError(ValueError):
    pass


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _conv_padding(name, m):
    k, s, p, d = _pair(m.kernel_size), _pair(m.stride), _pair(m.padding), _pair(m.dilation)
    if d != (1, 1) or m.groups != 1 or m.padding_mode != "zeros":
        raise ExportError(f"{name}: only dilation 1, groups 1, zero padding are supported")
    if isinstance(m.padding, str):
        if m.padding == "valid" or (m.padding == "same" and s == (1, 1) and all(x % 2 for x in k)):
            return m.padding
        raise ExportError(f"{name}: padding '{m.padding}' is ambiguous here; use 'valid' or odd kernels")
    if p == (0, 0):
        return "valid"
    if s == (1, 1) and all(x % 2 == 1 and pp == (x - 1) // 2 for x, pp in zip(k, p)):
        return "same"
    raise ExportError(
        f"{name}: padding {p} with kernel {k}, stride {s} has no exact TF equivalent; "
        "allowed: padding 0 ('valid'), or stride 1 with padding (k-1)/2 for odd k ('same')")


def _pool_config(name, m, shape):
    k = _pair(m.kernel_size)
    s = _pair(m.stride if m.stride is not None else m.kernel_size)
    if _pair(m.padding) != (0, 0) or m.ceil_mode:
        raise ExportError(f"{name}: pooling must have padding 0 and ceil_mode False (TF 'valid')")
    if isinstance(m, nn.MaxPool2d) and _pair(m.dilation) != (1, 1):
        raise ExportError(f"{name}: pooling dilation must be 1")
    h, w, c = shape
    out = ((h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1, c)
    cfg = {"pool_size": list(k), "strides": list(s), "padding": "valid", "data_format": "channels_last"}
    return cfg, out


def _f32(t):
    return t.detach().cpu().numpy().astype(np.float32)


def convert(model, input_shape, model_name="model"):
    """Return (topology layers, [(weight name, float32 array)], output shape).

    input_shape is [height, width, channels]. Layer names are the module names in the chain.
    """
    layers = [{"class_name": "InputLayer", "config": {
        "batch_input_shape": [None, *input_shape], "dtype": "float32", "sparse": False,
        "ragged": False, "name": "input"}}]
    weights = []
    shape = tuple(input_shape)  # channels_last, no batch
    flatten_from = None  # spatial shape a Flatten flattened, so the next Linear can be permuted
    children = list(model.named_children())
    skip_next_flatten = False
    for name, m in children:
        base = {"name": name, "trainable": True, "dtype": "float32"}
        if isinstance(m, nn.Flatten) and skip_next_flatten:
            skip_next_flatten = False
            continue
        skip_next_flatten = False
        if isinstance(m, nn.Conv2d):
            if shape[2] != m.in_channels:
                raise ExportError(f"{name}: expects {m.in_channels} channels, gets {shape[2]}")
            padding = _conv_padding(name, m)
            k, s = _pair(m.kernel_size), _pair(m.stride)
            cfg = {**base, "filters": m.out_channels, "kernel_size": list(k), "strides": list(s),
                   "padding": padding, "data_format": "channels_last", "dilation_rate": [1, 1],
                   "groups": 1, "activation": "linear", "use_bias": m.bias is not None}
            layers.append({"class_name": "Conv2D", "config": cfg})
            weights.append((f"{name}/kernel", _f32(m.weight).transpose(2, 3, 1, 0)))  # OIHW -> HWIO
            if m.bias is not None:
                weights.append((f"{name}/bias", _f32(m.bias)))
            if padding == "same":
                shape = (shape[0], shape[1], m.out_channels)
            else:
                shape = ((shape[0] - k[0]) // s[0] + 1, (shape[1] - k[1]) // s[1] + 1, m.out_channels)
        elif isinstance(m, nn.BatchNorm2d):
            if m.running_mean is None:
                raise ExportError(f"{name}: BatchNorm2d needs track_running_stats=True")
            c = m.num_features
            gamma = _f32(m.weight) if m.affine else np.ones(c, np.float32)
            beta = _f32(m.bias) if m.affine else np.zeros(c, np.float32)
            cfg = {**base, "axis": -1, "momentum": 0.99, "epsilon": float(m.eps),
                   "center": True, "scale": True}
            layers.append({"class_name": "BatchNormalization", "config": cfg})
            weights += [(f"{name}/gamma", gamma), (f"{name}/beta", beta),
                        (f"{name}/moving_mean", _f32(m.running_mean)),
                        (f"{name}/moving_variance", _f32(m.running_var))]
        elif isinstance(m, nn.ReLU):
            layers.append({"class_name": "Activation", "config": {**base, "activation": "relu"}})
        elif isinstance(m, (nn.MaxPool2d, nn.AvgPool2d)):
            if isinstance(m, nn.AvgPool2d) and not m.count_include_pad and _pair(m.padding) != (0, 0):
                raise ExportError(f"{name}: AvgPool2d padding is not supported")
            cfg, shape = _pool_config(name, m, shape)
            cls = "MaxPooling2D" if isinstance(m, nn.MaxPool2d) else "AveragePooling2D"
            layers.append({"class_name": cls, "config": {**base, **cfg}})
        elif isinstance(m, (nn.AdaptiveAvgPool2d, GlobalAvgPool2d)):
            if isinstance(m, nn.AdaptiveAvgPool2d) and _pair(m.output_size) != (1, 1):
                raise ExportError(f"{name}: only AdaptiveAvgPool2d(1) (global average pooling) is supported")
            layers.append({"class_name": "GlobalAveragePooling2D",
                           "config": {**base, "data_format": "channels_last", "keepdims": False}})
            shape = (shape[2],)
            # PyTorch needs a Flatten after AdaptiveAvgPool2d(1) ([N,C,1,1] -> [N,C]); Keras does not.
            skip_next_flatten = isinstance(m, nn.AdaptiveAvgPool2d)
        elif isinstance(m, nn.Flatten):
            if len(shape) == 3:
                flatten_from = shape
            layers.append({"class_name": "Flatten", "config": {**base, "data_format": "channels_last"}})
            shape = (int(np.prod(shape)),)
        elif isinstance(m, nn.Linear):
            if len(shape) != 1 or shape[0] != m.in_features:
                raise ExportError(f"{name}: expects {m.in_features} inputs, gets shape {shape}")
            kernel = _f32(m.weight)  # [out, in], in in PyTorch's CHW flatten order
            if flatten_from is not None:
                h, w, c = flatten_from
                # Keras flattens HWC; column (h, w, c) of Keras is column (c, h, w) of PyTorch.
                kernel = kernel.reshape(-1, c, h, w).transpose(0, 2, 3, 1).reshape(kernel.shape[0], -1)
                flatten_from = None
            cfg = {**base, "units": m.out_features, "activation": "linear", "use_bias": m.bias is not None}
            layers.append({"class_name": "Dense", "config": cfg})
            weights.append((f"{name}/kernel", np.ascontiguousarray(kernel.T)))
            if m.bias is not None:
                weights.append((f"{name}/bias", _f32(m.bias)))
            shape = (m.out_features,)
        elif isinstance(m, nn.Dropout):
            layers.append({"class_name": "Dropout", "config": {**base, "rate": float(m.p)}})
        else:
            raise ExportError(
                f"{name}: unsupported module {type(m).__name__}; supported: Conv2d, BatchNorm2d, ReLU, "
                "MaxPool2d, AvgPool2d, AdaptiveAvgPool2d(1), GlobalAvgPool2d, Flatten, Linear, Dropout")
    if layers[-1]["class_name"] != "Dense":
        raise ExportError("the last layer must be a Linear producing the logits")
    return layers, weights, shape


def export(model, input_shape, out_dir, model_name="model", generated_by="training/export_tfjs.py"):
    """Write out_dir/model.json and out_dir/group1-shard1of1.bin; return the parsed model.json."""
    model = model.eval()
    layers, weights, _ = convert(model, input_shape, model_name)
    names = [l["config"]["name"] for l in layers]
    if len(set(names)) != len(names):
        raise ExportError(f"layer names must be unique: {names}")
    os.makedirs(out_dir, exist_ok=True)
    manifest, blobs = [], []
    for name, arr in weights:
        arr = np.ascontiguousarray(arr, dtype="<f4")
        manifest.append({"name": name, "shape": list(arr.shape), "dtype": "float32"})
        blobs.append(arr.tobytes())
    with open(os.path.join(out_dir, SHARD_NAME), "wb") as f:
        f.write(b"".join(blobs))
    model_json = OrderedDict([
        ("format", "layers-model"),
        ("generatedBy", f"PyTorch {torch.__version__}"),
        ("convertedBy", generated_by),
        ("modelTopology", {
            "class_name": "Sequential",
            "config": {"name": model_name, "layers": layers},
            "keras_version": KERAS_VERSION,
            "backend": "tensor_flow.js",
        }),
        ("weightsManifest", [{"paths": [SHARD_NAME], "weights": manifest}]),
    ])
    with open(os.path.join(out_dir, "model.json"), "w") as f:
        json.dump(model_json, f, indent=1)
        f.write("\n")
    return model_json
