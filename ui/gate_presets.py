"""The "trained on the sine task" preset of the LSTM & GRU page: H = 1 weights trained once, offline, and kept
as data (ui/gate_presets.json) so the page loads them instantly.

Retrain (deterministic, ~10 s): python3 -m ui.gate_presets
The task is the sidebar's default sine: x_t = s_{t−1}, target_t = s_t, s_k = sin(0.25 k), T = 40; the loss is
the app's L = Σ_t ½(y_t − target_t)², its gradient rnnviz.bptt, the optimiser Adam (lr 0.05, 3000 steps).
"""
import json
from pathlib import Path

import numpy as np

import rnnviz

FILE = Path(__file__).with_suffix(".json")
CELLS = {"LSTM": rnnviz.LSTMParams, "GRU": rnnviz.GRUParams}


def load():
    """{cell: params} for the trained H = 1 models."""
    raw = json.loads(FILE.read_text())
    return {cell: CELLS[cell](**{n: np.array(v) for n, v in arrays.items()}) for cell, arrays in raw.items()}


def train(P, steps=3000, lr=0.05, seed=0):
    """Adam on the sine task from PyTorch's default init; returns (params, loss before, loss after)."""
    x, target = rnnviz.data.next_value(rnnviz.data.sine(np.arange(41) * 0.25))
    p = P.random(1, seed=seed)
    m = {n: np.zeros_like(a) for n, a in p.as_dict().items()}
    v = {n: np.zeros_like(a) for n, a in p.as_dict().items()}
    first = rnnviz.bptt(p, x, target).loss
    for k in range(1, steps + 1):
        g = rnnviz.bptt(p, x, target)
        new = {}
        for n, a in p.as_dict().items():
            m[n] = 0.9 * m[n] + 0.1 * g.d[n]
            v[n] = 0.999 * v[n] + 0.001 * g.d[n] ** 2
            new[n] = a - lr * (m[n] / (1 - 0.9 ** k)) / (np.sqrt(v[n] / (1 - 0.999 ** k)) + 1e-8)
        p = P(**new)
    return p, first, rnnviz.bptt(p, x, target).loss


if __name__ == "__main__":
    out = {}
    for cell, P in CELLS.items():
        p, before, after = train(P)
        print(f"{cell}: L {before:.4f} → {after:.5f}")
        out[cell] = {n: np.round(a, 4).tolist() for n, a in p.as_dict().items()}
    FILE.write_text("{\n" + ",\n".join(f" {json.dumps(c)}: {json.dumps(a)}" for c, a in out.items()) + "\n}\n")
