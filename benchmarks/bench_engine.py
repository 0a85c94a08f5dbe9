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


def case(H, T, interleave, I=1, O=1, repeat=50):
    rng = np.random.default_rng(0)
    params = rnnviz.RNNParams.random(H, I, O, seed=1, scale=0.9 / np.sqrt(H))
    x, target = rng.standard_normal((T, I)), rng.standard_normal((T, O))
    h0 = np.zeros(H)
    t_torch, t_bptt, t_decay = median_seconds([lambda: autograd_forward_backward(params, x, target, h0),
                                               lambda: rnnviz.bptt(params, x, target, h0),
                                               lambda: rnnviz.gradient_decay(params, x, h0)], repeat, interleave)
    return dict(H=H, T=T, torch=t_torch, bptt=t_bptt, decay=t_decay)


def main():
    print(f"{'case':<14}{'timing':<13}{'autograd fwd+bwd':>18}{'rnnviz.bptt':>14}{'speed-up':>10}"
          f"{'gradient_decay':>16}{'decay/bptt':>12}")
    for H, T, repeat in [(16, 100, 200), (64, 500, 30), (8, 100, 200)]:
        for interleave in (False, True):
            r = case(H, T, interleave, repeat=repeat)
            print(f"H={H:<3} T={T:<6}{'interleaved' if interleave else 'own loop':<13}"
                  f"{r['torch'] * 1e3:>15.3f} ms{r['bptt'] * 1e3:>11.3f} ms{r['torch'] / r['bptt']:>9.1f}×"
                  f"{r['decay'] * 1e3:>13.3f} ms{r['decay'] / r['bptt']:>11.2f}×")
    print("targets: speed-up ≥ 10× at H=16,T=100 and ≥ 5× at H=64,T=500; decay/bptt ≤ 3 at H=16,T=100")


if __name__ == "__main__":
    main()
