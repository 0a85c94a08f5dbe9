import warnings

import numpy as np
import pytest
import torch

import rnnviz
from rnnviz.oracle import torch_bptt

NAMES = rnnviz.PARAM_NAMES


def autograd(params, x, target, h0, truncate=None, loss_on="all"):
    """The reference, written out here: float64 autograd over an explicit loop; truncation by detach()."""
    p = {n: torch.tensor(a, requires_grad=True) for n, a in params.as_dict().items()}
    x, target = torch.from_numpy(x), torch.from_numpy(target)
    T = len(x)
    cell = lambda x_t, h: torch.tanh(p["W_xh"] @ x_t + p["W_hh"] @ h + p["b_h"])  # noqa: E731
    with torch.no_grad():
        states = [torch.from_numpy(h0)]
        for t in range(T):
            states.append(cell(x[t], states[-1]))
    k = T if truncate is None else truncate
    L = 0.0
    for t in (range(T) if loss_on == "all" else [T - 1]):
        start = max(0, t - k + 1)                 # L_t sees cells start … t; h_{start−1} is a constant
        h = states[start].detach() if start > 0 else torch.from_numpy(h0)
        for s in range(start, t + 1):
            h = cell(x[s], h)
        L = L + 0.5 * ((p["W_hy"] @ h + p["b_y"] - target[t]) ** 2).sum()
    L.backward()
    return L.item(), {n: v.grad.numpy() for n, v in p.items()}


def problem(H, I, O, T, seed=0):
    rng = np.random.default_rng(seed)
    params = rnnviz.RNNParams.random(H, I, O, seed=seed + 1, scale=0.8 / np.sqrt(H))
    return params, rng.standard_normal((T, I)), rng.standard_normal((T, O)), 0.3 * rng.standard_normal(H)


def assert_close(a, b, rtol=1e-9):
    scale = max(np.abs(b).max(), 1e-300)
    assert np.abs(a - b).max() <= rtol * scale, f"max diff {np.abs(a - b).max()} vs scale {scale}"


@pytest.mark.parametrize("loss_on", ["all", "last"])
@pytest.mark.parametrize("H, I, O, T", [(1, 1, 1, 9), (5, 2, 3, 40), (64, 8, 4, 500)])
def test_full_bptt_matches_autograd(H, I, O, T, loss_on):
    params, x, target, h0 = problem(H, I, O, T)
    g = rnnviz.bptt(params, x, target, h0, loss_on=loss_on)
    loss, ref = autograd(params, x, target, h0, loss_on=loss_on)
    assert g.loss == pytest.approx(loss, rel=1e-12)
    for n in NAMES:
        assert g.as_dict()[n].shape == getattr(params, n).shape
        assert_close(g.as_dict()[n], ref[n])
    oracle = torch_bptt(params, x, target, h0, loss_on=loss_on)  # the page's autograd check
    assert_close(g.dh, oracle["dh"])
    for n in NAMES:
        assert_close(oracle[n], ref[n])


@pytest.mark.parametrize("loss_on", ["all", "last"])
@pytest.mark.parametrize("H, I, O, T, k", [(1, 1, 1, 9, 1), (1, 1, 1, 9, 3), (6, 2, 2, 30, 4),
                                           (64, 8, 4, 500, 12)])
def test_truncated_bptt_matches_autograd_with_detach(H, I, O, T, k, loss_on):
    params, x, target, h0 = problem(H, I, O, T, seed=k)
    g = rnnviz.bptt(params, x, target, h0, truncate=k, loss_on=loss_on)
    loss, ref = autograd(params, x, target, h0, truncate=k, loss_on=loss_on)
    assert g.loss == pytest.approx(loss, rel=1e-12)
    for n in NAMES:
        assert_close(g.as_dict()[n], ref[n])
    oracle = torch_bptt(params, x, target, h0, truncate=k, loss_on=loss_on)
    for n in NAMES:
        assert_close(oracle[n], ref[n])
    assert_close(g.dh, oracle["dh"])


@pytest.mark.parametrize("truncate", [None, 1, 3])
def test_loss_on_step_t_is_the_gradient_of_L_t_alone(truncate):
    """loss_on=t (1-based): L_t alone, which only steps 1 … t compute: autograd's "last" loss of that prefix."""
    params, x, target, h0 = problem(5, 2, 3, 30, seed=3)
    t = 17
    g = rnnviz.bptt(params, x, target, h0, truncate=truncate, loss_on=t)
    loss, ref = autograd(params, x[:t], target[:t], h0, truncate=truncate, loss_on="last")
    assert g.loss == pytest.approx(loss, rel=1e-12) and g.losses[t - 1] == g.loss
    for n in NAMES:
        assert_close(g.as_dict()[n], ref[n])
    oracle = torch_bptt(params, x, target, h0, truncate=truncate, loss_on=t)
    assert_close(g.dh, oracle["dh"])
    assert not g.dh[t:].any()


def test_truncation_at_or_beyond_T_is_full_bptt():
    params, x, target, h0 = problem(4, 1, 1, 12)
    full = rnnviz.bptt(params, x, target, h0)
    for k in (12, 50):
        for n in NAMES:
            np.testing.assert_array_equal(rnnviz.bptt(params, x, target, h0, truncate=k).as_dict()[n],
                                          full.as_dict()[n])
    assert not np.allclose(rnnviz.bptt(params, x, target, h0, truncate=11).W_hh, full.W_hh)


def test_finite_differences():
    params, x, target, h0 = problem(3, 2, 2, 15, seed=4)
    for loss_on in ("all", "last"):
        g = rnnviz.bptt(params, x, target, h0, loss_on=loss_on)
        for n in NAMES:
            a = getattr(params, n)
            for idx in np.ndindex(a.shape):
                eps = 1e-6
                plus, minus = a.copy(), a.copy()
                plus[idx] += eps
                minus[idx] -= eps
                Lp = rnnviz.bptt(params.replace(**{n: plus}), x, target, h0, loss_on=loss_on).loss
                Lm = rnnviz.bptt(params.replace(**{n: minus}), x, target, h0, loss_on=loss_on).loss
                assert (Lp - Lm) / (2 * eps) == pytest.approx(g.as_dict()[n][idx], rel=1e-6, abs=1e-8)


def test_seed_003_numbers_and_its_L1_slip():
    x, target = rnnviz.data.counting(10)
    g = rnnviz.bptt(rnnviz.RNNParams.scalar(), x, target)
    # L_2: the seed's 1.711 is ½(1.150 − 3)² from its rounded ŷ_2 (and ŷ_2 = 1.1507 rounds to 1.151);
    # unrounded, L_2 = 1.7100
    assert round(0.5 * (1.150 - 3) ** 2, 3) == 1.711
    assert g.losses[1].round(4) == 1.7100
    y_1 = g.run.y[0, 0].round(3)                                  # the seed's rounded ŷ_1 = 0.797
    assert round(0.5 * (y_1 - 2) ** 2, 4) == 0.7236               # its own arithmetic; it prints 0.719
    assert g.losses[0].round(3) == 0.724 != 0.719                 # unrounded: L_1 = 0.72379…
    assert g.losses[0] == pytest.approx(0.5 * (1.2 * np.tanh(0.8) - 2) ** 2, rel=1e-15)


def test_truncate_1_is_seed_003_one_step_formula_with_correct_tanh_derivative():
    x, target = rnnviz.data.counting(10)
    p = rnnviz.RNNParams.scalar()
    g = rnnviz.bptt(p, x, target, truncate=1)
    h = g.run.h[:, 0]
    h_prev, e = g.run.h_prev[:, 0], g.run.y[:, 0] - target
    W_hy = p.W_hy[0, 0]
    # ∂L_t/∂w = (ŷ_t − y_t) W_hy (1 − h_t²) · {h_{t−1}, x_t, 1}: each step's direct path only
    assert g.W_hh[0, 0] == pytest.approx(np.sum(e * W_hy * (1 - h ** 2) * h_prev), rel=1e-14)
    assert g.W_xh[0, 0] == pytest.approx(np.sum(e * W_hy * (1 - h ** 2) * x), rel=1e-14)
    assert g.b_h[0] == pytest.approx(np.sum(e * W_hy * (1 - h ** 2)), rel=1e-14)
    assert g.W_hy[0, 0] == pytest.approx(np.sum(e * h), rel=1e-14)
    assert g.b_y[0] == pytest.approx(np.sum(e), rel=1e-14)
    # the seed's (1 − h)² is a different number, and so is the full gradient
    assert g.W_hh[0, 0] != pytest.approx(np.sum(e * W_hy * (1 - h) ** 2 * h_prev), rel=1e-3)
    assert g.W_hh[0, 0] != pytest.approx(rnnviz.bptt(p, x, target).W_hh[0, 0], rel=1e-3)


@pytest.mark.parametrize("truncate", [None, 3])
def test_per_step_contributions_sum_to_the_total(truncate):
    params, x, target, h0 = problem(4, 2, 3, 20)
    g = rnnviz.bptt(params, x, target, h0, truncate=truncate)
    for n in NAMES:
        assert g.per_step[n].shape == (20,) + getattr(params, n).shape
        np.testing.assert_allclose(g.per_step[n].sum(axis=0), g.as_dict()[n], rtol=1e-12, atol=1e-14)


def test_reach_is_the_norm_of_each_loss_gradient_on_each_state():
    params, x, target, h0 = problem(3, 1, 2, 8, seed=2)
    R = rnnviz.bptt(params, x, target, h0).reach()
    p = {n: torch.tensor(a, requires_grad=True) for n, a in params.as_dict().items()}
    for t in range(8):
        hs, h = [], torch.from_numpy(h0)
        for s in range(t + 1):
            h = torch.tanh(p["W_xh"] @ torch.from_numpy(x[s]) + p["W_hh"] @ h + p["b_h"])
            h.retain_grad()
            hs.append(h)
        (0.5 * ((p["W_hy"] @ h + p["b_y"] - torch.from_numpy(target[t])) ** 2).sum()).backward()
        for k in range(8):
            expected = torch.linalg.norm(hs[k].grad).item() if k <= t else 0.0
            assert R[t, k] == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_saturated_weights_give_finite_results_without_warnings():
    rng = np.random.default_rng(0)
    H, T = 8, 60
    signs = lambda *shape: np.where(rng.random(shape) < 0.5, -1e6, 1e6)  # noqa: E731
    params = rnnviz.RNNParams(W_xh=signs(H, 1), W_hh=signs(H, H), b_h=signs(H), W_hy=signs(1, H), b_y=signs(1))
    x, target = rng.standard_normal(T), rng.standard_normal(T)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for truncate in (None, 5):
            g = rnnviz.bptt(params, x, target, truncate=truncate)
            for a in [g.losses, g.dh, g.da, g.reach(), *g.as_dict().values(), *g.per_step.values()]:
                assert np.all(np.isfinite(a))
        run = rnnviz.forward(params, x)
        for a in (rnnviz.gradient_decay(params, x), rnnviz.decay_bound(params, run)):
            assert np.all(np.isfinite(a))


@pytest.mark.parametrize("kwargs, words", [
    (dict(target=[1.0, 2.0]), "same length"),
    (dict(target=[1.0, np.nan, 3.0]), "NaN"),
    (dict(truncate=0), "truncate"),
    (dict(truncate=2.5), "truncate"),
    (dict(loss_on="first"), "loss_on"),
])
def test_bad_arguments_get_readable_errors(kwargs, words):
    args = dict(params=rnnviz.RNNParams.scalar(), x=[1.0, 2.0, 3.0], target=[2.0, 3.0, 4.0]) | kwargs
    with pytest.raises(ValueError, match=words):
        rnnviz.bptt(**args)


def test_overflowing_gradients_raise_instead_of_returning_inf():
    p = rnnviz.RNNParams.scalar(W_xh=0.0, W_hh=1e300, b_h=0.0, W_hy=1e300)
    with pytest.raises(ValueError, match="overflow"):
        rnnviz.bptt(p, np.zeros(5), np.ones(5))


@pytest.mark.parametrize("H, I, O, T", [(1, 1, 1, 9), (5, 2, 3, 12)])
def test_step_losses_are_each_steps_autograd_loss(H, I, O, T):
    """L_t for every t, counted or not: autograd's loss of the prefix 1 … t with the loss on its last step."""
    params, x, target, h0 = problem(H, I, O, T)
    losses = rnnviz.step_losses(rnnviz.forward(params, x, h0).y, target)
    expected = [autograd(params, x[:t], target[:t], h0, loss_on="last")[0] for t in range(1, T + 1)]
    np.testing.assert_allclose(losses, expected, rtol=1e-12)


def test_step_losses_overflow_to_inf_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert rnnviz.step_losses([[1e200], [1.0]], [[-1e200], [0.0]]).tolist() == [np.inf, 0.5]
