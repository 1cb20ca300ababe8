"""
The PyTorch peer of `glimpse bench` (scripts/bench-peer.ts runs it): the same methods on the same
shipped weights (public/models/<id>/model.json + shard, read here directly), on the CPU with one
thread, as a Captum user would run them. Prints one JSON object {"torch": version, "threads": n,
"rows": [{"model", "task", "ms", "runs"}]} on stdout. Medians of --runs timed calls after warm-up.

Tasks mirror src/methods at their defaults (batch 32): occlusion (zero fill, logit score, window
round(min(h, w) / 7), stride round(window / 2), a last window flush with the edge), RISE with 2,000
masks (7x7 grid, p 0.5, bilinear up-sampling, random shift, softmax score, masks made per batch),
the vanilla gradient, a batch-1 forward pass, and one Lucid optimizer step (1/f Fourier spectrum,
decorrelated colour, sigmoid, pad/jitter/scale/rotate/jitter, Adam 0.05, a conv3 channel).
Usage: /usr/bin/python3 scripts/bench_torch.py [--runs 12] [--threads 1] [--models fashion-cnn,shapes-cnn] [--tasks 'occlusion']
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(model_id):
    """The LayersModel as a list of (kind, params) in NCHW, weights from the manifest's shards."""
    folder = os.path.join(REPO, "public", "models", model_id)
    with open(os.path.join(folder, "model.json")) as f:
        art = json.load(f)
    topo = art["modelTopology"]
    layers = topo.get("model_config", topo)["config"]["layers"]
    weights = {}
    for group in art["weightsManifest"]:
        buf = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for spec in group["weights"]:
            n = int(np.prod(spec["shape"])) if spec["shape"] else 1
            weights[spec["name"]] = torch.from_numpy(np.frombuffer(buf, np.float32, n, offset).reshape(spec["shape"]).copy())
            offset += 4 * n
    ops = []
    shape = None
    for layer in layers:
        kind, cfg, name = layer["class_name"], layer["config"], layer["config"]["name"]
        if kind == "InputLayer":
            shape = cfg["batch_input_shape"][1:]
        elif kind == "Conv2D":
            k = weights[f"{name}/kernel"].permute(3, 2, 0, 1).contiguous()  # HWIO -> OIHW
            b = weights.get(f"{name}/bias")
            ops.append(("conv", (name, k, b, cfg["kernel_size"][0] // 2 if cfg["padding"] == "same" else 0)))
        elif kind == "BatchNormalization":
            ops.append(("bn", tuple(weights[f"{name}/{p}"] for p in ("moving_mean", "moving_variance", "gamma", "beta")) + (cfg["epsilon"],)))
        elif kind == "Activation":
            ops.append(("relu", None))
        elif kind == "MaxPooling2D":
            ops.append(("pool", cfg["pool_size"][0]))
        elif kind == "GlobalAveragePooling2D":
            ops.append(("gap", None))
        elif kind == "Dense":
            ops.append(("dense", (weights[f"{name}/kernel"].t().contiguous(), weights[f"{name}/bias"])))
        else:
            raise SystemExit(f"bench_torch.py: model '{model_id}': layer kind {kind} not supported here")
    return ops, shape


def forward(ops, x, stop=None):
    """Logits, or the output of conv layer `stop` (after its BatchNorm)."""
    for i, (kind, p) in enumerate(ops):
        if kind == "conv":
            x = F.conv2d(x, p[1], p[2], padding=p[3])
        elif kind == "bn":
            x = F.batch_norm(x, p[0], p[1], p[2], p[3], False, 0.0, p[4])
            if stop is not None and ops[i - 1][1][0] == stop:
                return x
        elif kind == "relu":
            x = F.relu(x)
        elif kind == "pool":
            x = F.max_pool2d(x, p)
        elif kind == "gap":
            x = x.mean((2, 3))
        elif kind == "dense":
            x = F.linear(x, p[0], p[1])
    return x


def sample_input(model_id, shape):
    with open(os.path.join(REPO, "public", "models", model_id, "glimpse.json")) as f:
        sample = json.load(f)["sample"]
    path = os.path.join(REPO, "public", sample.lstrip("/"))
    h, w, c = shape
    raw = np.fromfile(path.replace(".json", ".bin"), np.uint8, h * w * c).astype(np.float32) / 255
    return torch.from_numpy(raw.reshape(1, h, w, c)).permute(0, 3, 1, 2).contiguous()


def starts(size, win, stride):
    s = list(range(0, size - win + 1, stride))
    if s[-1] + win < size:
        s.append(size - win)
    return s


@torch.no_grad()
def occlusion(ops, x, target, batch=32):
    _, c, h, w = x.shape
    win = min(max(1, round(min(h, w) / 7)), h, w)
    stride = max(1, round(win / 2))
    pos = [(r, q) for r in starts(h, win, stride) for q in starts(w, win, stride)]
    base = forward(ops, x)[0, target]
    sums = torch.zeros(h, w)
    counts = torch.zeros(h, w)
    for b in range(0, len(pos), batch):
        chunk = pos[b:b + batch]
        xs = x.repeat(len(chunk), 1, 1, 1)
        for k, (r, q) in enumerate(chunk):
            xs[k, :, r:r + win, q:q + win] = 0
        drops = base - forward(ops, xs)[:, target]
        for k, (r, q) in enumerate(chunk):
            sums[r:r + win, q:q + win] += drops[k]
            counts[r:r + win, q:q + win] += 1
    return sums / counts


@torch.no_grad()
def rise(ops, x, target, n=2000, s=7, p=0.5, batch=32, seed=0):
    _, c, h, w = x.shape
    cell_h, cell_w = math.ceil(h / s), math.ceil(w / s)
    gen = torch.Generator().manual_seed(seed)
    sal = torch.zeros(h, w, dtype=torch.float64)
    for b in range(0, n, batch):
        k = min(batch, n - b)
        grid = (torch.rand(k, 1, s, s, generator=gen) < p).float()
        up = F.interpolate(grid, size=((s + 1) * cell_h, (s + 1) * cell_w), mode="bilinear", align_corners=False)
        dy = torch.randint(0, cell_h, (k,), generator=gen)
        dx = torch.randint(0, cell_w, (k,), generator=gen)
        masks = torch.stack([up[i, 0, dy[i]:dy[i] + h, dx[i]:dx[i] + w] for i in range(k)])
        scores = F.softmax(forward(ops, x * masks[:, None]), 1)[:, target]
        sal += (scores[:, None, None] * masks).sum(0).double()
    return sal / (n * p)


def gradient(ops, x, target):
    x = x.clone().requires_grad_(True)
    forward(ops, x)[0, target].backward()
    return x.grad


IMAGENET_SQRT = torch.tensor([[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]])


def lucid_step_factory(ops, shape, layer, channel=0, seed=0):
    """One step of Lucid's recipe (lucent's image param + standard transforms), as a closure."""
    h, w, c = shape
    torch.manual_seed(seed)
    fy = torch.fft.fftfreq(h)[:, None]
    fx = torch.fft.rfftfreq(w)[None, :]
    scale = (1.0 / torch.maximum(torch.sqrt(fx * fx + fy * fy), torch.tensor(1.0 / max(h, w)))) * math.sqrt(h * w)
    spectrum = (torch.randn(1, c, h, w // 2 + 1, 2) * 0.01).requires_grad_(True)
    color = IMAGENET_SQRT / IMAGENET_SQRT.norm(dim=0).max()
    opt = torch.optim.Adam([spectrum], lr=0.05)
    px = lambda n: max(1, round(n * h / 128))
    scales = [1 + (i - 5) / 50 for i in range(11)]
    degrees = list(range(-10, 11))
    rng = np.random.default_rng(seed)

    def image():
        z = torch.view_as_complex(spectrum) * scale
        t = torch.fft.irfft2(z, s=(h, w), norm="ortho") / 4.0
        if c == 3:
            t = torch.einsum("bchw,dc->bdhw", t, color)
        return torch.sigmoid(t)

    def jitter(x, d):
        oy, ox = rng.integers(0, d + 1, 2)
        return x[:, :, oy:x.shape[2] - d + oy, ox:x.shape[3] - d + ox]

    def step():
        opt.zero_grad()
        x = F.pad(image(), [px(12)] * 4, value=0.5)
        x = jitter(x, px(8))
        sc = scales[rng.integers(len(scales))]
        an = math.radians(degrees[rng.integers(len(degrees))])
        theta = torch.tensor([[[math.cos(an) / sc, -math.sin(an) / sc, 0.0], [math.sin(an) / sc, math.cos(an) / sc, 0.0]]])
        x = F.grid_sample(x, F.affine_grid(theta, list(x.shape), align_corners=False), align_corners=False, padding_mode="border")
        x = jitter(x, px(4))
        loss = -forward(ops, x, stop=layer)[:, channel].mean()
        loss.backward()
        opt.step()

    return step


def timed(fn, runs, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=12)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--models", default="fashion-cnn,shapes-cnn")
    ap.add_argument("--tasks", default="", help="comma-free task name to run alone (default: all)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    rows = []
    for model_id in args.models.split(","):
        ops, shape = load(model_id)
        x = sample_input(model_id, shape)
        convs = [p[0] for k, p in ops if k == "conv"]
        slow = max(3, args.runs // 4)
        tasks = [
            ("forward (batch 1)", lambda: forward(ops, x), args.runs),
            ("vanilla-gradient", lambda: gradient(ops, x, 0), args.runs),
            ("occlusion", lambda: occlusion(ops, x, 0), args.runs),
            ("rise, 2,000 masks", lambda: rise(ops, x, 0), slow),
            ("feature vis: one Lucid step", lucid_step_factory(ops, shape, convs[-2]), args.runs),
        ]
        for task, fn, runs in tasks:
            if args.tasks and task != args.tasks:
                continue
            with torch.no_grad() if task.startswith("forward") else torch.enable_grad():
                ms = timed(fn, runs, warmup=1 if runs == slow else 2)
            rows.append({"model": model_id, "task": task, "ms": ms, "runs": runs})
            print(f"torch {model_id} {task}: {ms:.2f} ms", file=sys.stderr)
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "rows": rows}, sys.stdout)


if __name__ == "__main__":
    main()
