"""The `shapes` data sets for training, made by the TypeScript generator (docs/shapes.md).

    sets = shapes_data.ensure(seed=1, train_count=20000, test_count=2000)

Python never draws an image itself: `scripts/gen-shapes.ts` writes each set once into
training/data/shapes-<split>-<variant>-s<seed>-n<count>/ (git-ignored) and it is reused while its
meta.json says the same generator options. The same (seed, split, index) gives the same image with
and without the bias except for the 25 corner-mark pixels, so the 'biased' and 'unbiased' sets of a
split hold the same scenes and differ only by the mark.
"""
import json
import os
import subprocess
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(ROOT, "training", "data")
BIAS_STRENGTH = 0.95
VARIANTS = ("unbiased", "biased", "biased-glyph")
# The spurious cue of each biased variant (scripts/gen-shapes.ts --bias-cue): a square of the class's
# colour, or the class's 5 x 5 glyph in the background's hue.
CUES = {"biased": "corner-mark", "biased-glyph": "corner-glyph"}


def set_dir(split, variant, seed, count):
    return os.path.join(DATA_DIR, f"shapes-{split}-{variant}-s{seed}-n{count}")


def generate(split, variant, seed, count):
    """Run the TS generator unless its output is already there; return the folder."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant '{variant}'; allowed: {', '.join(VARIANTS)}")
    out = set_dir(split, variant, seed, count)
    meta_path = os.path.join(out, "meta.json")
    if os.path.exists(meta_path):
        with open(meta_path) as f:
            meta = json.load(f)
        gen = meta["generator"]
        want_bias = (CUES[variant], BIAS_STRENGTH) if variant in CUES else None
        have_bias = (gen["bias"]["cue"], gen["bias"]["strength"]) if gen["bias"] else None
        if meta["count"] == count and gen["seed"] == seed and gen["split"] == split and have_bias == want_bias:
            return out
    cmd = ["npx", "tsx", "scripts/gen-shapes.ts", "--count", str(count), "--seed", str(seed),
           "--split", split, "--out", out]
    if variant in CUES:
        cmd += ["--bias", str(BIAS_STRENGTH), "--bias-cue", CUES[variant]]
    t0 = time.time()
    subprocess.run(cmd, cwd=ROOT, check=True)
    print(f"generated {out} in {time.time() - t0:.1f} s", flush=True)
    return out


def load(folder):
    """images uint8 [N, H, W, 3], labels int64 [N], cueAgrees bool [N] (all False when unbiased)."""
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    n, h, w = meta["count"], meta["height"], meta["width"]
    images = np.fromfile(os.path.join(folder, "images.bin"), np.uint8).reshape(n, h, w, 3)
    labels = np.fromfile(os.path.join(folder, "labels.bin"), np.uint8).astype(np.int64)
    agrees = np.array([bool(s.get("cueAgrees", False)) for s in meta["samples"]])
    return {"images": images, "labels": labels, "cueAgrees": agrees, "classNames": meta["classNames"],
            "generator": meta["generator"], "count": n}


def ensure(seed, train_count, test_count, train_variant):
    """The training set of `train_variant` and both test sets (clean = unbiased, cue = biased with
    the variant's cue; the colour mark's for the unbiased variant)."""
    return {
        "train": load(generate("train", train_variant, seed, train_count)),
        "testClean": load(generate("test", "unbiased", seed, test_count)),
        "testCue": load(generate("test", train_variant if train_variant in CUES else "biased", seed, test_count)),
    }
