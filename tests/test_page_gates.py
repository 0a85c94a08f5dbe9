"""The LSTM & GRU page through the real app (AppTest): the diagram's gates, the step arithmetic and the
connectivity curves are the engine's numbers for the model the sidebar shows, before and after a control moves."""
import numpy as np
import pytest

import rnnviz
from apptest_util import decode, link, live_figures, live_lines, move, open_page, shown_field, type_sequence
from ui import matrix_grid
from ui.figures_decay import sci
from ui.gates_model import _default_h1, scalar_params, seeded_params

X, TARGET = rnnviz.data.counting(10)


def rows(at):
    """{row label: (H, columns) values} of the unrolled diagram (the page's first live chart)."""
    fig = live_figures(at)[0]
    labels = [t.split(" ")[0] for t in fig["layout"]["yaxis"]["ticktext"]]
    heat = [tr for tr in fig["data"] if tr["type"] == "heatmap"]
    out = {}
    for label, tr in zip(labels, heat):
        z = np.atleast_2d(decode(tr["z"]))
        out[label] = z if "x" in tr else z[:, ::2]      # one image (many cells): every other column a NaN gap
    return out


def curves(at):
    """{trace name: log10 values} of the connectivity chart."""
    fig = live_figures(at)[1]
    return {tr["name"].split(":")[0]: decode(tr["y"]) for tr in fig["data"]}


def default_lstm(**changes):
    v = {**_default_h1("LSTM"), "W_hy": 1.2, "b_y": 0.0, **changes}
    return scalar_params("LSTM", v)


def test_default_lstm_shows_the_engines_gates_and_connectivity():
    at = open_page("pages/gates.py")
    p = default_lstm()
    run = rnnviz.forward(p, X)
    shown = rows(at)
    assert list(shown) == ["x_t", "i_t", "f_t", "g_t", "o_t", "h_t", "c_t"]
    for g in "ifgo":
        np.testing.assert_allclose(shown[f"{g}_t"][0], run.gates[g][:, 0], rtol=1e-12)
    np.testing.assert_allclose(shown["c_t"][0], run.cs[:, 0], rtol=1e-12)
    c = curves(at)
    np.testing.assert_allclose(c["LSTM"], rnnviz.log10_connectivity(p, run), rtol=1e-12)
    rnn = rnnviz.RNNParams.scalar()
    np.testing.assert_allclose(c["RNN"], rnnviz.log10_connectivity(rnn, rnnviz.forward(rnn, X)), rtol=1e-12)
    text = " ".join(m.value for m in at.markdown)
    assert f"LSTM {sci(c['LSTM'][8])}" in text and f"RNN {sci(c['RNN'][8])}" in text   # k = T − 1 = 8
    assert f"Π f = {sci(np.log10(rnnviz.forget_product(run)[8]))}" in text
    lines = live_lines(at)
    assert any(line.startswith(r"f_{2} = \sigma(") and line.endswith(f"= {run.gates['f'][1, 0]:.4f}")
               for line in lines)
    f = p.gate("f")   # a_f at t = 2 by hand, from the weights: the number σ is applied to
    a_f = f["W_i"].item() * X[1] + f["b_i"].item() + f["W_h"].item() * run.hs[1, 0] + f["b_h"].item()
    assert any(line.startswith(r"f_{2} = \sigma(") and rf"= \sigma({a_f:.3f}) =" in line for line in lines)
    assert not at.error


def test_moving_the_forget_bias_moves_f_c_and_the_step_line():
    at = move(open_page("pages/gates.py"), "b_if", 5.0)
    p = default_lstm(b_if=5.0)
    run = rnnviz.forward(p, X)
    shown = rows(at)
    np.testing.assert_allclose(shown["f_t"][0], run.gates["f"][:, 0], rtol=1e-12)
    before = rnnviz.forward(default_lstm(), X).gates["f"][:, 0]
    assert np.all(shown["f_t"][0] > before + 0.2)         # b_if 0.87 → 5: more of c kept at every step
    np.testing.assert_allclose(shown["c_t"][0], run.cs[:, 0], rtol=1e-12)
    assert any(r"+ 5\cdot" in line or "+ 5 +" in line for line in live_lines(at) if line.startswith("f_{2}"))
    assert link(at)["b_if"] == "5.0"


def test_gru_from_a_link_with_H_3_shows_bands_of_r_z_n():
    at = open_page("pages/gates.py", {"cell": "GRU", "H": "3", "seed": "4", "gain_z": "2.0"})
    p = rnnviz.GRUParams.random(3, seed=4, gains={"r": 1.0, "z": 2.0, "n": 1.0}).replace(b_y=[0.0])
    run = rnnviz.forward(p, X)
    shown = rows(at)
    assert list(shown) == ["x_t", "r_t", "z_t", "n_t", "h_t"]
    np.testing.assert_allclose(shown["z_t"], run.gates["z"].T, rtol=1e-12)
    assert live_lines(at)[0].startswith("r_t = ")
    np.testing.assert_allclose(curves(at)["GRU"], rnnviz.log10_connectivity(p, run), rtol=1e-12)
    assert link(at)["cell"] == "GRU"


def test_the_rnn_compared_at_H_2_is_the_rnn_as_edited_in_its_grid():
    at = open_page("pages/gates.py", {"H": "2", "cells": "W_hh:0:1=0.9"})
    base = matrix_grid.seeded(2, 0, (1.0, 1.0, 1.0))
    rnn = rnnviz.RNNParams(**matrix_grid.parse_cells("W_hh:0:1=0.9", base), b_y=[0.0])
    assert rnn.W_hh[0, 1] == 0.9 != base["W_hh"][0, 1]
    np.testing.assert_allclose(curves(at)["RNN"], rnnviz.log10_connectivity(rnn, rnnviz.forward(rnn, X)), rtol=1e-12)


def test_switching_to_rnn_shows_the_rnns_own_arithmetic():
    at = move(open_page("pages/gates.py"), "cell", "RNN")
    assert list(rows(at)) == ["x_t", "h_t"]
    with pytest.raises(KeyError):
        shown_field(at, "gate_preset")                  # the presets are the gated cells'
    assert shown_field(at, "W_hh")["value"] == 0.5      # the RNN's own sliders, seed 003's
    assert any(line.startswith(r"h_{2} = \tanh(W_{xh}") for line in live_lines(at))


def test_the_keep_gate_bias_at_H_2_opens_and_shuts_the_forget_gate():
    at = open_page("pages/gates.py", {"H": "2", "b_keep": "6.0", "preset": "sine"})
    x = rnnviz.data.next_value(rnnviz.data.sine(np.arange(41) * 0.25))[0]
    for b in (6.0, -6.0):
        p = seeded_params("LSTM", 2, 0, {g: 1.0 for g in "ifgo"}, b, 0.0)
        f = rows(at)["f_t"]
        np.testing.assert_allclose(f, rnnviz.forward(p, x).gates["f"].T, rtol=1e-12)
        assert (f.min() > 0.95) if b > 0 else (f.max() < 0.05)
        at = move(at, "b_keep", -6.0)


@pytest.mark.parametrize("text, words", [("1, 2, abc", "abc"), ("5", "at least 2")])
def test_bad_sequence_shows_an_error_not_an_exception(text, words):
    at = type_sequence(open_page("pages/gates.py"), text)
    assert any(words in e.value for e in at.error)


def test_a_tiny_negative_value_prints_as_zero_not_minus_zero():
    """The default LSTM's late h_t are about −0.003 … −0.00002: written into the diagram's cells as 0.00 (the
    number rule of ui/numbers.fixed), never −0.00."""
    at = open_page("pages/gates.py")
    h = rnnviz.forward(default_lstm(), X).hs[:, 0]
    assert np.any((h < 0) & (h > -0.005))          # the case this is about is on screen
    fig = live_figures(at)[0]
    texts = [s for tr in fig["data"] if tr.get("text") is not None for s in np.ravel(decode(tr["text"], str))]
    assert "0.00" in texts and not any(s.startswith("-0.00") and float(s) == 0 for s in texts)
