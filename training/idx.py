"""Read Fashion-MNIST from Debian's dataset-fashion-mnist package (IDX files, gzip-compressed).

IDX (LeCun's MNIST format): big-endian magic 0x00 0x00 <dtype 0x08 = uint8> <ndim>, then ndim
big-endian uint32 sizes, then the row-major data. We read it ourselves so training needs nothing
beyond numpy and the Debian package.
"""
import gzip
import os
import struct

import numpy as np

DATA_DIR = "/usr/share/datasets/fashion-mnist"
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def read_idx(path):
    """Return the IDX file at `path` (.gz) as a uint8 numpy array of its declared shape."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not a uint8 IDX file (magic {raw[:4].hex()})")
    shape = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path}: header says {shape} but holds {data.size} bytes")
    return data.reshape(shape)


def load_split(split, data_dir=DATA_DIR):
    """Images [N, 28, 28] uint8 and labels [N] uint8 of split 'train' (60k) or 't10k' (10k)."""
    if split not in ("train", "t10k"):
        raise ValueError(f"unknown split '{split}'; known: train, t10k")
    images = os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz")
    labels = os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz")
    for p in (images, labels):
        if not os.path.exists(p):
            raise SystemExit(
                f"Fashion-MNIST file missing: {p}\n"
                "Install Debian's copy with: apt-get install dataset-fashion-mnist")
    x, y = read_idx(images), read_idx(labels)
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"{split}: {x.shape[0]} images but {y.shape[0]} labels")
    return x, y
