"""Engine speed against torch.autograd: median times and ratios, measured in the same run on the same inputs.

The baseline is what a learner would write: float64 torch, an explicit loop over the same cell,
losses summed, `.backward()`. Run: python benchmarks/bench_engine.py
"""
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import rnnviz  # noqa: E402

torch.set_num_threads(1)


def median_seconds(fn, repeat):
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


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


def case(H, T, I=1, O=1, repeat=50):
    rng = np.random.default_rng(0)
    params = rnnviz.RNNParams.random(H, I, O, seed=1, scale=0.9 / np.sqrt(H))
    x, target = rng.standard_normal((T, I)), rng.standard_normal((T, O))
    h0 = np.zeros(H)
    t_torch = median_seconds(lambda: autograd_forward_backward(params, x, target, h0), repeat)
    t_bptt = median_seconds(lambda: rnnviz.bptt(params, x, target, h0), repeat)
    t_decay = median_seconds(lambda: rnnviz.gradient_decay(params, x, h0), repeat)
    return dict(H=H, T=T, torch=t_torch, bptt=t_bptt, decay=t_decay)


def main():
    rows = [case(16, 100, repeat=200), case(64, 500, repeat=30), case(8, 100, repeat=200)]
    print(f"{'case':<14}{'autograd fwd+bwd':>18}{'rnnviz.bptt':>14}{'speed-up':>10}"
          f"{'gradient_decay':>16}{'decay/bptt':>12}")
    for r in rows:
        print(f"H={r['H']:<3} T={r['T']:<6}{r['torch'] * 1e3:>15.3f} ms{r['bptt'] * 1e3:>11.3f} ms"
              f"{r['torch'] / r['bptt']:>9.1f}×{r['decay'] * 1e3:>13.3f} ms{r['decay'] / r['bptt']:>11.2f}×")
    print("targets: speed-up ≥ 10× at H=16,T=100 and ≥ 5× at H=64,T=500; decay/bptt ≤ 3 at H=16,T=100")


if __name__ == "__main__":
    main()
