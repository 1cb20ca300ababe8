"""Write the shipped Fashion-MNIST sample: the first 100 test images of each class, in test-set order.

    /usr/bin/python3 training/make_sample.py

Output: public/data/fashion-mnist/sample.bin (uint8, N x 28 x 28 x 1 row-major, no header) and
sample.json (labels, class names, and the index of each image in the 10,000-image test set).
Deterministic: same Debian package, same bytes.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import idx  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PER_CLASS = 100


def main():
    out_dir = os.path.join(ROOT, "public/data/fashion-mnist")
    x, y = idx.load_split("t10k")
    # Test-set order within the sample too, so sample image i is test image testIndices[i].
    chosen = np.sort(np.concatenate([np.flatnonzero(y == c)[:PER_CLASS] for c in range(10)]))
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "sample.bin"), "wb") as f:
        f.write(np.ascontiguousarray(x[chosen]).tobytes())  # [N, 28, 28] == [N, 28, 28, 1]
    meta = {
        "name": "Fashion-MNIST test sample",
        "source": "Fashion-MNIST test set (Xiao et al. 2017), via Debian dataset-fashion-mnist",
        "license": "MIT (Expat), Copyright 2017 Zalando SE",
        "count": int(len(chosen)),
        "height": 28, "width": 28, "channels": 1,
        "labels": [int(v) for v in y[chosen]],
        "classNames": idx.CLASS_NAMES,
        "testIndices": [int(v) for v in chosen],
    }
    with open(os.path.join(out_dir, "sample.json"), "w") as f:
        json.dump(meta, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(chosen)} images ({PER_CLASS} per class) to {out_dir}")


if __name__ == "__main__":
    main()
