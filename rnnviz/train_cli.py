"""`python -m rnnviz.train`: the page's training run in a terminal.

Every TrainConfig field is a flag (defaults = the page's defaults = seed 004). A progress bar goes to stderr;
the last line on stdout is a JSON summary with train_mse, val_mse, extrapolation_mse, epochs and seconds.
"""
import argparse
import json
import sys
import time

import torch

from rnnviz.datasets import csv_column, csv_columns
from rnnviz.train import Trainer, summary
from rnnviz.train_config import TrainConfig, config_fields


def parser():
    """One flag per TrainConfig field, plus --csv/--column for the person's own series."""
    p = argparse.ArgumentParser(prog="python -m rnnviz.train", description=__doc__.splitlines()[0])
    for f in config_fields():
        if f.name == "values":
            continue
        flag, meta = "--" + f.name.replace("_", "-"), f.metadata
        if f.type is bool:
            p.add_argument(flag, action=argparse.BooleanOptionalAction, default=f.default, help=meta["help"])
        else:
            p.add_argument(flag, type=f.type, default=f.default, choices=meta["choices"],
                           help=f"{meta['help']} (default: %(default)s)")
    p.add_argument("--csv", metavar="FILE", help="train on a column of this CSV file (sets --dataset csv)")
    p.add_argument("--column", help="the CSV column to learn (default: the first)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def config_from_args(args):
    """The TrainConfig the flags describe; ValueError with a readable message if they make no sense."""
    settings = {f.name: getattr(args, f.name) for f in config_fields() if f.name != "values"}
    if args.csv:
        with open(args.csv, "rb") as fh:
            text = fh.read()
        column = args.column or csv_columns(text)[0]
        settings.update(dataset="csv", values=tuple(csv_column(text, column)))
    return TrainConfig(**settings)


def progress(record, total, out=sys.stderr):
    """One line, redrawn in place: [#####.....] epoch 12/50  loss 1.2e-03  val 1.1e-03  0.4s  ETA 0.9s."""
    frac = record.epoch / total
    eta = record.seconds / frac - record.seconds
    bar = "#" * int(30 * frac) + "." * (30 - int(30 * frac))
    out.write(f"\r[{bar}] epoch {record.epoch}/{total}  loss {record.train_loss:.3e}  "
              f"val {record.val_loss:.3e}  {record.seconds:.1f}s  ETA {eta:.1f}s")
    out.flush()


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        cfg = config_from_args(args)
        trainer = Trainer(cfg)
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    torch.set_num_threads(1)  # measured: 1 thread is fastest for this model size
    start = time.perf_counter()
    while not trainer.done:
        record = trainer.step()
        if not args.quiet:
            progress(record, cfg.epochs)
    if not args.quiet:
        print(f"\n{time.perf_counter() - start:.2f}s wall", file=sys.stderr)
    result = summary(trainer)
    if result["diverged"]:
        print(result["message"], file=sys.stderr)
    print(json.dumps(result))
    return 1 if result["diverged"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
