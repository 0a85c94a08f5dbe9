"""The BPTT page through the real app (AppTest): gradients after a slider moves, autograd check, k = 1, URL."""
import json
import math
import re

import numpy as np
import pytest

import rnnviz
from apptest_util import live_figures, live_lines, move, open_page, shown_field, slider_value, type_sequence
from ui import figures_bptt as F
from ui.numbers import sig

X, TARGET = rnnviz.data.counting(10)


def bptt_app(query=None):
    return open_page("pages/bptt.py", query)


def metrics(at):
    """{label: value shown} from the ∂L/∂Θ table (one markdown element) and the autograd check's line."""
    out = {}
    for m in at.markdown:
        for line in m.value.splitlines():
            if line.startswith("| ∂L/∂") or line.startswith("| ‖∂L/∂"):
                label, value = (c.strip() for c in line.strip().strip("|").split("|"))
                out[label] = value
        found = re.search(r"\*\*largest \|rnnviz − autograd\|\*\* = \*\*([^*]+)\*\*", m.value)
        if found:
            out["largest |rnnviz − autograd|"] = found.group(1)
    return out


def shown_grads(at):
    """{name: float} from the ∂L/∂θ metrics (H = 1)."""
    return {n: float(metrics(at)[f"∂L/∂{n}"]) for n in rnnviz.PARAM_NAMES}


def autograd_difference(at):
    return float(metrics(at)["largest |rnnviz − autograd|"])


def assert_grads(at, g):
    for n, v in shown_grads(at).items():
        assert v == pytest.approx(float(np.ravel(getattr(g, n))[0]), rel=1e-5), n  # shown to 6 figures


def test_renders_full_bptt_of_seed_003_checked_by_autograd():
    at = bptt_app()
    assert_grads(at, rnnviz.bptt(rnnviz.RNNParams.scalar(), X, TARGET))
    assert autograd_difference(at) < 1e-9
    assert not at.error
    assert len(live_figures(at)) == 3 and not at.get("plotly_chart")   # all three update in place
    assert not at.slider and not at.segmented_control                  # controls are ui/controls panels


def test_moving_W_hh_changes_the_gradient_to_the_engines_value():
    at = bptt_app()
    before = shown_grads(at)["W_hh"]
    move(at, "W_hh", 0.9)
    assert not at.exception
    g = rnnviz.bptt(rnnviz.RNNParams.scalar(W_hh=0.9), X, TARGET)
    assert_grads(at, g)
    assert shown_grads(at)["W_hh"] != pytest.approx(before)
    assert autograd_difference(at) < 1e-9


def test_heatmap_sum_column_equals_the_totals_shown():
    at = bptt_app()
    sums = live_figures(at)[0]["data"][-1]["customdata"]
    shown = shown_grads(at)
    for name, row in zip(rnnviz.PARAM_NAMES, sums):
        assert row[0][1] == pytest.approx(shown[name], rel=1e-5)


def test_truncation_k1_shows_seed_003_one_step_numbers():
    at = bptt_app()
    move(at, "bptt_mode", "truncated to k steps")
    move(at, "bptt_k", 1)
    assert_grads(at, rnnviz.bptt(rnnviz.RNNParams.scalar(), X, TARGET, truncate=1))
    assert autograd_difference(at) < 1e-9                      # autograd truncated the same way
    # seed 003 by hand at step t = 2: h_1 = tanh(0.8), h_2 = tanh(0.8·2 + 0.5 h_1), y_2 = 1.2 h_2
    h1 = math.tanh(0.8)
    h2 = math.tanh(1.6 + 0.5 * h1)
    err = 1.2 * h2 - 3
    text = " ".join(live_lines(at))
    assert f"({sig(err)})(1.2)(1 - {sig(h2)}^2)({sig(h1)}) = {sig(err * 1.2 * (1 - h2 * h2) * h1)}" in text
    assert f"= {sig(err * 1.2 * (1 - h2 * h2) * 2)}" in text            # ∂L_2/∂W_xh, x_2 = 2
    table = next(m.value for m in at.markdown if m.value.startswith("| θ |"))
    assert F.dec4(err * 1.2 * (1 - h2) ** 2 * h1) in table           # the seed's (1 − h)² version, beside it
    assert "drop the recurrent path" in " ".join(i.value for i in at.info)
    table = at.dataframe[-1].value
    full = rnnviz.bptt(rnnviz.RNNParams.scalar(), X, TARGET)
    one = rnnviz.bptt(rnnviz.RNNParams.scalar(), X, TARGET, truncate=1)
    np.testing.assert_allclose(table["full − truncated"], [float(np.ravel(getattr(full, n) - getattr(one, n))[0])
                                                           for n in rnnviz.PARAM_NAMES])


def test_seed003_box_compares_like_with_like():
    """The one-step ∂L_2/∂W_xh beside the full gradient of the same L_2 (−0.4073), not full BPTT's step-2 term."""
    table = next(m.value for m in bptt_app().markdown if m.value.startswith("| θ |"))
    assert "| W_xh | -0.3574 | -0.4073 | **-0.0499** |" in table
    assert "| W_hh | -0.1187 | -0.1187 | 0.0000, equal |" in table and "W_hh's use at step 1 multiplies h_0 = 0" in table


def test_matrix_model_autograd_check_and_step_formulas():
    at = bptt_app({"H": "4", "bptt_mode": "truncated to k steps", "bptt_k": "3", "bptt_unit": "2"})
    assert autograd_difference(at) < 1e-9
    assert "‖∂L/∂W_hh‖" in metrics(at)
    assert "(W_{hh})_{2,2}" in " ".join(live_lines(at))


def test_bad_sequence_shows_an_error_not_an_exception():
    at = type_sequence(bptt_app(), "1, 2, banana, 4")
    assert any("banana" in e.value for e in at.error)
    assert not metrics(at)                                     # the page stops before showing gradients


def test_url_parameters_restore_the_view():
    at = bptt_app({"W_hh": "0.3", "bptt_mode": "truncated to k steps", "bptt_k": "4", "bptt_t": "5",
                   "bptt_rows": "W_hh"})
    assert slider_value(at, "W_hh") == 0.3
    assert shown_field(at, "bptt_k")["value"] == 4
    assert shown_field(at, "bptt_t")["value"] == 5
    assert shown_field(at, "bptt_rows")["value"] == "W_hh"
    assert_grads(at, rnnviz.bptt(rnnviz.RNNParams.scalar(W_hh=0.3), X, TARGET, truncate=4))
    assert r"\partial L_{5}" in " ".join(live_lines(at))
    heat = live_figures(at)[0]
    assert heat["layout"]["yaxis"]["ticktext"] == ["W_hh"] and len(heat["data"]) == 2


def test_invalid_url_values_fall_back_with_a_notice():
    at = bptt_app({"bptt_k": "lots", "bptt_mode": "sideways"})
    assert shown_field(at, "bptt_mode")["value"] == "full BPTT"
    move(at, "bptt_mode", "truncated to k steps")
    assert shown_field(at, "bptt_k")["value"] == 1
    assert any("bptt_k" in w.value for w in at.warning)


def test_a_t_is_defined_before_its_first_use():
    """The first line of maths defines the pre-activation a_t; the backward equations then use it."""
    first, second = live_lines(bptt_app())[:2]
    assert first.startswith(r"a_t = W_{xh}\,x_t + W_{hh}\,h_{t-1} + b_h") and r"h_t = \tanh(a_t)" in first
    assert r"\partial a_{t+1}" in second


def test_side_by_side_table_is_built_only_while_its_expander_is_open():
    at = bptt_app()
    assert len(at.dataframe) == 1                              # closed: only the truncation table
    at.session_state["bptt_check_table"] = True                # the keyed expander, opened
    at.run()
    table = at.dataframe[0].value
    g = rnnviz.bptt(rnnviz.RNNParams.scalar(), X, TARGET)
    np.testing.assert_allclose(table["∂L/∂θ (rnnviz)"], [float(np.ravel(getattr(g, n))[0]) for n in rnnviz.PARAM_NAMES])
    assert table["|rnnviz − autograd|"].max() < 1e-9


def test_the_k_slider_shows_only_while_truncated_and_says_why():
    """Full BPTT has no k: its slider is hidden, a caption says why, and the comparison table names the k it
    uses; truncated, the slider is back at the same k and the caption is gone."""
    at = bptt_app({"bptt_k": "3"})
    with pytest.raises(KeyError):
        shown_field(at, "bptt_k")
    words = " ".join(c.value for c in at.caption) + " ".join(m.value for m in at.markdown)
    assert "no k to set" in words and "compares k = 3" in words
    move(at, "bptt_mode", "truncated to k steps")
    assert shown_field(at, "bptt_k")["value"] == 3
    assert not any("no k to set" in c.value for c in at.caption)
    assert_grads(at, rnnviz.bptt(rnnviz.RNNParams.scalar(), X, TARGET, truncate=3))


def test_the_charts_state_their_numbers_for_screen_readers():
    """The contribution heatmap's label names its largest term and the dh bars' label the largest and smallest
    ‖∂L/∂h_t‖, from the engine's gradient for the model on screen (after a move too)."""
    at = move(bptt_app(), "W_hh", 0.9)
    g = rnnviz.bptt(rnnviz.RNNParams.scalar(W_hh=0.9), X, TARGET)
    C = np.array([g.per_step[n].reshape(g.run.T, -1)[:, 0] for n in rnnviz.PARAM_NAMES])  # (5, T), H = 1
    r, t = np.unravel_index(np.argmax(np.abs(C)), C.shape)
    heat, bars = (f["layout"]["meta"]["rz_alt"] for f in live_figures(at)[:2])
    name = rnnviz.PARAM_NAMES[r]
    assert heat == (f"Its largest term is {name}'s at step t = {t + 1}: {sig(C[r, t])}, of ∂L/∂{name} = "
                    f"{sig(np.ravel(getattr(g, name))[0])} in all.")
    n = np.abs(g.dh[:, 0])
    assert bars.startswith(f"‖∂L/∂h_t‖₂ is largest at t = {np.argmax(n) + 1} ({sig(n.max())}) and smallest")
