"""`python -m rnnviz.train`: the page's training run in a terminal.

Every TrainConfig field is a flag (defaults = the page's defaults: seed 004's sine task, or with --task adding
the adding problem's). A progress bar goes to stderr; the last line on stdout is a JSON summary.

Tasks:
  series  predict the next value from a window of T values (seed 004's sine; --dataset, or --csv FILE).
          Summary: train_mse, val_mse, extrapolation_mse (standardised units), epochs, seconds.
  adding  the adding problem (Hochreiter & Schmidhuber 1997; Le et al. 2015): T steps of [u_t ~ U(0, 1),
          marker m_t], exactly two markers (one in each half); the target is the sum of the two marked u_t,
          read at the last step. Fresh seeded batches every step, a fixed seeded test set of 2000 sequences.
          Always answering 1 scores MSE ≈ 1/6 ≈ 0.167, the baseline; a cell below it has remembered.
          One epoch = --steps-per-epoch batches. Summary: baseline_mse, epochs, steps, seconds, test_mse (last).
  --race trains elman, lstm and gru on the identical batches; test_mse is then one number per cell.

Example: python -m rnnviz.train --task adding --T 50 --cell lstm
"""
import argparse
import json
import sys
import time

import torch

from rnnviz.csvdata import read_csv
from rnnviz.train import Trainer, summary
from rnnviz.train_config import TASK_DEFAULTS, TrainConfig, config_fields


def parser():
    """One flag per TrainConfig field, plus --csv/--column for the person's own series."""
    p = argparse.ArgumentParser(prog="python -m rnnviz.train", description=__doc__.split("\n\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    for f in config_fields():
        if f.name == "values":
            continue
        flags, meta = ["--" + f.name.replace("_", "-")], f.metadata
        if f.name == "window":
            flags.append("--T")
        adding = TASK_DEFAULTS["adding"].get(f.name)
        default = f"(default: {f.default}" + (f"; adding: {adding})" if adding is not None else ")")
        if f.type is bool:  # default None: the task's default applies unless the flag is given
            p.add_argument(*flags, action=argparse.BooleanOptionalAction, default=None,
                           help=f"{meta['help']} {default}")
        else:
            p.add_argument(*flags, type=f.type, default=None, choices=meta["choices"], dest=f.name,
                           help=f"{meta['help']} {default}")
    p.add_argument("--csv", metavar="FILE", help="train on a column of this CSV file (sets --dataset csv)")
    p.add_argument("--column", help="the CSV column to learn (default: the first numeric one that is not an "
                                    "index such as t or date)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def config_from_args(args):
    """The TrainConfig the flags describe; ValueError with a readable message if they make no sense."""
    settings = {f.name: getattr(args, f.name) for f in config_fields()
                if f.name not in ("values", "task") and getattr(args, f.name) is not None}
    if args.csv:
        with open(args.csv, "rb") as fh:
            table = read_csv(fh.read())
        settings.update(dataset="csv", values=tuple(table.values(args.column or table.default)))
    return TrainConfig.for_task(args.task or "series", **settings)


def progress(record, total, out=sys.stderr):
    """One line, redrawn in place: [#####.....] epoch 12/50  loss 1.2e-03  val 1.1e-03  0.4s  ETA 0.9s."""
    frac = record.epoch / total
    eta = record.seconds / frac - record.seconds
    bar = "#" * int(30 * frac) + "." * (30 - int(30 * frac))
    if hasattr(record, "lanes"):  # a race: each cell's held-out loss
        losses = "held-out " + "  ".join(f"{c} {r.val_loss:.2e}" for c, r in zip(record.cells, record.lanes))
    else:
        losses = f"loss {record.train_loss:.3e}  held-out {record.val_loss:.3e}"
    out.write(f"\r[{bar}] epoch {record.epoch}/{total}  {losses}  {record.seconds:.1f}s  ETA {eta:.1f}s")
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
