"""ui/figures_bptt: the BPTT figures show the engine's numbers (heatmap sums = totals, log map = log10 reach)."""
import math

import numpy as np
import plotly.graph_objects as go
import pytest

import rnnviz
from ui import figures_bptt as F
from ui.numbers import sig


def figure(spec):
    """A plain-dict figure (what the BPTT figures return) as a go.Figure, for its attribute API."""
    return go.Figure(spec, _validate=False)

X, TARGET = rnnviz.data.counting(10)        # seed 003: x = 1..9, target = 2..10
SEED = rnnviz.RNNParams.scalar()            # W_xh 0.8, W_hh 0.5, b_h 0, W_hy 1.2, b_y 0


def sine_case(H=3, T=12, seed=1):
    s = np.sin(0.4 * np.arange(T + 1))
    return rnnviz.RNNParams.random(H, seed=seed, scale=0.9), s[:-1], s[1:]


def heatmap_values(fig):
    """(per-step values (rows, T), Σ column (rows,)) read back from the figure's hover data."""
    *steps, sums = fig.data                  # one trace per parameter, then the Σ_t column
    C = np.concatenate([np.asarray(t.customdata) for t in steps])
    S = np.array([row[0][1] for row in sums.customdata])
    return C, S


@pytest.mark.parametrize("case", ["seed003", "H3", "H3_truncated", "H3_last"])
def test_contribution_heatmap_rows_sum_to_the_engine_total(case):
    p, x, target = (SEED, X, TARGET) if case == "seed003" else sine_case()
    g = rnnviz.bptt(p, x, target, truncate=2 if case == "H3_truncated" else None,
                    loss_on="last" if case == "H3_last" else "all")
    fig = figure(F.contribution_heatmap(g))
    C, S = heatmap_values(fig)
    totals = np.concatenate([np.ravel(getattr(g, n)) for n in rnnviz.PARAM_NAMES])
    labels = [lab for _, _, lab in F.entries(g.as_dict())]
    assert list(fig.layout.yaxis.ticktext) == labels                   # every row named: the hover's %{y}
    assert list(fig.layout.yaxis.tickvals) == list(range(len(labels)))
    assert [list(t.y) for t in fig.data[:-1]] == [[r for r, lab in enumerate(labels) if lab.startswith(n)]
                                                  for n in rnnviz.PARAM_NAMES]
    np.testing.assert_allclose(S, totals, rtol=1e-12, atol=1e-12)           # the Σ column is the total
    np.testing.assert_allclose(C.sum(axis=1), totals, rtol=1e-10, atol=1e-12)  # and the terms add up to it
    np.testing.assert_allclose(C[0], g.per_step["W_xh"][:, 0, 0])               # row 1: W_xh[1,1] step by step
    z = np.concatenate([np.asarray(t.z) for t in fig.data[:-1]])
    assert np.all(np.abs(z) <= 1 + 1e-12)                                      # colour = term ÷ row's max
    assert np.allclose(np.abs(z).max(axis=1)[np.abs(C).max(axis=1) > 0], 1.0)


def test_contribution_heatmap_hover_names_the_formula_and_factors():
    g = rnnviz.bptt(SEED, X, TARGET)
    (trace, _) = figure(F.contribution_heatmap(g, ("W_hh",))).data
    assert trace.hovertemplate.startswith("%{y}, step t = %{x}: ∂L/∂a_t h_{t−1}ᵀ<br>(∂L/∂a_t)_i = %{text:.4g}")
    assert "(h_{t−1})_j = %{hovertext:.4g}" in trace.hovertemplate
    left, right, term = (np.asarray(a)[0, 1] for a in (trace.text, trace.hovertext, trace.customdata))  # t = 2
    assert right == pytest.approx(math.tanh(0.8))                     # h_1 = tanh(0.8) = 0.664
    assert left == pytest.approx(g.da[1, 0]) and term == pytest.approx(left * right)
    bias = figure(F.contribution_heatmap(g, ("b_h",))).data[0]
    assert "∂L/∂a_t" in bias.hovertemplate and "hovertext" not in bias.hovertemplate and bias.hovertext is None


def test_contribution_heatmap_sends_typed_arrays_not_nested_lists():
    """T = 100, H = 8 (89 rows): every per-cell array leaves as base64, a few hundred kB at most."""
    import json
    from _plotly_utils.utils import convert_to_base64
    p, x, target = sine_case(H=8, T=100)
    spec = F.contribution_heatmap(rnnviz.bptt(p, x, target))
    for trace in spec["data"][:-1]:
        assert all(isinstance(trace[k], np.ndarray) for k in ("z", "customdata", "text"))
    convert_to_base64(spec)
    assert len(json.dumps(spec)) < 400_000


def test_totals_table_against_autograd_column():
    p, x, target = sine_case(H=2)
    g = rnnviz.bptt(p, x, target)
    fake_auto = {n: np.asarray(getattr(g, n)) + 1e-3 for n in rnnviz.PARAM_NAMES}
    df = F.totals_table(g, fake_auto)
    np.testing.assert_allclose(df["Σ_t per-step terms"], df["∂L/∂θ (rnnviz)"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(df["|rnnviz − autograd|"], 1e-3, rtol=1e-6)


def test_dh_bars_split_into_output_and_recurrent_paths():
    g = rnnviz.bptt(SEED, X, TARGET)
    out, rec, total = figure(F.dh_bars(g)).data
    np.testing.assert_allclose(np.asarray(out.y), g.dy[:, 0] * 1.2)             # W_hy (y_t − target_t)
    np.testing.assert_allclose(np.asarray(out.y) + np.asarray(rec.y), g.dh[:, 0])
    np.testing.assert_allclose(np.asarray(total.y), g.dh[:, 0])
    assert np.asarray(rec.y)[-1] == 0.0                                          # nothing after step T
    g1 = rnnviz.bptt(SEED, X, TARGET, truncate=1)
    assert np.all(np.asarray(figure(F.dh_bars(g1)).data[1].y) == 0.0)                  # k = 1: no recurrent path


def test_dh_bars_show_norms_for_H_above_1():
    p, x, target = sine_case()
    g = rnnviz.bptt(p, x, target)
    (bar,) = figure(F.dh_bars(g)).data
    np.testing.assert_allclose(np.asarray(bar.y), np.linalg.norm(g.dh, axis=1))


def test_reach_heatmap_is_log10_of_reach_with_the_truncation_edge():
    p, x, target = sine_case(T=15)
    R = rnnviz.bptt(p, x, target).reach()
    fig = figure(F.reach_heatmap(R, truncate=4))
    z = np.asarray(fig.data[0].z, dtype=float)                   # float32 on the wire: 7 figures
    lower = np.tril(np.ones_like(R, dtype=bool))
    np.testing.assert_allclose(z[lower], np.log10(R[lower]), rtol=1e-6, atol=1e-6)
    assert np.all(np.isnan(z[~lower]))                           # h_k after L_t: nothing reaches it
    np.testing.assert_allclose(np.asarray(fig.data[0].customdata)[lower], R[lower], rtol=1e-6)
    edge = fig.data[1]
    np.testing.assert_allclose(np.asarray(edge.y) - np.asarray(edge.x), 4)   # the line t − k = truncate − ½ … ½
    assert edge.name == "truncation k = 4: below this line is dropped" and edge.line.dash == "dash"
    assert fig.layout.showlegend is True and edge.showlegend is True   # plotly hides a one-entry legend
    assert len(F.reach_heatmap(R)["data"]) == 1                   # full BPTT: no edge


def test_log_ticks_are_powers_of_ten_covering_the_range():
    vals, text = F.log_ticks(-37.2, 0.0)
    assert vals[0] >= -37.2 and vals[-1] <= 0.0 and len(vals) >= 3
    assert text[-1] == "1" and text[0] == f"10<sup>{int(vals[0])}</sup>"


def test_truncation_table_is_truncated_beside_full():
    p, x, target = sine_case()
    g_full, g3 = rnnviz.bptt(p, x, target), rnnviz.bptt(p, x, target, truncate=3)
    df = F.truncation_table(g3, g_full)
    full = np.concatenate([np.ravel(getattr(g_full, n)) for n in rnnviz.PARAM_NAMES])
    tr = np.concatenate([np.ravel(getattr(g3, n)) for n in rnnviz.PARAM_NAMES])
    np.testing.assert_allclose(df["truncated, k = 3"], tr)
    np.testing.assert_allclose(df["full − truncated"], full - tr)


def L_t_alone(p, x, target, t):
    """(one step back, every path back): the gradients of L_t alone, as the BPTT page takes them."""
    return (rnnviz.bptt(p, x[:t], target[:t], truncate=1, loss_on="last"),
            rnnviz.bptt(p, x[:t], target[:t], loss_on="last"))


def test_seed003_compares_the_one_step_formula_with_the_full_gradient_of_the_same_loss():
    """Issue 18: ∂L_2/∂W_xh of the default model is −0.4073 along every path, −0.3574 one step back."""
    import torch
    g1, g_full = L_t_alone(SEED, X, TARGET, 2)
    rows = {r["name"]: r for r in F.seed003_latex(g1, g_full, 2)}
    # autograd on L_2 alone: h_1 = tanh(W_xh·1), h_2 = tanh(W_xh·2 + W_hh h_1), L_2 = ½(W_hy h_2 − 3)²
    W_xh, W_hh, b_h = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (0.8, 0.5, 0.0))
    h2 = torch.tanh(W_xh * 2 + W_hh * torch.tanh(W_xh * 1 + b_h) + b_h)
    (0.5 * (1.2 * h2 - 3.0) ** 2).backward()
    for name, leaf in (("W_xh", W_xh), ("W_hh", W_hh), ("b_h", b_h)):
        assert rows[name]["full"] == pytest.approx(float(leaf.grad), rel=1e-12)
    assert (round(rows["W_xh"]["full"], 4), round(rows["W_xh"]["value"], 4)) == (-0.4073, -0.3574)
    table = F.seed003_table(list(rows.values()), 2, h0_zero=True)
    assert "| W_xh | -0.3574 | -0.4073 | **-0.0499** |" in table
    assert "| W_hh | -0.1187 | -0.1187 | 0.0000, equal |" in table
    assert "W_hh equal: t = 2 and h_0 = 0: W_hh's use at step 1 multiplies h_0 = 0." in table
    assert "W_hy and b_y equal: act after the recurrence" in table
    h0 = np.array([0.3])                                  # h_0 ≠ 0: W_hh's step-1 use counts, the two differ
    g1, g_full = (rnnviz.bptt(SEED, X[:2], TARGET[:2], h0, truncate=k, loss_on="last") for k in (1, None))
    other = F.seed003_table(F.seed003_latex(g1, g_full, 2), 2, h0_zero=False)
    assert "**" in other.split("| W_hh |")[1].split("\n")[0] and "h_0 = 0" not in other


def test_seed003_one_step_numbers_by_hand():
    """Step t = 2 of seed 003, computed here from tanh alone: the page's formula must give the same."""
    g1, g_full = L_t_alone(SEED, X, TARGET, 2)
    h1 = math.tanh(0.8 * 1)
    h2 = math.tanh(0.8 * 2 + 0.5 * h1)
    err = 1.2 * h2 - 3.0                                   # y_2 − target_2
    rows = {r["name"]: r for r in F.seed003_latex(g1, g_full, 2)}
    assert rows["W_hh"]["value"] == pytest.approx(err * 1.2 * (1 - h2 ** 2) * h1, rel=1e-12)
    assert rows["W_xh"]["value"] == pytest.approx(err * 1.2 * (1 - h2 ** 2) * 2, rel=1e-12)
    assert rows["b_h"]["value"] == pytest.approx(err * 1.2 * (1 - h2 ** 2), rel=1e-12)
    assert rows["W_hy"]["value"] == pytest.approx(err * h2, rel=1e-12)
    assert rows["b_y"]["value"] == pytest.approx(err, rel=1e-12)
    assert rows["W_hh"]["seed_value"] == pytest.approx(err * 1.2 * (1 - h2) ** 2 * h1, rel=1e-12)
    for name, r in rows.items():                           # = the engine's k = 1 step-2 term
        assert r["value"] == pytest.approx(float(np.ravel(g1.per_step[name][1])[0]), rel=1e-12)
        assert r["full"] == pytest.approx(float(np.ravel(getattr(g_full, name))[0]), rel=1e-12)
    assert f"(1 - {sig(h2)}^2)({sig(h1)})" in rows["W_hh"]["latex"]
    assert f"(1 - {sig(h2)})^2" in rows["W_hh"]["seed_latex"]


def test_seed003_formulas_for_one_hidden_unit_of_a_matrix_model():
    p, x, target = sine_case(H=4)
    g1, g_full = L_t_alone(p, x, target, 5)
    rows = {r["name"]: r for r in F.seed003_latex(g1, g_full, 5, i=2)}
    assert rows["W_hh"]["entry"] == "W_hh[3,3]"
    assert rows["W_hh"]["value"] == pytest.approx(g1.per_step["W_hh"][4, 2, 2], rel=1e-12)
    assert rows["W_hy"]["value"] == pytest.approx(g1.per_step["W_hy"][4, 0, 2], rel=1e-12)
    assert "(W_{hh})_{3,3}" in rows["W_hh"]["latex"] and "h_{5,3}" in rows["W_hh"]["latex"]


def test_fmt_reads_like_a_number():
    assert sig(-0.0) == "0" and sig(0.66403677) == "0.664" and sig(3.2e-9) == "3.200e-09"
