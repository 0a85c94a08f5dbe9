import numpy as np
import pytest

import rnnviz


def test_scalar_defaults_are_seed_003():
    p = rnnviz.RNNParams.scalar()
    assert (p.H, p.I, p.O) == (1, 1, 1)
    assert [float(v.item()) for v in p.as_dict().values()] == [0.8, 0.5, 0.0, 1.2, 0.0]


def test_random_is_seeded_and_shaped_like_pytorch():
    a, b = rnnviz.RNNParams.random(5, 3, 2, seed=7), rnnviz.RNNParams.random(5, 3, 2, seed=7)
    assert a == b and a != rnnviz.RNNParams.random(5, 3, 2, seed=8)
    assert {n: v.shape for n, v in a.as_dict().items()} == {
        "W_xh": (5, 3), "W_hh": (5, 5), "b_h": (5,), "W_hy": (2, 5), "b_y": (2,)}


def test_params_are_immutable_and_copied():
    W = np.ones((2, 2))
    p = rnnviz.RNNParams(W_xh=np.ones((2, 1)), W_hh=W, b_h=np.zeros(2), W_hy=np.ones((1, 2)), b_y=[0.0])
    W[0, 0] = 99.0
    assert p.W_hh[0, 0] == 1.0
    with pytest.raises(ValueError):
        p.W_hh[0, 0] = 5.0
    with pytest.raises(AttributeError):
        p.W_hh = W


def test_replace_returns_new_params():
    p = rnnviz.RNNParams.scalar()
    q = p.replace(W_hh=[[0.9]])
    assert q.W_hh[0, 0] == 0.9 and p.W_hh[0, 0] == 0.5


@pytest.mark.parametrize("name, bad, words", [
    ("W_hh", np.ones((3, 2)), ["W_hh", "(3, 2)", "(2, 2)"]),
    ("b_h", np.ones(3), ["b_h", "(3,)", "(2,)"]),
    ("W_hy", np.ones((1, 3)), ["W_hy"]),
    ("b_y", np.ones(2), ["b_y", "(2,)", "(1,)"]),
])
def test_inconsistent_shapes_name_the_array(name, bad, words):
    arrays = dict(W_xh=np.ones((2, 1)), W_hh=np.ones((2, 2)), b_h=np.zeros(2), W_hy=np.ones((1, 2)), b_y=[0.0])
    arrays[name] = bad
    with pytest.raises(ValueError) as e:
        rnnviz.RNNParams(**arrays)
    for w in words:
        assert w in str(e.value)


@pytest.mark.parametrize("bad", [np.nan, np.inf, "abc"])
def test_non_numbers_are_rejected(bad):
    with pytest.raises(ValueError, match="W_hh"):
        rnnviz.RNNParams.scalar(W_hh=bad)


def test_absurd_sizes_are_rejected():
    with pytest.raises(ValueError, match="capped"):
        rnnviz.RNNParams.random(rnnviz.MAX_H + 1)
    with pytest.raises(ValueError, match="positive"):
        rnnviz.RNNParams.random(0)
