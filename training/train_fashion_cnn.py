"""Train `fashion-cnn` on Fashion-MNIST with PyTorch on the CPU and export it to tfjs.

    /usr/bin/python3 training/train_fashion_cnn.py            # train, export, write the JSON record
    /usr/bin/python3 training/train_fashion_cnn.py --epochs 1 --out /tmp/x   # a quick smoke run

Five 3x3 conv + BatchNorm + ReLU blocks, two 2x2 max-pools, global average pooling and a single
Dense layer to 10 logits: with GAP feeding one linear layer, CAM (Zhou et al. 2016) applies exactly
to relu5, and Grad-CAM to any conv layer. Inputs are raw pixels scaled to [0, 1] (no mean/std) so
the exported model takes exactly what glimpse.json promises.
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
import idx  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_model():
    def block(i, cin, cout):
        return [(f"conv{i}", nn.Conv2d(cin, cout, 3, padding=1, bias=False)),
                (f"bn{i}", nn.BatchNorm2d(cout)),
                (f"relu{i}", nn.ReLU())]
    return nn.Sequential(OrderedDict(
        block(1, 1, 16) + block(2, 16, 16) + [("pool1", nn.MaxPool2d(2))]
        + block(3, 16, 32) + block(4, 32, 32) + [("pool2", nn.MaxPool2d(2))]
        + block(5, 32, 128)
        + [("gap", export_tfjs.GlobalAvgPool2d()), ("logits", nn.Linear(128, 10))]))


def augment(x, gen, pad=2):
    """Random crop after zero padding by `pad`, and random horizontal flip (garments are symmetric
    enough; flipping keeps every class its class). x: [N, 1, 28, 28]."""
    n, _, h, w = x.shape
    padded = nn.functional.pad(x, (pad, pad, pad, pad))
    dy = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
    dx = torch.randint(0, 2 * pad + 1, (n,), generator=gen)
    flip = torch.rand(n, generator=gen) < 0.5
    out = torch.empty_like(x)
    for i in range(n):
        crop = padded[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w]
        out[i] = crop.flip(-1) if flip[i] else crop
    return out


def evaluate(model, x, y, batch=1000):
    model.eval()
    correct, loss = 0, 0.0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            logits = model(x[i:i + batch])
            loss += nn.functional.cross_entropy(logits, y[i:i + batch], reduction="sum").item()
            correct += (logits.argmax(1) == y[i:i + batch]).sum().item()
    return correct, loss / len(x)


def to_tensors(images, labels):
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)  # [N, 1, 28, 28] in [0, 1]
    return x, torch.from_numpy(labels.astype(np.int64))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3, help="peak learning rate of the one-cycle schedule")
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1,
                    help="1 by default: on a shared 2-core machine two OpenMP threads ran 2.7x slower than one")
    ap.add_argument("--out", default=os.path.join(ROOT, "public/models/fashion-cnn"))
    ap.add_argument("--record", default=os.path.join(ROOT, "training/fashion-cnn.train.json"))
    ap.add_argument("--checkpoint", default=os.path.join(ROOT, "training/fashion-cnn.pt"),
                    help="PyTorch state_dict written after training (not committed)")
    ap.add_argument("--export-only", action="store_true",
                    help="skip training: load --checkpoint and export it again")
    args = ap.parse_args()

    if args.export_only:
        model = build_model()
        model.load_state_dict(torch.load(args.checkpoint))
        export_tfjs.export(model, [28, 28, 1], args.out, model_name="fashion_cnn",
                           generated_by="training/export_tfjs.py (from training/train_fashion_cnn.py)")
        print(f"exported {args.checkpoint} to {args.out}")
        return

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(args.seed)  # data order and augmentation

    x_train, y_train = to_tensors(*idx.load_split("train"))
    x_test, y_test = to_tensors(*idx.load_split("t10k"))
    model = build_model()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    steps = (len(x_train) + args.batch - 1) // args.batch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps)

    history = []
    start = time.time()
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        model.train()
        order = torch.randperm(len(x_train), generator=gen)
        run_loss, run_correct = 0.0, 0
        for b in range(steps):
            sel = order[b * args.batch:(b + 1) * args.batch]
            xb, yb = augment(x_train[sel], gen), y_train[sel]
            logits = model(xb)
            loss = nn.functional.cross_entropy(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            run_loss += loss.item() * len(sel)
            run_correct += (logits.argmax(1) == yb).sum().item()
        test_correct, test_loss = evaluate(model, x_test, y_test)
        row = {"epoch": epoch, "trainLoss": round(run_loss / len(x_train), 4),
               "trainAccuracy": round(run_correct / len(x_train), 4),
               "testLoss": round(test_loss, 4), "testAccuracy": test_correct / len(x_test),
               "seconds": round(time.time() - t0, 1)}
        history.append(row)
        print(json.dumps(row), flush=True)
    wall = time.time() - start

    test_correct, _ = evaluate(model, x_test, y_test)
    torch.save(model.state_dict(), args.checkpoint)
    export_tfjs.export(model, [28, 28, 1], args.out, model_name="fashion_cnn",
                       generated_by="training/export_tfjs.py (from training/train_fashion_cnn.py)")
    record = OrderedDict([
        ("model", "fashion-cnn"),
        ("command", "/usr/bin/python3 " + " ".join(["training/train_fashion_cnn.py"] + sys.argv[1:])),
        ("seed", args.seed),
        ("epochs", args.epochs),
        ("batchSize", args.batch),
        ("optimizer", f"AdamW(weight_decay={args.weight_decay}), OneCycleLR(max_lr={args.lr})"),
        ("augmentation", "random crop 28x28 from the image zero-padded by 2, random horizontal flip"),
        ("threads", args.threads),
        ("trainingWallSeconds", round(wall, 1)),
        ("pytorchTestCorrect", test_correct),
        ("pytorchTestAccuracy", test_correct / len(x_test)),
        ("testCount", len(x_test)),
        ("machine", f"{os.cpu_count()}-core {platform.machine()}, PyTorch {torch.__version__} CPU, "
                    f"Python {platform.python_version()}"),
        ("history", history),
    ])
    with open(args.record, "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    print(f"test accuracy (PyTorch) {test_correct}/{len(x_test)} = {test_correct / len(x_test):.4f}; "
          f"trained in {wall:.0f} s; exported to {args.out}")


if __name__ == "__main__":
    main()
