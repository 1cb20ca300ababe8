"""Train `shapes-cnn` (unbiased), `shapes-cnn-biased` or the glyph twin on the procedural `shapes` set and export to tfjs.

    /usr/bin/python3 training/train_shapes_cnn.py --variant unbiased    # -> public/models/shapes-cnn/
    /usr/bin/python3 training/train_shapes_cnn.py --variant biased      # -> public/models/shapes-cnn-biased/
    /usr/bin/python3 training/train_shapes_cnn.py --variant biased-glyph  # -> training/models/shapes-cnn-glyph/ (not shipped)
    /usr/bin/python3 training/train_shapes_cnn.py --variant biased --epochs 1 --train-count 2000 \
        --out /tmp/x --record /tmp/x.json --checkpoint /tmp/x.pt        # smoke run, touches nothing shipped

Both variants have the same architecture, recipe and seed, and their training sets hold the same
scenes (seed 1, train split): the only difference is the 5x5 corner mark of the biased set, whose
colour encodes the class in 95 % of training images. Whatever the biased model learns beyond
shapes-cnn, it learns from those 25 pixels.

Four 3x3 conv + BatchNorm + ReLU blocks with 2x2 max-pools between them, global average pooling
and one Dense layer to 6 logits, so CAM applies exactly to relu4 and Grad-CAM to any conv layer.
Inputs are raw RGB in [0, 1]. Augmentation: a random transpose (mirror about the main diagonal),
which maps every class to itself and keeps the top-left corner mark in place, so the cue survives
it; flips or 90-degree rotations would move the mark to another corner.
"""
import argparse
import json
import os
import platform
import random
import sys
import time
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_tfjs  # noqa: E402
import shapes_data  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_IDS = {"unbiased": "shapes-cnn", "biased": "shapes-cnn-biased", "biased-glyph": "shapes-cnn-glyph"}
# Where a variant's tfjs export goes unless --out says: the glyph twin is a research model for the
# Network Dissection check (docs/concepts.md), not one of the site's shipped models.
EXPORT_DIRS = {"biased-glyph": "training/models/shapes-cnn-glyph"}
WIDTHS = (16, 32, 64, 128)


def build_model(widths=WIDTHS, num_classes=6):
    layers, cin = [], 3
    for i, cout in enumerate(widths, 1):
        layers += [(f"conv{i}", nn.Conv2d(cin, cout, 3, padding=1, bias=False)),
                   (f"bn{i}", nn.BatchNorm2d(cout)),
                   (f"relu{i}", nn.ReLU())]
        if i < len(widths):
            layers.append((f"pool{i}", nn.MaxPool2d(2)))
        cin = cout
    layers += [("gap", export_tfjs.GlobalAvgPool2d()), ("logits", nn.Linear(cin, num_classes))]
    return nn.Sequential(OrderedDict(layers))


def to_input(images):
    """uint8 [N, H, W, 3] -> float32 [N, 3, H, W] in [0, 1] (float32 / 255, as tfjs evaluation does)."""
    return torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255.0


def predict(model, images, batch=100):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(images), batch):
            out.append(model(to_input(images[i:i + batch])).argmax(1).numpy())
    return np.concatenate(out)


def subset_accuracy(pred, data, mask=None):
    ok = pred == data["labels"]
    if mask is not None:
        ok = ok[mask]
    return {"correct": int(ok.sum()), "count": int(ok.size), "accuracy": round(float(ok.mean()), 4)}


def evaluate_all(model, sets):
    """Accuracy on the clean test set and on the cue test set: all, cue-agreeing, cue-conflicting."""
    clean = predict(model, sets["testClean"]["images"])
    cue = predict(model, sets["testCue"]["images"])
    agrees = sets["testCue"]["cueAgrees"]
    return OrderedDict([
        ("clean", subset_accuracy(clean, sets["testClean"])),
        ("cue", subset_accuracy(cue, sets["testCue"])),
        ("cueAgreeing", subset_accuracy(cue, sets["testCue"], agrees)),
        ("cueConflicting", subset_accuracy(cue, sets["testCue"], ~agrees)),
    ])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", required=True, choices=list(MODEL_IDS))
    ap.add_argument("--epochs", type=int, default=7)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-3, help="peak learning rate of the one-cycle schedule")
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=1, help="seeds the generator (both splits) and PyTorch")
    ap.add_argument("--train-count", type=int, default=20000)
    ap.add_argument("--test-count", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=1,
                    help="1 by default: on this shared 2-core machine the two variants train side by side")
    ap.add_argument("--out", help="export folder (default public/models/<id>)")
    ap.add_argument("--record", help="JSON record (default training/<id>.train.json)")
    ap.add_argument("--checkpoint", help="state_dict (default training/data/<id>.pt, git-ignored)")
    ap.add_argument("--export-only", action="store_true", help="load --checkpoint and export it again")
    args = ap.parse_args()
    model_id = MODEL_IDS[args.variant]
    out = args.out or os.path.join(ROOT, EXPORT_DIRS.get(args.variant, os.path.join("public/models", model_id)))
    record_path = args.record or os.path.join(ROOT, "training", f"{model_id}.train.json")
    checkpoint = args.checkpoint or os.path.join(shapes_data.DATA_DIR, f"{model_id}.pt")
    model_name = model_id.replace("-", "_")
    generated_by = "training/export_tfjs.py (from training/train_shapes_cnn.py)"

    if args.export_only:
        model = build_model()
        model.load_state_dict(torch.load(checkpoint))
        export_tfjs.export(model, [64, 64, 3], out, model_name=model_name, generated_by=generated_by)
        print(f"exported {checkpoint} to {out}")
        return

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(args.seed)  # data order and augmentation

    sets = shapes_data.ensure(args.seed, args.train_count, args.test_count, args.variant)
    train = sets["train"]
    x_train = torch.from_numpy(train["images"])  # uint8 NHWC; converted per batch
    y_train = torch.from_numpy(train["labels"])
    n = len(y_train)
    model = build_model()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    steps = (n + args.batch - 1) // args.batch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps)

    history = []
    start, cpu_start = time.time(), time.process_time()
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        model.train()
        order = torch.randperm(n, generator=gen)
        run_loss, run_correct = 0.0, 0
        for b in range(steps):
            sel = order[b * args.batch:(b + 1) * args.batch]
            xb = x_train[sel].permute(0, 3, 1, 2).float() / 255.0
            transpose = torch.rand(len(sel), generator=gen) < 0.5
            xb[transpose] = xb[transpose].transpose(2, 3)  # mirror about the diagonal; the corner stays put
            yb = y_train[sel]
            logits = model(xb)
            loss = nn.functional.cross_entropy(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            run_loss += loss.item() * len(sel)
            run_correct += (logits.argmax(1) == yb).sum().item()
        train_seconds = time.time() - t0
        acc = evaluate_all(model, sets)
        row = OrderedDict([("epoch", epoch), ("trainLoss", round(run_loss / n, 4)),
                           ("trainAccuracy", round(run_correct / n, 4)),
                           *[(k, v["accuracy"]) for k, v in acc.items()],
                           ("seconds", round(train_seconds, 1)),
                           ("evalSeconds", round(time.time() - t0 - train_seconds, 1))])
        history.append(row)
        print(json.dumps(row), flush=True)
    wall, cpu = time.time() - start, time.process_time() - cpu_start

    final = evaluate_all(model, sets)
    os.makedirs(os.path.dirname(checkpoint), exist_ok=True)
    torch.save(model.state_dict(), checkpoint)
    export_tfjs.export(model, [64, 64, 3], out, model_name=model_name, generated_by=generated_by)
    record = OrderedDict([
        ("model", model_id),
        ("command", "/usr/bin/python3 " + " ".join(["training/train_shapes_cnn.py"] + sys.argv[1:])),
        ("seed", args.seed),
        ("data", OrderedDict([
            ("generator", "scripts/gen-shapes.ts (src/data/shapes), 64x64 RGB, distractorRate 0.4"),
            ("train", f"{n} images, split train, seed {args.seed}, "
                      + (f"bias {shapes_data.CUES[args.variant]} strength {shapes_data.BIAS_STRENGTH}"
                         if args.variant in shapes_data.CUES else "no bias")),
            ("train cue agreement", float(train["cueAgrees"].mean()) if args.variant in shapes_data.CUES else None),
            ("testClean", f"{args.test_count} images, split test, seed {args.seed}, no bias"),
            ("testCue", f"{args.test_count} images, split test, seed {args.seed}, "
                        f"{shapes_data.CUES.get(args.variant, 'corner-mark')} independent of "
                        "the class (the same scenes as testClean plus the mark)"),
        ])),
        ("architecture", f"4 x (conv3x3 + BN + ReLU), widths {list(WIDTHS)}, 2x2 max-pool between, GAP, Dense 6"),
        ("parameters", sum(p.numel() for p in model.parameters())),
        ("epochs", args.epochs),
        ("batchSize", args.batch),
        ("optimizer", f"AdamW(weight_decay={args.weight_decay}), OneCycleLR(max_lr={args.lr})"),
        ("augmentation", "random transpose (mirror about the main diagonal), p = 0.5"),
        ("threads", args.threads),
        ("trainingWallSeconds", round(wall, 1)),
        ("trainingCpuSeconds", round(cpu, 1)),
        ("loadAverage1min", round(os.getloadavg()[0], 1)),
        ("pytorch", final),
        ("machine", f"{os.cpu_count()}-core {platform.machine()}, PyTorch {torch.__version__} CPU, "
                    f"Python {platform.python_version()}"),
        ("history", history),
    ])
    with open(record_path, "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    print(f"{model_id}: PyTorch " + ", ".join(f"{k} {v['accuracy']:.4f}" for k, v in final.items())
          + f"; trained in {wall:.0f} s; exported to {out}")


if __name__ == "__main__":
    main()
