"""ui/live.py through AppTest: what a live chart and live KaTeX lines send to the browser."""
import numpy as np
from streamlit.testing.v1 import AppTest

from apptest_util import decode
from ui import live


def _script():
    import plotly.graph_objects as go
    import streamlit as st

    from ui.live import live_chart, live_latex
    k = st.slider("k", 1, 5, 2, key="k")
    fig = go.Figure(go.Bar(x=[1, 2, 3], y=[k, 2 * k, 3 * k], name="bars"), dict(height=200, title=dict(text="t")))
    live_chart(fig, key="bars", config={"displayModeBar": False})
    st.session_state["template_after"] = fig.layout.template.to_plotly_json()  # the caller's figure, untouched?
    live_latex([rf"k = {k}", r"h_t = \tanh(a_t)"], key="lines")


def _run():
    at = AppTest.from_function(_script, default_timeout=30)
    at.run()
    assert not at.exception
    return at


def test_a_live_chart_sends_the_figure_with_streamlits_look_and_leaves_the_caller_figure_alone():
    at = _run()
    chart, lines = (live.shown(e) for e in at.get("bidi_component"))
    fig = chart["figure"]
    assert fig["data"][0]["name"] == "bars" and list(decode(fig["data"][0]["y"])) == [2, 4, 6]
    assert fig["layout"]["height"] == 200 and fig["layout"]["template"] == live.LOOK
    assert at.session_state["template_after"] != live.LOOK  # to_dict() copied before the template was set
    assert lines == {"lines": ["k = 2", r"h_t = \tanh(a_t)"]}


def test_a_rerun_sends_the_new_figure_under_the_same_element():
    at = _run()
    first = at.get("bidi_component")[0].proto.id
    at.slider(key="k").set_value(4).run()
    chart, lines = (live.shown(e) for e in at.get("bidi_component"))
    assert list(decode(chart["figure"]["data"][0]["y"])) == [4, 8, 12]
    assert at.get("bidi_component")[0].proto.id == first  # same key → same element: updated in place
    assert lines["lines"][0] == "k = 4"


def test_without_streamlits_katex_module_the_lines_fall_back_to_st_latex(monkeypatch):
    monkeypatch.setattr(live, "_KATEX", [])
    at = _run()
    assert [e.value for e in at.latex] == ["$$\nk = 2\n$$", "$$\nh_t = \\tanh(a_t)\n$$"]
    assert len(at.get("bidi_component")) == 1  # the chart only


def _spec_script():
    import plotly.graph_objects as go
    import streamlit as st

    import rnnviz
    from ui import figures
    from ui.live import live_chart
    p = rnnviz.RNNParams.random(8, seed=3)
    x, target = rnnviz.data.counting(61)
    run = rnnviz.forward(p, x[:60, None])
    losses = rnnviz.step_losses(run.y, target[:60, None])
    args = (run, p, target[:60, None], losses, 7)
    live_chart(figures.unrolled(*args), key="as_dicts")
    live_chart(go.Figure(figures.unrolled(*args), _validate=False), key="as_figure")
    live_chart(figures.loss_bars(losses, losses > 1, 7), key="bars_as_dicts")
    live_chart(go.Figure(figures.loss_bars(losses, losses > 1, 7), _validate=False), key="bars_as_figure")


def test_a_figure_given_as_plain_dicts_sends_the_same_json_as_its_go_figure():
    at = AppTest.from_function(_spec_script, default_timeout=30)
    at.run()
    assert not at.exception
    diagram, diagram_fig, bars, bars_fig = (live.shown(e)["figure"] for e in at.get("bidi_component"))
    assert diagram == diagram_fig and bars == bars_fig
    heat = next(t for t in diagram["data"] if t["name"] == "h")
    assert "bdata" in heat["z"]  # numpy arrays still travel as plotly's base64, not as lists


def test_the_katex_module_and_plotly_js_are_where_the_components_load_them_from():
    assert live._KATEX and live._KATEX[-1].stat().st_size > 100_000  # Streamlit's own KaTeX build
    assert (live.Path(live._PLOTLY_DIR) / "plotly.min.js").stat().st_size > 1_000_000



def test_a_patch_carries_only_the_new_points_of_grown_traces_and_whole_traces_that_changed():
    from ui.live import _patch
    old = {"type": "scatter", "x": np.arange(1, 4), "y": np.array([0.5, np.nan, 0.2]), "name": "train loss"}
    grown = {**old, "x": np.arange(1, 6), "y": np.array([0.5, np.nan, 0.2, 0.1, 0.05])}
    kind, tails = _patch(old, grown)
    assert kind == "extend" and tails["x"].tolist() == [4, 5] and tails["y"].tolist() == [0.1, 0.05]
    assert _patch(old, dict(old)) is None  # unchanged (nan equals nan): nothing sent
    assert _patch(old, {**grown, "y": np.array([9.0, np.nan, 0.2, 0.1, 0.05])})[0] == "set"  # an old point moved
    assert _patch(old, {**old, "name": "validation loss"})[0] == "set"
    assert _patch(None, old)[0] == "set"  # a trace the last whole figure did not have
