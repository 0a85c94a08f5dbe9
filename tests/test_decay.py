import numpy as np
import pytest
import torch

import rnnviz


def autograd_decay(params, x, h0):
    """‖∂h_T/∂h_{T−k}‖₂ from torch.autograd.functional.jacobian, k = 0 … T−1."""
    p = {n: torch.tensor(a) for n, a in params.as_dict().items()}
    x = torch.tensor(np.asarray(x, dtype=np.float64).reshape(len(x), params.I))
    cell = lambda x_t, h: torch.tanh(p["W_xh"] @ x_t + p["W_hh"] @ h + p["b_h"])  # noqa: E731
    T, states = len(x), [torch.tensor(h0)]
    for t in range(T):
        states.append(cell(x[t], states[-1]))

    def h_T_from(k):
        def f(h):
            for t in range(T - k, T):
                h = cell(x[t], h)
            return h
        return f

    return np.array([torch.linalg.matrix_norm(
        torch.autograd.functional.jacobian(h_T_from(k), states[T - k]), ord=2).item() for k in range(T)])


@pytest.mark.parametrize("H, gain", [(1, 0.5), (1, 1.8), (4, 0.7), (8, 1.5), (16, 1.0), (6, 3.0)])
def test_decay_is_the_spectral_norm_of_autograds_jacobian(H, gain):
    rng = np.random.default_rng(H)
    params = rnnviz.RNNParams.random(H, 2, 1, seed=H, scale=gain / np.sqrt(H))
    x, h0 = rng.standard_normal((40, 2)), 0.1 * rng.standard_normal(H)
    decay = rnnviz.gradient_decay(params, x, h0)
    assert decay.shape == (40,) and decay[0] == pytest.approx(1.0, rel=1e-15)
    np.testing.assert_allclose(decay, autograd_decay(params, x, h0), rtol=1e-9, atol=0)


def test_decay_stays_under_its_bound():
    params = rnnviz.RNNParams.random(6, 1, 1, seed=3, scale=1.2 / np.sqrt(6))
    x = np.sin(np.arange(80) / 3)
    run = rnnviz.forward(params, x)
    decay, bound = rnnviz.gradient_decay(params, x), rnnviz.decay_bound(params, run)
    gamma = (1 - run.h ** 2).max() * np.linalg.norm(params.W_hh, 2)
    np.testing.assert_allclose(bound, gamma ** np.arange(80), rtol=1e-12)
    assert np.all(decay <= bound * (1 + 1e-12))


def test_scalar_decay_is_the_product_of_tanh_derivatives_not_w_to_the_k():
    p = rnnviz.RNNParams.scalar(W_hh=0.5)
    x = np.arange(1.0, 11.0)
    run = rnnviz.forward(p, x)
    d = 1 - run.h[:, 0] ** 2
    expected = [np.prod(0.5 * d[len(x) - k:]) for k in range(len(x))]
    np.testing.assert_allclose(rnnviz.gradient_decay(p, x), expected, rtol=1e-13)
    assert rnnviz.gradient_decay(p, x)[-1] < 0.5 ** 9 / 100   # far below seed 001's |w|^k picture


def test_exploding_products_do_not_overflow():
    p = rnnviz.RNNParams.random(4, seed=0).replace(W_hh=1e6 * np.eye(4), W_xh=np.zeros((4, 1)))
    log_decay = rnnviz.log10_decay(p, rnnviz.forward(p, np.zeros(400)))   # h stays 0, tanh′ = 1
    np.testing.assert_allclose(log_decay, 6.0 * np.arange(400), rtol=1e-12)
    assert np.all(np.isfinite(rnnviz.gradient_decay(p, np.zeros(400))))


def test_spectral_helpers_match_torch():
    W = np.random.default_rng(1).standard_normal((7, 7))
    assert rnnviz.spectral_radius(W) == pytest.approx(torch.linalg.eigvals(torch.tensor(W)).abs().max().item(),
                                                      rel=1e-12)
    assert rnnviz.spectral_norm(W) == pytest.approx(torch.linalg.matrix_norm(torch.tensor(W), 2).item(), rel=1e-12)


def test_recurrent_strength_and_sweep():
    params = rnnviz.RNNParams.random(5, seed=2)
    assert rnnviz.spectral_radius(rnnviz.with_recurrent_strength(params, 0.9).W_hh) == pytest.approx(0.9)
    assert rnnviz.with_recurrent_strength(rnnviz.RNNParams.scalar(), 1.7).W_hh[0, 0] == 1.7
    x = np.sin(np.arange(30.0))
    values = [0.5, 1.0, 1.5]
    sweep = rnnviz.decay_sweep(params, x, values)
    assert sweep.shape == (3, 30)
    for row, v in zip(sweep, values):
        q = rnnviz.with_recurrent_strength(params, v)
        np.testing.assert_allclose(10 ** row, rnnviz.gradient_decay(q, x), rtol=1e-12)
    with pytest.raises(ValueError, match="zeros"):
        rnnviz.with_recurrent_strength(params.replace(W_hh=np.zeros((5, 5))), 1.0)
