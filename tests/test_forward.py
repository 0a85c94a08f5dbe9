import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.oracle import torch_forward


def nn_rnn(params):
    """torch.nn.RNN with the engine's weights: bias_ih = b_h, bias_hh = 0."""
    rnn = torch.nn.RNN(params.I, params.H, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.tensor(params.W_xh))
        rnn.weight_hh_l0.copy_(torch.tensor(params.W_hh))
        rnn.bias_ih_l0.copy_(torch.tensor(params.b_h))
        rnn.bias_hh_l0.zero_()
    return rnn


@pytest.mark.parametrize("H, I, O, T", [(1, 1, 1, 9), (8, 3, 2, 50), (64, 8, 4, 500)])
def test_forward_equals_torch_nn_rnn(H, I, O, T):
    rng = np.random.default_rng(H + T)
    params = rnnviz.RNNParams.random(H, I, O, seed=H, scale=0.8 / np.sqrt(H))
    x, h0 = rng.standard_normal((T, I)), 0.5 * rng.standard_normal(H)
    run = rnnviz.forward(params, x, h0)
    with torch.no_grad():
        out, h_n = nn_rnn(params)(torch.from_numpy(x), torch.from_numpy(h0)[None])
    np.testing.assert_allclose(run.h, out.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(run.hs[-1], h_n[0].numpy(), rtol=1e-12, atol=1e-14)
    hs, ys = torch_forward(params, x, h0)
    np.testing.assert_allclose(run.y, ys, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(np.tanh(run.a), run.h, rtol=0, atol=0)
    np.testing.assert_array_equal(run.hs[0], h0)


def test_seed_003_forward_numbers():
    x, _ = rnnviz.data.counting(10)
    run = rnnviz.forward(rnnviz.RNNParams.scalar(), x)
    # the seed's hand arithmetic, to its 3 decimals: h_1 = tanh(0.8·1) = 0.664, y_1 = 0.797, h_2 = 0.959, y_2 = 1.151
    assert run.h[:2, 0].round(3).tolist() == [0.664, 0.959]
    assert run.y[:2, 0].round(3).tolist() == [0.797, 1.151]
    assert run.h[1, 0] == pytest.approx(np.tanh(0.5 * np.tanh(0.8) + 0.8 * 2), rel=1e-15)


def test_scalar_sequence_shape_and_default_h0():
    run = rnnviz.forward(rnnviz.RNNParams.scalar(), [1.0, 2.0, 3.0])
    assert run.h.shape == (3, 1) and run.y.shape == (3, 1) and run.a.shape == (3, 1)
    assert run.T == 3 and run.hs[0, 0] == 0.0


def test_run_is_read_only_and_input_untouched():
    x = np.array([1.0, 2.0])
    run = rnnviz.forward(rnnviz.RNNParams.scalar(), x)
    assert x.flags.writeable
    with pytest.raises(ValueError):
        run.h[0, 0] = 1.0


@pytest.mark.parametrize("x, words", [
    ([], "empty"),
    ([1.0, np.nan, 2.0], "t=2"),
    ([1.0, np.inf], "NaN or infinity"),
    (np.ones((3, 2)), "(T, 1)"),
    (np.ones((2, 2, 2)), "shape"),
    (["a", "b"], "numbers"),
    (np.ones(rnnviz.MAX_T + 1), str(rnnviz.MAX_T)),
])
def test_bad_input_gets_a_readable_error(x, words):
    with pytest.raises(ValueError) as e:
        rnnviz.forward(rnnviz.RNNParams.scalar(), x)
    assert words in str(e.value)


def test_bad_h0_is_rejected():
    with pytest.raises(ValueError, match="h0"):
        rnnviz.forward(rnnviz.RNNParams.random(3), [1.0], h0=[0.0, 0.0])
    with pytest.raises(ValueError, match="h0"):
        rnnviz.forward(rnnviz.RNNParams.scalar(), [1.0], h0=[np.nan])
