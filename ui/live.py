"""Page elements that stay on the page across reruns and update in place: a Plotly chart and KaTeX lines.

    live_chart(fig, key="diagram")        # instead of st.plotly_chart(fig, key="diagram")
    live_latex(lines, key="step_lines")   # instead of one st.latex per line

Streamlit 1.67 throws a changed st.plotly_chart away and draws it again from scratch (Plotly.newPlot) on
every rerun, and re-typesets every st.latex through its markdown pipeline. These are components-v2
elements (no iframe): each keeps one plotly.js plot, or one KaTeX box per line, under its key, hands a
new figure to Plotly.react (which restyles only what changed) and re-typesets only the lines whose TeX
changed. A chart or a box of lines out of sight (scrolled away, 200 px to spare) keeps its last drawing and
draws the newest when it comes back: a slider move redraws only what can be seen. Nothing is fetched from the
network: plotly.js is the copy inside the `plotly` Python package (the version that wrote the figure's
JSON), served by Streamlit from that package's folder; KaTeX is the module Streamlit's own frontend ships,
styled by the KaTeX stylesheet its page already has (found by name; without it the lines fall back to
st.latex).
"""
import copy
import json
from functools import partial
from pathlib import Path

import numpy as np
import pandas  # noqa: F401  complete before any figure is converted: see below
import plotly
import streamlit as st
import streamlit.components.v1 as components_v1
from ui import url
from ui.typed_arrays import convert_to_base64
from plotly.io.json import to_json_plotly
from streamlit.delta_generator_singletons import context_dg_stack
from streamlit.runtime import Runtime, get_instance
from streamlit.runtime.scriptrunner import get_script_run_ctx
from ui.web import read as _web

# (pandas above: plotly's convert_to_base64 takes pandas from sys.modules when it is there; Streamlit's
# component serializer imports pandas on its first use, and a figure converted on another session's thread
# meanwhile met a half-imported pandas: "partially initialized module 'pandas' has no attribute 'Series'",
# a traceback in the page when a class opened /training at once. Every page that draws live charts has
# pandas loaded anyway.)
_PLOTLY_DIR = str(Path(plotly.__file__).parent / "package_data")  # plotly.min.js, as pip installed it
_KATEX = sorted((Path(st.__file__).parent / "static" / "static" / "js").glob("katex.*.js"))
# Streamlit's chart look (font, sizes, margins) as a small template: the figure's own template is
# Streamlit's Python-side "streamlit" one, whose colours are placeholders only st.plotly_chart fills in.
# No colours here but the series': the chart is transparent on the page, and CHART_JS fills its text and
# grid colours from the theme on screen (ui/theme.py's window.rzTheme, light or dark) at every draw
_FONT = '"Source Sans", sans-serif'
_AXIS = dict(tickfont=dict(size=12), automargin=True, title=dict(font=dict(size=14)),
             # plotly's default ("hide past div") measures every tick label once per label drawn: a third
             # of a T = 100 diagram's redraw; the figures' fixed margins keep the labels inside anyway
             ticklabeloverflow="allow")
LOOK = dict(layout=dict(
    font=dict(family=_FONT, size=12), paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
    margin=dict(pad=8), colorway=["#0068c9", "#83c9ff", "#ff2b2b", "#ffabab", "#29b09d", "#7defa1"],
    hoverlabel=dict(font=dict(family=_FONT, size=12)),
    title=dict(font=dict(family=_FONT, size=16, weight=600), x=0, xanchor="left", pad=dict(l=4)),
    legend=dict(font=dict(size=12), bordercolor="transparent"), xaxis=_AXIS, yaxis=_AXIS))

CHART_JS, CHART_CSS = _web("live_chart.js"), _web("live_chart.css")
LATEX_JS, LATEX_CSS = _web("live_latex.js"), _web("live_latex.css")
_chart = st.components.v2.component("rnnviz.live_chart", js=CHART_JS, css=CHART_CSS, isolate_styles=False)
_latex = st.components.v2.component("rnnviz.live_latex", js=LATEX_JS, css=LATEX_CSS, isolate_styles=False)


_registered = {}  # the runtime plotly.js was last registered with → its URL


def _plotly_url():
    """Where the browser fetches plotly.min.js: Streamlit serves plotly's package folder as a component path."""
    # registered (never mounted) with the runtime of the script run it is called from (an import-time call
    # outside a run registers nothing); once per runtime: declare_component looks its caller's module up
    # through inspect.getmodule, a few ms a call
    runtime = get_instance() if Runtime.exists() else None
    if runtime is None or _registered.get("runtime") is not runtime:
        files = components_v1.declare_component("plotly_js", path=_PLOTLY_DIR)
        _registered.update(runtime=runtime, url=f"component/{files.name}/plotly.min.js?v={plotly.__version__}")
    return _registered["url"]


def live_chart(fig, key, config=None, patch=False, on_click=None):
    """Draw `fig` under `key`; on later reruns the same plot is updated in place.

    `fig`: a go.Figure, or a figure as plain dicts ({"data": [trace dicts], "layout": dict}, ui.figures'
    *_spec builders), which is used up: its numpy arrays are replaced by plotly's base64 form in place.
    `patch`: a go.Figure is used up as well (no copy); in a fragment's rerun, send only what changed since the last whole figure this session sent under
    `key` (see _patch), and a whole figure every KEYFRAME_EVERY draws: a live chart whose traces grow sends its
    new points, not all of them again every tick. Patches are relative to that whole figure, not to the last
    patch, because the browser may skip a render when two updates arrive close together.
    `on_click(x)`: called (as a callback, before the rerun) with the rounded x of a click or tap on the
    subplot a `clickable` figure names."""
    if isinstance(fig, dict):
        spec = {"data": fig["data"], "layout": dict(fig["layout"])}
    elif patch:
        spec = fig.to_plotly_json()  # no copy (to_dict's deep copy is half of a tick's cost): used up too
        spec = {"data": spec["data"], "layout": dict(spec["layout"])}
    else:
        spec = fig.to_dict()  # a copy: the caller's figure is left as it was
    spec["layout"]["template"] = LOOK  # (validating it through update_layout costs ~30 ms a draw)
    data = {"config": config or {}, "src": _plotly_url(), "key": key}
    if not patch and _out_of_sight(key):  # nothing to serialise or send: the browser keeps its last drawing
        _chart(key=key, data={**data, "pending": True}, on_stale_change=_nothing,
               **({} if on_click is None else {"on_click_change": partial(_clicked, key, on_click)}))
        return
    if patch:
        data.update(_patched(spec, key))
        _chart(key=key, data=data, on_stale_change=lambda: _sent().pop(key, None))
        return
    data["figure"] = _json(spec)
    _chart(key=key, data=data, on_stale_change=_nothing,
           **({} if on_click is None else {"on_click_change": partial(_clicked, key, on_click)}))


_SIGHT = "_live_chart_sight"  # (url.runs() when a control moved, {chart key: in sight?} the browser sent with it)


def report_sight(report):
    """A control's move carried the browser's {chart key: in sight?}: kept for the run the move starts."""
    if isinstance(report, dict):
        st.session_state[_SIGHT] = (url.runs(), {k: v is not False for k, v in report.items()})


def _out_of_sight(key):
    """The chart `key` was drawn and out of sight when the control that started this run moved."""
    tag, report = st.session_state.get(_SIGHT, (None, {}))
    return tag == url.runs() and report.get(key) is False


def _nothing():
    """A kept-back chart came into view and asked for its figure: the rerun its trigger starts sends it."""


def _clicked(key, on_click):
    """The click trigger's callback: the x the browser sent, to `on_click`."""
    result = st.session_state.get(key) or {}
    x = result.get("click") if hasattr(result, "get") else None
    if isinstance(x, (int, float)) and not isinstance(x, bool) and np.isfinite(x):
        on_click(x)


def _json(spec):
    convert_to_base64(spec)  # what go.Figure.to_dict does to the arrays: the same JSON comes out
    # engine="json": plotly's default ("auto") takes orjson whenever it happens to be installed, and its
    # orjson path cleans the figure first, 1.3 ms slower for a T = 100 diagram here; the text is the same
    return to_json_plotly(spec, engine="json")


KEYFRAME_EVERY = 10  # a patchable chart sends its whole figure at least this often (patches grow until then)


def _sent():
    """{key: (rev, where on the page, rev of the last whole figure, that figure)} of the patchable charts."""
    return st.session_state.setdefault("_live_chart_sent", {})


def _patched(spec, key):
    """{"figure": JSON, "rev": n}, or in a fragment's rerun of a chart at the same place {"patch": JSON}: what
    changed since the last whole figure."""
    ctx = get_script_run_ctx()
    cursor = context_dg_stack.get()[-1]._cursor
    where = (tuple(cursor.parent_path), cursor.index) if cursor is not None else None
    rev, old_where, base, key_spec = _sent().get(key, (0, None, 0, None))
    rev += 1
    if (key_spec is None or where != old_where or rev - base >= KEYFRAME_EVERY or ctx is None
            or not ctx.fragment_ids_this_run):
        _sent()[key] = (rev, where, rev, copy.deepcopy(spec))
        return {"figure": _json(spec), "rev": rev}
    _sent()[key] = (rev, where, base, key_spec)
    traces = [(i, *change) for i, t in enumerate(spec["data"])
              if (change := _patch(key_spec["data"][i] if i < len(key_spec["data"]) else None, t)) is not None]
    layout = None if _same(key_spec["layout"], spec["layout"]) else spec["layout"]
    return {"patch": _json({"rev": rev, "base": base, "n": len(spec["data"]), "traces": traces, "layout": layout})}


def _patch(old, new):
    """How trace `new` follows from `old`: None (unchanged), ("extend", {name: new tail}) when its arrays only
    grew at the end, else ("set", new)."""
    if old is None or old.keys() != new.keys():
        return "set", new
    tails = {}
    for name, v in new.items():
        o = old[name]
        if isinstance(v, (np.ndarray, list, tuple)) and isinstance(o, (np.ndarray, list, tuple)):
            a, b = np.asarray(o), np.asarray(v)
            if _same(a, b):
                continue
            if a.ndim == b.ndim == 1 and len(b) > len(a) and _same(a, b[:len(a)]):
                tails[name] = b[len(a):]
                continue
            return "set", new
        if not _same(o, v):
            return "set", new
    if len({len(t) for t in tails.values()}) > 1:
        return "set", new
    return ("extend", tails) if tails else None


def _same(a, b):
    """a == b for figure values (numpy arrays compared by value, nan equal to nan); False when undecidable."""
    try:
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            return np.array_equal(a, b, equal_nan=np.asarray(a).dtype.kind in "fc")
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def live_latex(lines, key):
    """Typeset each TeX line as display maths under `key`; later reruns re-typeset only changed lines."""
    if not _KATEX:  # a Streamlit without its KaTeX module where we look for it
        for line in lines:
            st.latex(line)
        return
    _latex(key=key, data={"lines": list(lines), "src": f"static/js/{_KATEX[-1].name}"})


def shown(element):
    """What a live element shows, for tests: {"figure": Plotly JSON} or {"lines": [TeX, …]}."""
    data = json.loads(element.proto.json)
    if "figure" in data:
        return {"figure": json.loads(data["figure"])}
    return {"lines": data["lines"]} if "lines" in data else {}  # {}: another custom element (ui/controls)


def clickable(fig, xaxis):
    """`fig` (plain dicts) whose subplot on `xaxis` (e.g. "x2") reports clicks and taps to live_chart's on_click."""
    return _with_meta(fig, rz_click_axis=xaxis)


def described(fig, alt=None, min_width=0, table=None):
    """`fig` (plain dicts or a go.Figure) with what a live chart reads besides the figure, in its layout's
    `meta`: `alt`, words a screen reader hears after the chart's title, axes and series (ui/theme.py labels
    every chart with those); `min_width` (px), below which the chart keeps that width and scrolls sideways in its box (a phone);
    `table` = (x heading, trace field[, caption]): a "Data table" under the chart, a row per x, a column per
    named trace holding that field (e.g. "text": the numbers its hover shows; "y", to 4 figures), built in the
    browser.

        live_chart(described(figures.unrolled(…), alt="…", min_width=480), key="diagram")"""
    spec = None if table is None else dict(zip(("x", "field", "caption"), table))
    return _with_meta(fig, rz_alt=alt, rz_min_width=min_width, rz_table=spec)


def _with_meta(fig, **entries):
    """`fig` (plain dicts or a go.Figure) with entries added to its layout's `meta`, where CHART_JS reads what
    is not Plotly's own."""
    if not isinstance(fig, dict):
        fig.layout.meta = {**(fig.layout.meta or {}), **entries}
        return fig
    fig["layout"] = {**fig["layout"], "meta": {**fig["layout"].get("meta", {}), **entries}}
    return fig
