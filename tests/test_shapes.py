"""ui/shapes.py: its shape formulas, parameter count and checks against a real torch.nn.RNN."""
import itertools

import numpy as np
import pytest
import torch

from ui.shapes import MAX_ELEMENTS, Sizes, code, engine_check, last_step_checks, param_rows, problems, run_torch

GRID = [Sizes(B, T, I, H, L, bidir, bf) for B, T, I, H, L, bidir, bf in itertools.product(
    (1, 3), (1, 5), (2,), (1, 4), (1, 3), (False, True), (False, True))]


@pytest.mark.parametrize("s", GRID, ids=str)
def test_shapes_and_params_match_torch(s):
    rnn = torch.nn.RNN(s.I, s.H, num_layers=s.L, batch_first=s.batch_first, bidirectional=s.bidirectional)
    x = torch.zeros(s.shape("x"))
    out, h_n = rnn(x)                                   # torch decides; the formulas must agree
    assert s.shape("out") == tuple(out.shape)
    assert s.shape("h_n") == tuple(h_n.shape)
    assert s.n_params() == sum(p.numel() for p in rnn.parameters())


@pytest.mark.parametrize("s", [Sizes(), Sizes(B=2, T=6, I=3, H=5, L=2, bidirectional=True, batch_first=False)],
                         ids=str)
def test_run_torch_and_checks(s):
    r = run_torch(s, seed=1)
    assert r.x.shape == s.shape("x") and r.out.shape == s.shape("out") and r.h_n.shape == s.shape("h_n")
    assert [n for n, _ in torch.nn.RNN(s.I, s.H, s.L, bidirectional=s.bidirectional).named_parameters()] \
        == list(r.params)
    checks = last_step_checks(s, r)
    assert len(checks) == s.D and all(d == 0.0 for _, _, d in checks)  # the same numbers, not just close
    assert engine_check(s, r) < 1e-6                                   # float32 torch vs float64 engine
    assert run_torch(s, seed=1).out.tobytes() == r.out.tobytes()       # seeded: the same picture twice
    assert f"# out {r.out.shape}, h_n {r.h_n.shape}" in code(s, r)


def test_engine_check_catches_a_wrong_bias_convention():
    s = Sizes(B=1, T=5, I=2, H=4)
    r = run_torch(s, seed=0)
    wrong = dict(r.params, bias_hh_l0=np.zeros_like(r.params["bias_hh_l0"]))  # as if b_h = b_ih only
    assert engine_check(s, type(r)(r.x, r.out, r.h_n, wrong)) > 1e-3


def test_param_rows_describe_every_tensor():
    s = Sizes(I=2, H=3, L=2, bidirectional=True)
    rows = param_rows(s, run_torch(s).params)
    assert len(rows) == 16
    ih1 = next(r for r in rows if r["name"] == "weight_ih_l1_reverse")
    assert ih1["shape"] == "(3, 6)" and ih1["direction"] == "reverse" and "layer 0's output" in ih1["role"]
    assert sum(r["numbers"] for r in rows) == s.n_params()


def test_problems_name_the_tensor_and_the_limit():
    assert problems(Sizes()) == []
    msgs = problems(Sizes(B=1000, T=1000, I=2, H=3))
    assert any(m.startswith("out would hold") and f"{1000 * 1000 * 3:,}" in m for m in msgs)
    assert any("parameters" in m for m in problems(Sizes(H=5000, I=1)))
    assert problems(Sizes(B=1, T=MAX_ELEMENTS // 4, I=1, H=2)) == []
    with pytest.raises(ValueError, match="out would hold"):
        run_torch(Sizes(B=1000, T=1000, H=3))
