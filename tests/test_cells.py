"""rnnviz.cells: LSTM and GRU (and the RNN through the same interface) against PyTorch, float64.

The reference is PyTorch's own cell (nn.LSTMCell / nn.GRUCell) with the engine's weights copied in, stepped in an
explicit loop; truncation is each L_t recomputed from s_{t−k} with detach(), so no gradient flows past k cells.
"""
import warnings

import numpy as np
import pytest
import torch

import rnnviz

CELLS = {"LSTM": (rnnviz.LSTMParams, torch.nn.LSTMCell, torch.nn.LSTM),
         "GRU": (rnnviz.GRUParams, torch.nn.GRUCell, torch.nn.GRU)}
TORCH_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def problem(kind, H, I, O, T, seed=0):
    rng = np.random.default_rng(seed)
    params = CELLS[kind][0].random(H, I, O, seed=seed + 1, scale=1.5 / np.sqrt(H))
    params = params.replace(b_y=rng.standard_normal(O))
    x, target = rng.standard_normal((T, I)), rng.standard_normal((T, O))
    return params, x, target, 0.3 * rng.standard_normal(H), 0.3 * rng.standard_normal(H)


def torch_cell(params):
    """PyTorch's own cell with the engine's stacked weights copied in unchanged."""
    kind = params.cell.name
    cell = CELLS[kind][1](params.I, params.H, dtype=torch.float64)
    with torch.no_grad():
        for n, t in zip(rnnviz.GATED_NAMES, TORCH_NAMES):
            getattr(cell, t).copy_(torch.tensor(getattr(params, n)))
    return cell


def autograd(params, x, target, h0, c0, truncate=None, loss_on="all"):
    """loss, {name: ∂L/∂name}, dh (T, H) from autograd through torch's cell; truncation by detach()."""
    cell, lstm = torch_cell(params), params.cell.has_c
    W_hy, b_y = (torch.tensor(a, requires_grad=True) for a in (params.W_hy, params.b_y))
    x, target = torch.from_numpy(x), torch.from_numpy(target)
    T = len(x)
    step = (lambda x_t, s: cell(x_t[None], (s[0][None], s[1][None]))) if lstm else \
        (lambda x_t, s: (cell(x_t[None], s[0][None]),))
    s = (torch.from_numpy(h0), torch.from_numpy(c0)) if lstm else (torch.from_numpy(h0),)
    with torch.no_grad():
        states = [s]
        for t in range(T):
            states.append(tuple(v[0] for v in step(x[t], states[-1])))
    k = T if truncate is None else truncate
    steps = range(T) if loss_on == "all" else [T - 1] if loss_on == "last" else [loss_on - 1]
    hs = {}
    L = 0.0
    for t in (steps if k < T else [None]):
        first, last = (0, T - 1) if t is None else (max(0, t - k + 1), t)
        s = tuple(v.detach() for v in states[first])    # s_{first−1}: a constant (h0, c0 when first = 0)
        for r in range(first, last + 1):
            s = tuple(v[0] for v in step(x[r], s))
            s[0].retain_grad()
            hs.setdefault(r, []).append(s[0])
        for r in (steps if t is None else [t]):
            h_r = hs[r][-1]
            L = L + 0.5 * ((W_hy @ h_r + b_y - target[r]) ** 2).sum()
    L.backward()
    dh = np.zeros((T, params.H))
    for r, hs_r in hs.items():
        for h in hs_r:
            if h.grad is not None:
                dh[r] += h.grad.numpy()
    grads = {n: getattr(cell, t).grad.numpy() for n, t in zip(rnnviz.GATED_NAMES, TORCH_NAMES)}
    grads.update(W_hy=W_hy.grad.numpy(), b_y=b_y.grad.numpy())
    return L.item(), grads, dh


def assert_close(a, b, rtol=1e-9):
    scale = max(np.abs(b).max(), 1e-300)
    assert np.abs(a - b).max() <= rtol * scale, f"max diff {np.abs(a - b).max()} vs scale {scale}"


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
@pytest.mark.parametrize("H, I, O, T, truncate, loss_on", [
    (1, 1, 1, 9, None, "all"), (5, 2, 3, 30, None, "last"), (5, 2, 3, 30, 4, "all"), (3, 1, 2, 20, 3, 7),
    (4, 2, 1, 25, None, 12), (32, 4, 3, 200, None, "all"), (32, 4, 3, 200, 6, "last")])
def test_bptt_matches_autograd_through_torchs_own_cell(kind, H, I, O, T, truncate, loss_on):
    params, x, target, h0, c0 = problem(kind, H, I, O, T, seed=H + T)
    c0 = c0 if kind == "LSTM" else None
    g = rnnviz.bptt(params, x, target, h0, truncate=truncate, loss_on=loss_on, c0=c0)
    loss, ref, dh = autograd(params, x, target, h0, c0, truncate, loss_on)
    assert g.loss == pytest.approx(loss, rel=1e-9)
    for n in rnnviz.GATED_NAMES:
        assert g.as_dict()[n].shape == getattr(params, n).shape
        assert_close(getattr(g, n), ref[n])
    assert_close(g.dh, dh)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_forward_equals_torch_nn_lstm_and_gru(kind):
    H, I, O, T = 16, 3, 2, 60
    params, x, _, h0, c0 = problem(kind, H, I, O, T)
    module = CELLS[kind][2](I, H, dtype=torch.float64)
    with torch.no_grad():
        for n, t in zip(rnnviz.GATED_NAMES, TORCH_NAMES):
            getattr(module, f"{t}_l0").copy_(torch.tensor(getattr(params, n)))
        state = (torch.from_numpy(h0)[None], torch.from_numpy(c0)[None]) if kind == "LSTM" else torch.from_numpy(h0)[None]
        out, last = module(torch.from_numpy(x), state)
    run = rnnviz.forward(params, x, h0, c0=c0 if kind == "LSTM" else None)
    np.testing.assert_allclose(run.h, out.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(run.y, out.numpy() @ params.W_hy.T + params.b_y, rtol=1e-12, atol=1e-14)
    if kind == "LSTM":
        np.testing.assert_allclose(run.c[-1], last[1][0].numpy(), rtol=1e-12, atol=1e-14)
    # the weights copy back out unchanged, and the gates are the slices PyTorch documents
    linear = torch.nn.Linear(H, O, dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(params.W_hy))
        linear.bias.copy_(torch.tensor(params.b_y))
    assert type(params).from_torch(module, linear) == params
    gate = params.cell.gates[1]
    np.testing.assert_array_equal(params.gate(gate)["W_i"], module.weight_ih_l0.detach().numpy()[H:2 * H])
    assert set(run.gates) == set(params.cell.gates) and all(v.shape == (T, H) for v in run.gates.values())


def test_lstm_gates_are_what_torch_computes():
    params, x, _, h0, c0 = problem("LSTM", 4, 2, 1, 10)
    run = rnnviz.forward(params, x, h0, c0)
    a = x @ params.W_ih.T + params.b_ih + run.h_prev @ params.W_hh.T + params.b_hh
    i, f, g, o = (torch.from_numpy(a).chunk(4, dim=1))
    for name, value in zip("ifgo", (torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o))):
        np.testing.assert_allclose(run.gates[name], value.numpy(), rtol=1e-13, atol=1e-15)


def state_function(params, x, T):
    """run(s, start, x_start): s_start ↦ s_T through torch's own cell, reading x_start (if given) for x[start]."""
    lstm, H = params.cell.has_c, params.H
    cell = torch_cell(params) if params.cell.name != "RNN" else None
    x = torch.from_numpy(x)

    def run(s, start, x_start):
        for t in range(start, T):
            x_t = x_start if t == start and x_start is not None else x[t]
            if lstm:
                h, c = cell(x_t[None], (s[:H][None], s[H:][None]))
                s = torch.cat([h[0], c[0]])
            elif params.cell.name == "GRU":
                s = cell(x_t[None], s[None])[0]
            else:
                s = torch.tanh(torch.tensor(params.W_xh) @ x_t + torch.tensor(params.W_hh) @ s
                               + torch.tensor(params.b_h))
        return s
    return run


def autograd_norms(params, x, h0, c0):
    """(‖∂s_T/∂s_{T−k}‖₂, ‖∂h_T/∂x_{T−k}‖₂) for k = 0 … T−1 from torch.autograd.functional.jacobian."""
    T, H = len(x), params.H
    run = rnnviz.forward(params, x, h0, c0)
    states = torch.tensor(run.states)
    f = state_function(params, x, T)
    decay, conn = [], []
    for k in range(T):
        J = torch.autograd.functional.jacobian(lambda s: f(s, T - k, None), states[T - k])
        decay.append(torch.linalg.matrix_norm(J, ord=2).item())
        D = torch.autograd.functional.jacobian(
            lambda x_t: f(states[T - k - 1], T - k - 1, x_t)[:H], torch.from_numpy(x[T - k - 1]))
        conn.append(torch.linalg.matrix_norm(D, ord=2).item())
    return np.array(decay), np.array(conn)


@pytest.mark.parametrize("kind, H, I", [("LSTM", 1, 1), ("LSTM", 5, 2), ("GRU", 1, 1), ("GRU", 6, 3),
                                         ("RNN", 4, 2)])
def test_decay_and_connectivity_are_spectral_norms_of_autograds_jacobian(kind, H, I):
    rng = np.random.default_rng(H)
    T = 15
    if kind == "RNN":
        params = rnnviz.RNNParams.random(H, I, 1, seed=H, scale=1.3 / np.sqrt(H))
    else:
        params = CELLS[kind][0].random(H, I, 1, seed=H, scale=2.0 / np.sqrt(H))
    x, h0, c0 = rng.standard_normal((T, I)), 0.2 * rng.standard_normal(H), 0.2 * rng.standard_normal(H)
    c0 = c0 if kind == "LSTM" else None
    decay, conn = autograd_norms(params, x, h0, c0)
    np.testing.assert_allclose(rnnviz.gradient_decay(params, x, h0, c0), decay, rtol=1e-9, atol=0)
    np.testing.assert_allclose(rnnviz.connectivity(params, x, h0, c0), conn, rtol=1e-9, atol=0)


@pytest.mark.parametrize("P", [rnnviz.RNNParams, rnnviz.LSTMParams, rnnviz.GRUParams])
def test_the_generic_loops_over_step_and_back_equal_the_tuned_paths(P):
    """Each cell's fast scan / reverse loop (/ Jacobians) are the same maths as their step and back."""
    params, cell = P.random(6, 2, 2, seed=3, scale=1.2 / np.sqrt(6)), P.cell
    S = cell.state_size(6)
    rng = np.random.default_rng(0)
    x, dh_out, h0 = rng.standard_normal((30, 2)), rng.standard_normal((30, S)), rng.standard_normal(S)
    fast, slow = cell.scan(params, x, h0), rnnviz.cell.Cell.scan(cell, params, x, h0)
    np.testing.assert_allclose(fast.states, slow.states, rtol=1e-14, atol=1e-15)
    for a, b in zip(fast.cache, slow.cache):
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-15)
    for name in ("back_full", "jacobians"):
        args = (params, fast, dh_out)[:3 if name == "back_full" else 2]
        for a, b in zip(getattr(cell, name)(*args), getattr(rnnviz.cell.Cell, name)(cell, *args)):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    for a, b in zip(cell.back_truncated(params, fast, dh_out, 4),
                    rnnviz.cell.Cell.back_truncated(cell, params, fast, dh_out, 4)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_rnn_loss_on_one_step_is_that_losss_gradient():
    """Issue 18: ∂L_2/∂W_xh on the default model, full (−0.4073) and one step (−0.3574)."""
    x, target = rnnviz.data.counting(10)
    p = rnnviz.RNNParams.scalar()
    full, one = (rnnviz.bptt(p, x, target, loss_on=2, truncate=k) for k in (None, 1))
    assert round(full.W_xh[0, 0], 4) == -0.4073 and round(one.W_xh[0, 0], 4) == -0.3574
    assert full.W_hh[0, 0] == pytest.approx(one.W_hh[0, 0], rel=1e-14)   # h_0 = 0: the longer path adds 0
    assert full.loss == pytest.approx(0.5 * (full.run.y[1, 0] - target[1]) ** 2, rel=1e-15)


def test_forget_gate_open_and_input_gate_shut_carry_c_unchanged_for_50_steps():
    H = 3
    params = rnnviz.LSTMParams.random(H, 1, 1, seed=0)
    b = params.b_ih.copy()
    b[:H], b[H:2 * H] = -20.0, 20.0          # i = σ(−20) ≈ 2e−9 shut, f = σ(20) ≈ 1 − 2e−9 open
    params = params.replace(b_ih=b, W_ih=0 * params.W_ih, W_hh=0 * params.W_hh, b_hh=0 * params.b_hh)
    c0 = np.array([0.7, -1.3, 2.0])
    run = rnnviz.forward(params, np.random.default_rng(1).standard_normal(50), c0=c0)
    np.testing.assert_allclose(run.c, np.broadcast_to(c0, (50, H)), rtol=1e-6)
    assert np.all(run.gates["f"] > 1 - 1e-8) and np.all(run.gates["i"] < 1e-8)


@pytest.mark.parametrize("call, words", [
    (lambda: rnnviz.forward(rnnviz.RNNParams.scalar(), [1.0, 2.0], c0=[0.0]), "c0"),
    (lambda: rnnviz.forward(rnnviz.GRUParams.random(2), [1.0, 2.0], c0=[0.0, 0.0]), "LSTM"),
    (lambda: rnnviz.forward(rnnviz.LSTMParams.random(2), [1.0, 2.0], c0=[0.0]), "c0 must have shape"),
    (lambda: rnnviz.forward(rnnviz.LSTMParams.random(2), [1.0, np.nan]), "NaN"),
    (lambda: rnnviz.forward(rnnviz.GRUParams.random(2), np.ones((3, 2))), "input size"),
    (lambda: rnnviz.bptt(rnnviz.LSTMParams.random(2), [1.0, 2.0], [1.0]), "same length"),
    (lambda: rnnviz.bptt(rnnviz.GRUParams.random(2), [1.0, 2.0], [1.0, 2.0], truncate=0), "truncate"),
    (lambda: rnnviz.bptt(rnnviz.RNNParams.scalar(), [1.0, 2.0], [1.0, 2.0], loss_on=3), "t counts from 1 to T = 2"),
    (lambda: rnnviz.bptt(rnnviz.RNNParams.scalar(), [1.0, 2.0], [1.0, 2.0], loss_on=0), "loss_on"),
    (lambda: rnnviz.bptt(rnnviz.LSTMParams.random(2), [1.0, 2.0], [1.0, 2.0], loss_on=True), "loss_on"),
    (lambda: rnnviz.LSTMParams(**{**rnnviz.LSTMParams.random(2).as_dict(), "W_hh": np.ones((6, 2))}),
     "W_hh has shape (6, 2)"),
    (lambda: rnnviz.GRUParams(**{**rnnviz.GRUParams.random(2).as_dict(), "b_ih": [np.inf] * 6}), "b_ih"),
    (lambda: rnnviz.LSTMParams.random(rnnviz.MAX_H + 1), "capped"),
])
def test_bad_input_gets_the_rnns_readable_errors(call, words):
    with pytest.raises(ValueError, match=None) as e:
        call()
    assert words in str(e.value)


def test_saturated_gated_cells_stay_finite_without_warnings():
    for P in (rnnviz.LSTMParams, rnnviz.GRUParams):
        params = P.random(6, 1, 1, seed=0, scale=1e6)
        x = np.random.default_rng(0).standard_normal(40)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            g = rnnviz.bptt(params, x, x, truncate=5)
            for a in [g.dh, g.reach(), *g.as_dict().values(), *g.per_step.values(),
                      rnnviz.gradient_decay(params, x), rnnviz.connectivity(params, x)]:
                assert np.all(np.isfinite(a))


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_per_step_contributions_sum_to_the_total(kind):
    params, x, target, h0, _ = problem(kind, 4, 2, 3, 20)
    g = rnnviz.bptt(params, x, target, h0, truncate=3)
    for n in rnnviz.GATED_NAMES:
        assert g.per_step[n].shape == (20,) + getattr(params, n).shape
        np.testing.assert_allclose(g.per_step[n].sum(axis=0), g.as_dict()[n], rtol=1e-12, atol=1e-14)


def test_cell_state_decay_is_autograds_c_block_and_forget_product_its_conveyor_path():
    H, T = 3, 12
    params, x, _, h0, c0 = problem("LSTM", H, 1, 1, T, seed=5)
    run = rnnviz.forward(params, x, h0, c0)
    f = state_function(params, x, T)
    s = torch.tensor(run.states)
    expected = [torch.linalg.matrix_norm(torch.autograd.functional.jacobian(
        lambda c: f(torch.cat([s[T - k, :H], c]), T - k, None)[H:], s[T - k, H:]), ord=2).item() for k in range(T)]
    np.testing.assert_allclose(rnnviz.cell_state_decay(params, x, h0, c0), expected, rtol=1e-9)
    gates_f = run.gates["f"]
    np.testing.assert_allclose(rnnviz.forget_product(run),
                               [np.prod(gates_f[T - k:], axis=0).max() for k in range(T)], rtol=1e-13)
    with pytest.raises(ValueError, match="only an LSTM"):
        rnnviz.cell_state_decay(rnnviz.GRUParams.random(2), x)


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_pre_activations_are_what_each_gates_activation_was_applied_to(kind):
    """σ(a) for the σ gates and tanh(a) for the candidate (g, n) give back the run's gate values."""
    params, x, _, h0, c0 = problem(kind, 3, 2, 1, 6)
    run = rnnviz.forward(params, x, h0, c0 if kind == "LSTM" else None)
    a = params.cell.pre_activations(params, run)
    assert set(a) == set(run.gates)
    for g, a_g in a.items():
        act = np.tanh(a_g) if g in "gn" else 1 / (1 + np.exp(-a_g))
        assert_close(act, run.gates[g], rtol=1e-12)
