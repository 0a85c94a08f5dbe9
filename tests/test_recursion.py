"""ui/recursion.py: fib(3)'s call tree and h_3's, with values from an independent fib and the engine."""
import numpy as np

import rnnviz
from ui.recursion import fib_nodes, rnn_nodes, scalar_chain


def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def test_fib_tree_has_every_call_with_its_value():
    nodes = fib_nodes(4)
    assert len(nodes) == 9                          # calls made by the naive recursion for fib(4)
    for n in nodes:
        k = int(n.label[4:n.label.index(")")])
        assert n.label == f"fib({k}) = {fib(k)}"
        assert (n.kind == "base") == (k < 2)
    assert all(nodes[n.parent].depth == n.depth - 1 for n in nodes if n.parent is not None)


def test_rnn_chain_values_come_from_the_engine():
    p = rnnviz.RNNParams.scalar(W_xh=0.8, W_hh=0.5, b_h=0.1, W_hy=1.2, b_y=0.0)
    x = np.array([1.0, -2.0, 3.0, 0.5])
    run = rnnviz.forward(p, x)
    nodes = rnn_nodes(0.8, 0.5, 0.1, x, run.hs[:, 0])
    hs = {n.label.split("</sub>")[0][-1]: n for n in nodes if n.label.startswith("h<sub>")}
    for t in range(1, 5):
        assert hs[str(t)].label.endswith(f"{run.hs[t, 0]:.3f}")
        assert f"= {run.hs[t, 0]:.3f}" in hs[str(t)].hover and f"h_{t-1}" in hs[str(t)].hover
    assert sum(n.kind == "input" for n in nodes) == 4 and sum(n.kind == "base" for n in nodes) == 1


def test_the_plain_python_chain_equals_the_engines_forward():
    rng = np.random.default_rng(3)
    for _ in range(20):
        W_xh, W_hh, b_h, h0 = rng.normal(0, 1.5, 4)
        x = rng.normal(0, 2, int(rng.integers(1, 12)))
        p = rnnviz.RNNParams.scalar(W_xh=W_xh, W_hh=W_hh, b_h=b_h, W_hy=1.0, b_y=0.0)
        run = rnnviz.forward(p, x, h0=np.array([h0]))
        np.testing.assert_allclose(scalar_chain(W_xh, W_hh, b_h, x.tolist(), h0), run.hs[:, 0], rtol=0, atol=1e-15)
