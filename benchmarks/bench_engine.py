"""Engine speed against torch.autograd: median times and ratios, measured in the same run on the same inputs.

The baseline is what a learner would write: float64 torch, an explicit loop over the same cell,
losses summed, `.backward()`. For the LSTM and GRU, also PyTorch's own fused nn.LSTM / nn.GRU forward + backward.
Run: python benchmarks/bench_engine.py
"""
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import rnnviz  # noqa: E402

torch.set_num_threads(1)


def median_seconds(fns, repeat, interleave):
    """Median seconds of each function: each in its own loop (warm caches, as timeit does), or with the
    calls interleaved (each call finds the caches the other left, as one call per page rerun does)."""
    times = [[] for _ in fns]
    for fn in fns:
        fn()  # warm-up
    order = [[(fn, ts) for fn, ts in zip(fns, times)]] * repeat if interleave else \
        [[(fn, ts)] * repeat for fn, ts in zip(fns, times)]
    for batch in order:
        for fn, ts in batch:
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    return [statistics.median(ts) for ts in times]


def rounds(fns, repeat, interleave, n_rounds):
    """median_seconds, n_rounds times in a row: a ratio is taken within a round, so a round that another
    process slowed down slows both sides of its ratio."""
    return [median_seconds(fns, repeat, interleave) for _ in range(n_rounds)]


def autograd_forward_backward(params, x, target, h0):
    """Forward + backward in torch.autograd, the same cell in an explicit loop."""
    p = {n: torch.tensor(a, requires_grad=True) for n, a in params.as_dict().items()}
    x, target, h = torch.from_numpy(x), torch.from_numpy(target), torch.from_numpy(h0)
    hs = []
    for t in range(len(x)):
        h = torch.tanh(p["W_xh"] @ x[t] + p["W_hh"] @ h + p["b_h"])
        hs.append(h)
    y = torch.stack(hs) @ p["W_hy"].T + p["b_y"]
    loss = 0.5 * ((y - target) ** 2).sum()
    loss.backward()
    return {n: v.grad for n, v in p.items()}


def case(H, T, interleave, I=1, O=1, repeat=50, n_rounds=5):
    """Per round: (autograd, bptt, decay) median seconds at this size."""
    rng = np.random.default_rng(0)
    params = rnnviz.RNNParams.random(H, I, O, seed=1, scale=0.9 / np.sqrt(H))
    x, target = rng.standard_normal((T, I)), rng.standard_normal((T, O))
    h0 = np.zeros(H)
    return rounds([lambda: autograd_forward_backward(params, x, target, h0),
                   lambda: rnnviz.bptt(params, x, target, h0),
                   lambda: rnnviz.gradient_decay(params, x, h0)], repeat, interleave, n_rounds)


def lstm_step(p, x_t, s):
    h, c = s
    i, f, g, o = (p["W_ih"] @ x_t + p["b_ih"] + p["W_hh"] @ h + p["b_hh"]).chunk(4)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def gru_step(p, x_t, s):
    (h,) = s
    ar, az, an = (p["W_ih"] @ x_t + p["b_ih"]).chunk(3)
    hr, hz, hn = (p["W_hh"] @ h + p["b_hh"]).chunk(3)
    r, z = torch.sigmoid(ar + hr), torch.sigmoid(az + hz)
    n = torch.tanh(an + r * hn)
    return ((1 - z) * n + z * h,)


def autograd_gated(params, x, target, step):
    """Forward + backward in torch.autograd, the gated cell written out in an explicit loop."""
    p = {n: torch.tensor(a, requires_grad=True) for n, a in params.as_dict().items()}
    x, target = torch.from_numpy(x), torch.from_numpy(target)
    s = tuple(torch.zeros(params.H, dtype=torch.float64) for _ in range(2 if params.cell.has_c else 1))
    hs = []
    for t in range(len(x)):
        s = step(p, x[t], s)
        hs.append(s[0])
    y = torch.stack(hs) @ p["W_hy"].T + p["b_y"]
    (0.5 * ((y - target) ** 2).sum()).backward()
    return {n: v.grad for n, v in p.items()}


def fused(module, linear, x, target):
    """Forward + backward through PyTorch's own nn.LSTM / nn.GRU (one fused call over time)."""
    module.zero_grad()
    linear.zero_grad()
    out, _ = module(x)
    (0.5 * ((linear(out) - target) ** 2).sum()).backward()


def gated_case(kind, H, T, interleave, repeat=40, n_rounds=5):
    """Per round: (explicit autograd loop, fused nn module, bptt, decay) median seconds."""
    P, step, M = {"LSTM": (rnnviz.LSTMParams, lstm_step, torch.nn.LSTM),
                  "GRU": (rnnviz.GRUParams, gru_step, torch.nn.GRU)}[kind]
    rng = np.random.default_rng(0)
    params = P.random(H, 1, 1, seed=1)
    x, target = rng.standard_normal((T, 1)), rng.standard_normal((T, 1))
    module, linear = M(1, H, dtype=torch.float64), torch.nn.Linear(H, 1, dtype=torch.float64)
    xt, tt = torch.from_numpy(x), torch.from_numpy(target)
    return rounds([lambda: autograd_gated(params, x, target, step), lambda: fused(module, linear, xt, tt),
                   lambda: rnnviz.bptt(params, x, target),
                   lambda: rnnviz.gradient_decay(params, x)], repeat, interleave, n_rounds)


def spread(values, digits=1):
    """median [min–max]"""
    return f"{statistics.median(values):.{digits}f} [{min(values):.{digits}f}–{max(values):.{digits}f}]"


def main():
    print(f"rnnviz.bptt and gradient_decay against torch.autograd fwd+bwd, float64; 5 rounds a row, each round's "
          f"median over its calls;\nratios within a round, shown as median [min–max] over rounds. "
          f"Load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.\n")
    print(f"| {'case':<12} | {'timing':<11} | {'autograd (ms)':>13} | {'bptt (ms)':>9} | {'speed-up':>17} "
          f"| {'decay (ms)':>10} | {'decay / bptt':>17} |")
    print(f"|{'-' * 14}|{'-' * 13}|{'-' * 15}|{'-' * 11}|{'-' * 19}|{'-' * 12}|{'-' * 19}|")
    for H, T, repeat in [(16, 100, 60), (64, 500, 10), (8, 100, 60)]:
        for interleave in (False, True):
            rs = case(H, T, interleave, repeat=repeat)
            med = [statistics.median(r[i] for r in rs) * 1e3 for i in range(3)]
            print(f"| H={H:<3} T={T:<4} | {'interleaved' if interleave else 'own loop':<11} | {med[0]:>13.3f} "
                  f"| {med[1]:>9.3f} | {spread([a / b for a, b, _ in rs]) + '×':>17} | {med[2]:>10.3f} "
                  f"| {spread([d / b for _, b, d in rs], 2) + '×':>17} |")
    print(f"\n| {'cell':<14} | {'timing':<11} | {'autograd (ms)':>13} | {'nn fused (ms)':>13} | {'bptt (ms)':>9} "
          f"| {'vs autograd':>17} | {'vs nn fused':>17} | {'decay (ms)':>10} |")
    print(f"|{'-' * 16}|{'-' * 13}|{'-' * 15}|{'-' * 15}|{'-' * 11}|{'-' * 19}|{'-' * 19}|{'-' * 12}|")
    for kind in ("LSTM", "GRU"):
        for interleave in (False, True):
            rs = gated_case(kind, 16, 100, interleave)
            med = [statistics.median(r[i] for r in rs) * 1e3 for i in range(4)]
            print(f"| {kind + ' H=16 T=100':<14} | {'interleaved' if interleave else 'own loop':<11} "
                  f"| {med[0]:>13.3f} | {med[1]:>13.3f} | {med[2]:>9.3f} "
                  f"| {spread([a / b for a, _, b, _ in rs]) + '×':>17} "
                  f"| {spread([f / b for _, f, b, _ in rs], 2) + '×':>17} | {med[3]:>10.3f} |")
    print("\ntargets (issue 2): speed-up ≥ 10× at H=16, T=100 and ≥ 5× at H=64, T=500; decay/bptt ≤ 3 at "
          "H=16, T=100;\n(issue 19) LSTM/GRU bptt ≥ 5× the explicit autograd loop at H=16, T=100; goal: not slower than "
          "nn.LSTM/nn.GRU fused (ratio ≥ 1).\n'own loop' times each function in its own loop of calls, as timeit does; 'interleaved' "
          "alternates the three calls,\nso none runs warm from its own previous call, "
          "as one call per page rerun does (any other work between calls,\neven a sleep or a busy loop, costs "
          "bptt the same ~0.2 ms here).")


if __name__ == "__main__":
    main()
