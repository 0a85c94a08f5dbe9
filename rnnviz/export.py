"""What a run can take home: its weights, its training log as CSV, and a standalone PyTorch script.

The script reproduces the run from the same settings without rnnviz: same data, same split, same init,
same batch order, so it prints the same loss curve (tests/test_export.py runs it and compares).
"""
import csv
import io
import math
import pprint
from dataclasses import asdict
from pathlib import Path
from string import Template

from rnnviz.data import STOCK_PRICES

TEMPLATE = Path(__file__).with_name("standalone.py.tmpl")

# The series of the sine family as numpy expressions of t, exactly as rnnviz.data computes them.
_SERIES = {
    "sine": "np.sin(t)",
    "noisy sine": "np.sin(t) + 0.1 * np.random.default_rng(CONFIG['seed']).standard_normal(t.shape)",
    "sum of sines": "(np.sin(t) + 0.5 * np.sin(2.7 * t)) / 1.5",
    "damped oscillator": "np.exp(-0.03 * t) * np.cos(t)",
}
_TRUTH = {**_SERIES, "noisy sine": "np.sin(t)"}  # the noise is not predictable: score the signal


def standalone_script(cfg, cell=None):
    """Python source that trains `cfg`'s run with numpy and PyTorch only and prints its loss curve.

    For a race, the run of one of its cells (`cell`): a race's lane is exactly that cell trained alone."""
    if cfg.race:
        cfg = cfg.replace(race=False, cell=cell)
    settings = {k: v for k, v in asdict(cfg).items() if k != "values"}
    if cfg.task == "adding":
        values, series, truth = "None", "None", "None"
    elif cfg.dataset in _SERIES:
        values, series, truth = "None", _SERIES[cfg.dataset], _TRUTH[cfg.dataset]
    else:
        data = STOCK_PRICES if cfg.dataset == "stock prices" else cfg.values
        values, series, truth = _wrap(data), "None", "None"
    return Template(TEMPLATE.read_text()).substitute(
        CONFIG=pprint.pformat(settings, sort_dicts=False, width=100), VALUES=values, SERIES=series, TRUTH=truth)


def _wrap(values, per_line=8):
    """A list literal of floats, repr-exact, a few per line."""
    items = [repr(float(v)) for v in values]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[\n    " + ",\n    ".join(lines) + ",\n]"


def weights_bytes(state_dict):
    """A model's state_dict as torch.save bytes; the standalone script's model loads it as is."""
    import torch  # here, not above: the server imports this module for the CSV and the script, never torch
    buf = io.BytesIO()
    torch.save({k: v.detach().clone() for k, v in state_dict.items()}, buf)
    return buf.getvalue()


def lane_state(state, cell):
    """One cell's state_dict out of a race's ("<cell>.<name>" keys), as that cell's own model names it."""
    prefix = cell + "."
    return {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}


LOG_COLUMNS = ("epoch", "train_loss", "val_loss", "grad_norm_max", "grad_norm_mean", "steps", "clipped_steps",
               "spectral_radius", "seconds")


def log_csv(records):
    """The training log, one row per epoch (EpochRecords in, CSV text out)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LOG_COLUMNS)
    for r in records:
        norms = r.grad_norms or (math.nan,)
        writer.writerow([r.epoch, repr(r.train_loss), repr(r.val_loss), repr(max(norms)),
                         repr(sum(norms) / len(norms)), len(r.grad_norms), sum(r.clipped),
                         repr(r.spectral_radius), f"{r.seconds:.4f}"])
    return out.getvalue()
