"""The forward page through the real app (AppTest): numbers after a widget moves, errors, URL, SGD step."""
import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import rnnviz
from apptest_util import APP, decode, link, live_figures, live_lines, move, shown_field, slider_value, type_sequence
from ui import state

X, TARGET = rnnviz.data.counting(10)


def forward_app(query=None):
    at = AppTest.from_file(APP, default_timeout=30)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/forward.py").run()
    assert not at.exception
    return at


def open_view(at, view):
    """Pick `view` in the segmented control under the diagram (ui/controls), as its callback does."""
    move(at, "fwd_view", view)
    assert not at.exception
    return at


def chart(at, i=0):
    """Chart i's traces, arrays decoded."""
    return [{k: decode(v, dtype=None) if k in ("x", "y", "z") else v for k, v in t.items()}
            for t in live_figures(at)[i]["data"]]


def diagram(at):
    """The unrolled diagram's traces by name, read back from the rendered chart."""
    return {t.get("name"): t for t in chart(at, 0)}


def band_cells(band):
    """The h band's (H, T+1) unit cells: every other column (transparent gaps between)."""
    return np.asarray(band["z"], dtype=float)[:, ::2]


def latex(at):
    """Every TeX line on the page: st.latex elements and the live step-through lines."""
    return " ".join([e.value for e in at.latex] + live_lines(at))


def test_renders_seed_003_by_default():
    at = forward_app()
    h = diagram(at)["h"]
    assert float(h["text"][1]) == pytest.approx(math.tanh(0.8), abs=5e-4)  # h_1 = tanh(0.8·1) = 0.664
    assert r"\tanh(0.8\cdot2 + 0.5\cdot0.664 + 0)" in latex(at)             # seed 003's h_2, step t = 2
    assert len(diagram(at)["x"]["x"]) == 9


def test_moving_W_xh_changes_h1_to_tanh_of_the_new_weight():
    at = forward_app()
    move(at, "W_xh", 1.37)
    move(at, "t", 1)
    assert not at.exception
    h1 = rnnviz.forward(rnnviz.RNNParams.scalar(W_xh=1.37), X).h[0, 0]
    assert h1 == pytest.approx(math.tanh(1.37))
    assert float(diagram(at)["h"]["text"][1]) == pytest.approx(h1, abs=5e-4)
    assert f"= {h1:.3f}" in latex(at)  # h_1 = tanh(0.5·0 + 1.37·1 + 0) = tanh(1.37) = …


def test_nudging_x3_ripples_forward_only():
    at = open_view(forward_app(), "table")
    before = at.dataframe[0].value["h_t"].to_numpy()  # the per-step table, full precision
    move(at, "x3", 0.0)
    after = at.dataframe[0].value["h_t"].to_numpy()
    assert np.array_equal(before[:2], after[:2]) and np.all(before[2:5] != after[2:5])  # h_1, h_2 same; h_3.. move
    x = X.copy()
    x[2] = 0.0
    np.testing.assert_allclose(after, rnnviz.forward(rnnviz.RNNParams.scalar(), x).h[:, 0], atol=1e-12)
    assert at.dataframe[0].value["target_t"].tolist() == TARGET.tolist()  # targets stay the series' next values


def test_bad_typed_sequence_shows_an_error_and_the_page_survives():
    at = type_sequence(forward_app(), "1, 2, 3x, 4")
    assert any("'3x'" in e.value for e in at.error)
    type_sequence(at, ", ".join(["1"] * 2000))                       # longer than the page's T ≤ 500
    assert any("longer" in e.value for e in at.error)
    at.text_area(key="seq_text").input("0.5, -1, 2").run()
    assert not at.exception and not at.error
    assert len(diagram(at)["x"]["x"]) == 2


def test_url_parameters_restore_the_picture():
    at = forward_app({"W_hh": "-0.6", "W_xh": "1.1", "preset": "sine", "T": "30", "t": "7"})
    assert slider_value(at, "W_hh") == -0.6 and slider_value(at, "t") == 7
    d = diagram(at)
    assert len(d["x"]["x"]) == 30 and d["W_hh"]["line"]["color"] == "#b2182b"  # negative weight → red
    x = np.sin(np.arange(31) * 0.25)[:-1]
    run = rnnviz.forward(rnnviz.RNNParams.scalar(W_xh=1.1, W_hh=-0.6), x)
    assert np.array(d["h"]["text"][1:], float) == pytest.approx(run.h[:, 0], abs=5e-3)


def test_hidden_size_8_from_the_url():
    at = forward_app({"H": "8", "seed": "3", "gain_W_hh": "1.5", "preset": "sine", "T": "100"})
    assert not at.exception
    band = diagram(at)["h"]
    p0 = rnnviz.RNNParams.random(8, seed=3)
    p = p0.replace(W_hh=1.5 * p0.W_hh)
    run = rnnviz.forward(p, np.sin(np.arange(101) * 0.25)[:-1])
    np.testing.assert_allclose(band_cells(band), run.hs[:16].T, atol=1e-12)  # h_0 … h_15: the window at t = 2


def test_gradient_step_lowers_the_loss_and_moves_the_sliders():
    at = open_view(forward_app(), "sgd")
    at.slider(key="lr").set_value(0.002).run()
    p = rnnviz.RNNParams.scalar()
    g = rnnviz.bptt(p, X, TARGET)
    at.button(key="sgd").click().run()
    assert not at.exception
    expected = rnnviz.sgd_step(p, g, 0.002)
    for n in rnnviz.PARAM_NAMES:
        assert slider_value(at, n) == pytest.approx(float(getattr(expected, n).item()))
    after = rnnviz.bptt(expected, X, TARGET).loss
    assert after < g.loss
    metric = at.metric[-1]
    assert float(metric.value) == pytest.approx(after, rel=1e-5)
    at.button(key="sgd").click().run()  # repeatable: a second step descends further
    assert float(at.metric[-1].value) < after


def test_gradient_step_with_H_4_moves_the_matrices():
    at = open_view(forward_app({"H": "4", "seed": "5"}), "table")
    before = at.dataframe[0].value["y_t"].to_numpy()
    open_view(at, "sgd").slider(key="lr").set_value(0.001).run()
    loss_before = float(np.sum(0.5 * (before - TARGET) ** 2))
    at.button(key="sgd").click().run()
    assert not at.exception
    after = open_view(at, "table").dataframe[0].value["y_t"].to_numpy()
    p = rnnviz.RNNParams.random(4, seed=5)
    expected = rnnviz.sgd_step(p, rnnviz.bptt(p, X, TARGET), 0.001)
    np.testing.assert_allclose(after, rnnviz.forward(expected, X).y[:, 0], rtol=1e-8)
    assert float(np.sum(0.5 * (after - TARGET) ** 2)) < loss_before
    assert "cells" in link(at)  # the stepped matrices are in the shareable link


def test_absurd_inputs_get_messages_not_exceptions():
    at = forward_app()
    move(at, "source", "typed")
    at.text_area(key="seq_text").input("1e300, -1e300, 1e300").run()  # (y − target)² overflows float64
    assert not at.exception
    assert any("overflow" in e.value for e in at.error) and any("saturates" in w.value for w in at.warning)
    at.text_area(key="seq_text").input("1 " * 10**6).run()  # a 10^6-long paste
    assert not at.exception and any("longer than 501 values" in e.value for e in at.error)
    at.text_area(key="seq_text").input("").run()
    assert not at.exception and any("empty" in e.value for e in at.error)


def test_only_the_picked_view_is_built_and_it_round_trips_through_the_url():
    at = forward_app()
    assert len(live_figures(at)) == 2 and not at.dataframe  # the diagram + the loss bars only
    L = 0.5 * (rnnviz.forward(rnnviz.RNNParams.scalar(), X).y[:, 0] - TARGET) ** 2
    np.testing.assert_allclose(chart(at, 1)[0]["y"], L, rtol=1e-12)
    open_view(at, "lines")
    assert [t["name"] for t in chart(at, 1)][:2] == ["target_t (next value)", "y_t"] and not at.dataframe
    assert link(at)["fwd_view"] == "lines"
    shared = forward_app({"fwd_view": "table", "H": "8"})
    assert len(live_figures(shared)) == 1 and len(shared.dataframe) == 1  # diagram + the table
    heat = open_view(shared, "heatmaps")
    assert len(live_figures(heat)) == 3 and not heat.dataframe
    assert [t["name"] for t in chart(forward_app({"fwd_view": "heatmaps"}), 1)] == ["L_t"]  # none at H = 1
    names = dict(zip(state.FIELDS["fwd_view"].choices, state.FIELDS["fwd_view"].names))
    assert shown_field(shared, "fwd_view")["names"] == list(names.values())
    assert shown_field(at, "fwd_view")["names"] == [names[c] for c in ("loss", "lines", "table", "sgd")]
    bad = forward_app({"fwd_view": "everything"})
    assert any("`fwd_view=everything`" in w.value for w in bad.warning)


def test_matrix_editors_are_built_only_while_their_expander_is_open():
    at = forward_app({"H": "3", "cells": "W_hh:0:1=0.5"})
    assert not at.dataframe  # closed: the four grids are not sent at all
    p = rnnviz.RNNParams.random(3, seed=0)
    W_hh = p.W_hh.copy()
    W_hh[0, 1] = 0.5
    hs = rnnviz.forward(p.replace(W_hh=W_hh, b_h=np.zeros(3), b_y=[0.0]), X).hs
    np.testing.assert_allclose(band_cells(diagram(at)["h"]), hs.T, atol=1e-12)  # the link's edit, grids closed
    at.session_state["_grid_open"] = True
    at.run()
    assert not at.exception and len(at.dataframe) == 4
    assert at.dataframe[0].value.iloc[0, 1] == 0.5  # W_hh's grid starts from the edited matrix
    np.testing.assert_allclose(band_cells(diagram(at)["h"]), hs.T, atol=1e-12)
    at.session_state["_grid_open"] = False
    at.run()
    assert not at.dataframe and link(at)["cells"] == "W_hh:0:1=0.5"


def test_a_bad_cell_in_a_link_is_named_on_the_page_and_the_seeded_matrices_are_used():
    at = forward_app({"H": "3", "cells": "W_hh:7:7=0.5"})  # no row 7 in a 3 × 3 matrix
    assert any("`cells`" in w.value and "W_hh:7:7=0.5" in w.value for w in at.main.warning)
    p = rnnviz.RNNParams.random(3, seed=0)
    hs = rnnviz.forward(p.replace(b_h=np.zeros(3), b_y=[0.0]), X).hs
    np.testing.assert_allclose(band_cells(diagram(at)["h"]), hs.T, atol=1e-12)


def test_loss_view_titles_the_total_and_the_seed_slip_stays_under_every_view():
    at = forward_app()
    move(at, "W_hh", 0.9)
    total = rnnviz.bptt(rnnviz.RNNParams.scalar(W_hh=0.9), X, TARGET).loss
    title = live_figures(at)[1]["layout"]["title"]["text"]  # [0] is the diagram, [1] the loss bars
    assert title.endswith(f"total L = {total:.6g}")
    L1 = rnnviz.bptt(rnnviz.RNNParams.scalar(), X, TARGET).losses[0]  # seed 003's L_1, unrounded
    for view in ("loss", "table"):
        open_view(at, view)
        slip = [e for e in at.expander if e.label.startswith("Seed 003's numbers")]
        assert len(slip) == 1 and "0.7236" in slip[0].markdown[0].value and f"{L1:.4f}" in slip[0].markdown[0].value


def test_the_seed_box_says_why_its_numbers_differ_and_matches_the_step_lines():
    at = forward_app()
    box = next(e for e in at.expander if e.label.startswith("Seed 003's numbers")).markdown[0].value
    assert "unrounded" in box and "truncates" in box
    rows = {}  # quantity → [seed 003 prints, the app shows]
    for row in box.splitlines():
        cells = [c.strip() for c in row.split("|")]
        if len(cells) > 4 and cells[1][:1] in ("h", "y", "L"):
            rows[cells[1]] = cells[2:4]
    run = rnnviz.forward(rnnviz.RNNParams.scalar(), X)
    L = rnnviz.step_losses(run.y, TARGET[:, None])
    assert rows["h₂"] == ["0.958", f"{run.h[1, 0]:.3f}"] == ["0.958", "0.959"]
    assert rows["L₁"] == ["0.719", f"{L[0]:.4f}"] and rows["L₂"] == ["1.711", f"{L[1]:.4f}"]
    for t in (1, 2):  # the step lines above print the app's column to the same digits
        move(at, "t", t)
        lines = " ".join(live_lines(at))
        sub = "₁₂"[t - 1]
        assert f"= {rows['L' + sub][1]}" in lines and f"= {rows['h' + sub][1]}" in lines


def test_at_T_500_the_diagram_is_a_window_around_t_that_moves_with_t():
    at = forward_app({"preset": "sine", "T": "500", "t": "250"})
    x = np.sin(np.arange(501) * 0.25)[:-1]
    d = diagram(at)
    assert list(d["x"]["x"]) == list(range(243, 258))                    # 15 legible columns, not 500
    assert float(d["h"]["text"][-1]) == pytest.approx(rnnviz.forward(rnnviz.RNNParams.scalar(), x).h[256, 0], abs=5e-3)
    np.testing.assert_allclose(d["overview"]["y"], x)                    # the strip: all of the sequence
    assert any("Steps 243 … 257 of 500" in c.value for c in at.main.caption)
    move(at, "t", 400)
    assert list(diagram(at)["x"]["x"]) == list(range(393, 408))
    assert any("Steps 393 … 407 of 500" in c.value for c in at.main.caption)
    assert r"h_{400} = \tanh" in latex(at)
