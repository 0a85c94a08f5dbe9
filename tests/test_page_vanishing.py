"""The vanishing/exploding page through the real app (AppTest): decay curve, sweep, clipping, errors, URL."""
import numpy as np
import pytest

import rnnviz
from apptest_util import decode, live_figures, live_lines, move, open_page, shown_field, slider_value, type_sequence
from ui import figures_decay as D
from ui.numbers import sig

X, TARGET = rnnviz.data.counting(10)


def vanishing_app(query=None):
    return open_page("pages/vanishing.py", query)


def chart(at, i):
    """The data of the page's i-th chart (0 decay, 1 sweep, 2 clipping): all three update in place."""
    return live_figures(at)[i]["data"]


def metrics(at):
    return {m.label: m.value for m in at.metric}


def shown_decay(at):
    """log10 ‖∂h_T/∂h_{T−k}‖ as plotted (NaN where it is exactly 0)."""
    return decode(chart(at, 0)[0]["y"])


def test_renders_the_real_decay_of_seed_003():
    at = vanishing_app()
    p = rnnviz.RNNParams.scalar()
    np.testing.assert_allclose(shown_decay(at), rnnviz.log10_decay(p, rnnviz.forward(p, X)), rtol=1e-12)
    assert float(metrics(at)["spectral radius ρ(W_hh)"]) == pytest.approx(0.5)
    assert "(0.5)^{10} = 0.000977" in " ".join(m.value for m in at.markdown)
    k8 = rnnviz.log10_decay(p, rnnviz.forward(p, X))[8]            # T = 9: the numbers at k = 8 steps back
    numbers = next(m.value for m in at.markdown if m.value.startswith("Here, at k = 8"))
    assert f"real ‖∂h_T/∂h_{{T−8}}‖₂ = **{D.sci(k8)}**" in numbers and "$" not in numbers  # no maths to re-typeset
    assert not at.error


def test_moving_W_hh_moves_the_decay_and_the_sweep_marker():
    at = vanishing_app()
    move(at, "W_hh", 1.5)
    assert not at.exception
    p = rnnviz.RNNParams.scalar(W_hh=1.5)
    np.testing.assert_allclose(shown_decay(at), rnnviz.log10_decay(p, rnnviz.forward(p, X)), rtol=1e-12)
    assert float(metrics(at)["spectral radius ρ(W_hh)"]) == pytest.approx(1.5)
    sweep_spec = live_figures(at)[1]
    assert sweep_spec["layout"]["shapes"][0]["y0"] == pytest.approx(1.5)
    assert len(live_figures(at)) == 3 and not at.get("plotly_chart") and not at.slider  # in place; panels


def test_clipping_at_max_norm_shows_the_engines_numbers():
    at = vanishing_app({"vg_clip": "2.5"})
    assert shown_field(at, "vg_clip")["value"] == 2.5
    g = rnnviz.bptt(rnnviz.RNNParams.scalar(), X, TARGET)
    clipped, norm = rnnviz.clip_by_global_norm(g, 2.5)
    m = metrics(at)
    assert rf"\frac{{2.5}}{{{sig(norm)}}}" in " ".join(live_lines(at))
    assert float(m["‖g‖ before"]) == pytest.approx(norm, rel=1e-3)
    assert float(m["‖g‖ after"]) == pytest.approx(2.5, rel=1e-3)
    after = decode(chart(at, 2)[1]["y"])
    np.testing.assert_allclose(after, np.concatenate([np.ravel(clipped[n]) for n in rnnviz.PARAM_NAMES]))


def test_long_matrix_sequence_sweeps_the_spectral_radius():
    at = vanishing_app({"H": "8", "preset": "sine", "T": "200", "vg_lo": "0.5", "vg_hi": "1.5"})
    assert "T = 200, H = 8" in at.caption[0].value
    assert len(shown_decay(at)) == 200
    sweep = chart(at, 1)[0]
    np.testing.assert_allclose(decode(sweep["y"]), np.linspace(0.5, 1.5, 41))
    assert decode(sweep["z"]).shape == (41, 200)


def test_sweep_range_backwards_gets_a_warning_and_still_draws():
    at = vanishing_app({"vg_lo": "1.5", "vg_hi": "0.5"})
    assert any("swapped" in w.value for w in at.warning)
    np.testing.assert_allclose(decode(chart(at, 1)[0]["y"]), np.linspace(0.5, 1.5, 41))


def test_bad_sequence_shows_an_error_not_an_exception():
    at = type_sequence(vanishing_app(), "")
    assert any("empty" in e.value for e in at.error)


def test_url_parameters_restore_model_and_view():
    at = vanishing_app({"W_hh": "1.2", "vg_lo": "-1.0", "vg_hi": "2.5", "vg_clip": "0.5"})
    assert slider_value(at, "W_hh") == 1.2
    assert (shown_field(at, "vg_lo")["value"], shown_field(at, "vg_hi")["value"]) == (-1.0, 2.5)
    assert float(metrics(at)["factor min(1, θ/‖g‖)"]) < 1
    p = rnnviz.RNNParams.scalar(W_hh=1.2)
    np.testing.assert_allclose(shown_decay(at), rnnviz.log10_decay(p, rnnviz.forward(p, X)), rtol=1e-12)


def test_sweep_caption_follows_what_is_drawn():
    """Seed 003's counting inputs saturate tanh: no W_hh in −3 … 3 makes the gradient grow, so no red."""
    title = live_figures(vanishing_app())[1]["layout"]["title"]["text"]
    assert "red explodes" not in title and "all blue" in title
    both = live_figures(vanishing_app({"preset": "sine", "T": "20", "W_xh": "0.1", "vg_hi": "3.0"}))[1]
    sweep = decode(both["data"][0]["z"])
    assert np.nanmax(sweep[:, 1:]) > 0 > np.nanmin(sweep[:, 1:])          # small inputs: both regimes drawn
    red_rows = int(np.sum(np.any(sweep[:, 1:] > 0, axis=1)))
    assert f"blue vanishes, red explodes: red at {red_rows} of the 41 values" in both["layout"]["title"]["text"]


def test_the_decay_chart_states_its_numbers_and_offers_a_data_table():
    """Its label (for screen readers) gives the three curves at the farthest k for the model on screen, and it asks
    for a "Data table" of every k from the hover's own numbers (its customdata), after a move too."""
    at = move(vanishing_app(), "W_hh", 0.9)
    p = rnnviz.RNNParams.scalar(W_hh=0.9)
    real = rnnviz.log10_decay(p, rnnviz.forward(p, X))
    meta = live_figures(at)[0]["layout"]["meta"]
    assert meta["rz_table"] == {"x": "k", "field": "customdata"}
    assert meta["rz_alt"].startswith(f"At k = 8, the farthest step back: real {D.sci(real[8])}, bound ")
    assert list(chart(at, 0)[0]["customdata"]) == [D.sci(v) for v in real]  # what the table lists
