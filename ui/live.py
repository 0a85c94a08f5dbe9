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

CHART_JS = """
let loading = null;
function plotly(src) {  // one <script> per page, shared by every live chart
  return loading ??= window.Plotly ? Promise.resolve() : new Promise((ok, fail) => {
    const s = document.createElement('script');
    s.src = src; s.onload = ok; s.onerror = fail;
    document.head.appendChild(s);
  });
}
// A chart scrolled out of sight keeps its last drawing until it comes back into view (or near it), then
// draws the newest figure once: a slider move redraws only the charts somebody can see.
const sight = new IntersectionObserver((entries) => {
  for (const {target: el, isIntersecting} of entries) {
    el.__inSight = isIntersecting;
    if (isIntersecting && el.__pending) { el.__pending = false; el.__trigger('stale', true); }  // see below
    if (isIntersecting && el.__stale && window.Plotly) draw(el);
  }
}, {rootMargin: '200px'});
// {chart key: in sight?} of the charts drawn on the page: a control's move sends it along (ui/controls.py), and
// the run it starts keeps back the figures of the charts out of sight (live_chart), which ask for theirs
// (a rerun) when they come into view
window.rzSight = () => Object.fromEntries([...document.querySelectorAll('.live-chart')]
  .filter(el => el.__name && el.__drawn).map(el => [el.__name, el.__inSight !== false]));
function update(el) {  // draw now, or when it is next in sight; the first drawing is never put off
  if (el.__drawn && el.__inSight === false) el.__stale = true;
  else draw(el);
}
function themed(look) {  // LOOK's text, grid and hover colours from the theme on screen (ui/theme.py)
  const {text, bg} = window.rzTheme || {text: [49, 51, 63], bg: [255, 255, 255]};
  const ink = (a) => `rgba(${text.join(',')},${a})`;
  look.font.color = ink(0.75);
  look.title.font.color = ink(1);
  look.legend.font.color = ink(0.9);
  for (const axis of [look.xaxis, look.yaxis]) {
    axis.tickfont.color = axis.title.font.color = ink(0.75);
    axis.gridcolor = axis.zerolinecolor = axis.tickcolor = ink(0.13);
    axis.linecolor = ink(0.4);
  }
  Object.assign(look.hoverlabel, {bgcolor: `rgb(${bg.join(',')})`, bordercolor: ink(0.35)});
  look.hoverlabel.font.color = ink(1);
}
// Every live chart redraws in the new colours when the theme switches (ui/theme.py's event)
document.addEventListener('rz-theme', () => document.querySelectorAll('.live-chart').forEach(el => {
  if (el.__drawn && window.Plotly) update(el);
}));
function draw(el) {  // Plotly.react with the newest figure, at the width the ResizeObserver last saw
  const {figure, config} = el.__next;
  themed(figure.layout.template.layout);
  // a figure's white plot area (drawn for the light theme) is the page's background, light or dark
  if (/^(white|#fff(fff)?)$/i.test(figure.layout.plot_bgcolor || '')) delete figure.layout.plot_bgcolor;
  const {rz_alt: alt, rz_min_width: minWidth = 0} = figure.layout.meta || {};  // see described()
  if (alt) el.dataset.rzAlt = alt; else delete el.dataset.rzAlt;  // ui/theme.py's chart label adds it
  // (reading clientWidth here would force a layout of the whole page); narrower than the figure's least
  // width (a phone), it keeps that width and scrolls sideways in its own box
  figure.layout.width = Math.max(el.__width, minWidth);
  fold(figure, figure.layout.width);
  el.style.overflowX = minWidth > el.__width ? 'auto' : '';
  // on a phone's width plotly's toolbar would sit over the chart's title: no toolbar there
  const cfg = el.__width < 640 ? {...config, displayModeBar: false} : config;
  // the config only when it changed: given one, Plotly.react rebuilds and compares the plot's whole
  // context (a deep copy of plotly's defaults), ~12 ms a draw here for a config that never changes
  const text = JSON.stringify(cfg);
  const drawn = window.Plotly.react(el, figure.data, figure.layout, ...(text === el.__config ? [] : [cfg]));
  el.__config = text;
  el.__clickAxis = (figure.layout.meta || {}).rz_click_axis;  // see clickable()
  if (el.__clickAxis && !el.__clicks) {
    el.__clicks = true;
    drawn.then(() => el.on('plotly_click', (ev) => {  // a click or a tap on that axis's subplot: its x, rounded
      const p = (ev.points || []).find((p) => p.xaxis && p.xaxis._id === el.__clickAxis);
      if (p && el.__trigger) el.__trigger('click', Math.round(p.x));
    }));
  }
  dataTable(el, figure);
  el.__drawn = true;
  el.__stale = false;
}
function fold(figure, width) {  // a title line wider than the chart (a phone): broken at a space
  const t = figure.layout.title, text = typeof t === 'string' ? t : t && t.text;
  const most = Math.floor((width - 16) / 8.5);  // characters of the 16 px title a line holds
  if (!text) return;
  const lines = text.split('<br>').flatMap((line) => {  // (a line with markup in it is left as it is)
    const cut = line.lastIndexOf(' ', most);
    return line.length <= most || line.includes('<') || cut <= 0 ? [line] : [line.slice(0, cut), line.slice(cut + 1)];
  });
  if (lines.join('<br>') === text) return;
  const title = {...(typeof t === 'string' ? {} : t), text: lines.join('<br>')};
  const margin = figure.layout.margin || {};
  figure.layout = {...figure.layout, title, margin: {...margin, t: Math.max(margin.t ?? 80, 24 + 20 * lines.length)}};
}
// A chart's numbers as a table under it (described()'s `table`), in a "Data table" disclosure: built only
// while it is open, from the figure's own per-point text, so a rerun costs nothing more
function dataTable(el, figure) {
  const spec = (figure.layout.meta || {}).rz_table;
  let box = el.parentElement.querySelector(':scope > .rz-data');
  if (!spec) { if (box) box.remove(); return; }
  if (!box) {
    box = el.parentElement.appendChild(document.createElement('details'));
    box.className = 'rz-data';
    box.innerHTML = '<summary>Data table</summary>';
    box.addEventListener('toggle', () => { if (box.open) fill(box); });
  }
  box.__next = {spec, figure};
  if (box.open) fill(box);
}
function fill(box) {  // a row per x (every x of any named trace), a column per named trace
  const {spec: {x: head, field, caption}, figure} = box.__next;
  const traces = figure.data.filter(d => d[field] && d.name);
  const show = (v) => typeof v !== 'number' ? String(v ?? '') : !Number.isFinite(v) ? '—'
    : String(Number.isInteger(v) ? v : +v.toPrecision(4));  // (an epoch stays 12345; −0 prints 0)
  const rows = new Map();  // x → [each trace's value there]
  traces.forEach((d, c) => {
    const xs = plain(d.x), vs = plain(d[field]);
    xs.forEach((x, i) => {
      if (!rows.has(x)) rows.set(x, traces.map(() => ''));
      rows.get(x)[c] = show(vs[i]);
    });
  });
  const cell = (tag, text, scope) => Object.assign(document.createElement(tag), {textContent: text, ...(scope && {scope})});
  const table = document.createElement('table');
  if (caption) table.createCaption().textContent = caption;
  table.createTHead().insertRow().append(...[head, ...traces.map(d => d.name)].map(t => cell('th', t, 'col')));
  const body = table.createTBody();
  const xs = [...rows.keys()];
  if (xs.every(x => typeof x === 'number')) xs.sort((a, b) => a - b);
  for (const x of xs) body.insertRow().append(cell('th', show(x), 'row'), ...rows.get(x).map(v => cell('td', v)));
  box.replaceChildren(box.querySelector('summary'), table);
}
// plotly's JSON keeps a numpy array as {dtype, bdata: base64}: a plain array, to append a patch's points to
const TYPED = {f8: Float64Array, f4: Float32Array, i1: Int8Array, u1: Uint8Array, i2: Int16Array,
               u2: Uint16Array, i4: Int32Array, u4: Uint32Array};
function plain(a) {
  if (!a || !a.bdata) return a || [];
  const bytes = Uint8Array.from(atob(a.bdata), c => c.charCodeAt(0));
  return Array.from(new TYPED[a.dtype](bytes.buffer));
}
function patched(figure, patch) {  // the figure a patch describes: traces set, extended or kept, maybe a new layout
  const data = figure.data.slice(0, patch.n);
  for (const [i, op, trace] of patch.traces) {
    if (op === 'set') { data[i] = trace; continue; }
    const t = {...data[i]};  // a new object with new arrays: Plotly.react redraws only the traces that changed
    for (const [k, tail] of Object.entries(trace)) t[k] = plain(t[k]).concat(plain(tail));
    data[i] = t;
  }
  return {data, layout: patch.layout || figure.layout};
}
export default function ({ parentElement, data, setTriggerValue }) {
  let el = parentElement.querySelector(':scope > .live-chart');
  if (el) el.__trigger = setTriggerValue;
  if (!el) {
    el = document.createElement('div');
    el.className = 'live-chart';
    el.__trigger = setTriggerValue;
    parentElement.appendChild(el);
    new ResizeObserver(([entry]) => {  // fires once on observe, then on every width change
      const width = Math.round(entry.contentRect.width);
      if (width === el.__width) return;
      el.__width = width;
      if (el.__next && window.Plotly) update(el);
    }).observe(el);
    sight.observe(el);
  }
  el.__name = data.key;
  if (data.pending) {  // out of sight when the run began: the server kept this figure back
    el.__pending = true;
    if (el.__inSight) { el.__pending = false; setTriggerValue('stale', true); }  // in view by now: ask for it
    return;
  }
  el.__pending = false;
  let figure;
  if (data.patch) {  // what changed since the last whole figure sent (React may skip a render in between)
    const patch = JSON.parse(data.patch);
    if (el.__rev === patch.rev) return;  // already applied
    if (el.__key?.rev !== patch.base) {  // never saw the figure the patch builds on: ask for a whole one
      setTriggerValue('stale', true);
      return;
    }
    figure = patched(el.__key.figure, patch);
    el.__rev = patch.rev;
    el.__text = null;
  } else {
    // the figure drawn last, sent again (a rerun that changed other things): nothing to parse or draw
    const same = data.figure === el.__text;
    el.__text = data.figure;
    el.__rev = data.rev;
    // a patchable chart keeps the whole figure its patches build on, a copy (draw() sets figure.layout.width)
    if (data.rev !== undefined) el.__key = same ? {...el.__key, rev: data.rev} : {rev: data.rev, figure: JSON.parse(data.figure)};
    if (same) return;
    figure = JSON.parse(data.figure);
  }
  el.style.minHeight = (figure.layout.height || 450) + 'px';
  el.__next = {figure, config: data.config};
  plotly(data.src).then(() => { if (el.__width) update(el); });
}
"""

LATEX_JS = """
let loading = null;
// Streamlit's KaTeX module is 0.18, its stylesheet 0.16's, which names three classes without the prefix
const OLD_NAMES = {'katex-base': 'base', 'katex-strut': 'strut', 'katex-sizing': 'sizing'};
function render(katex, tex, into) {
  katex.render(tex, into, {displayMode: true, throwOnError: false, output: 'html'});
  for (const [now, then] of Object.entries(OLD_NAMES))
    into.querySelectorAll('.' + now).forEach(e => e.classList.replace(now, then));
}
// A line wider than its box (a phone) wraps: first between its equations (after a top-level \\quad or
// \\qquad), then, for an equation still too wide, before its relations (=, \\le, …); top level means outside
// every {…}, \\left…\\right and \\begin…\\end. Pieces are packed greedily into rows, each row after the first
// indented; a row still too wide is set smaller, down to SMALLEST of the display size (≥ 11.6 px), and only
// beyond that scrolls in its own box.
const RELATIONS = new Set(['le', 'leq', 'ge', 'geq', 'approx', 'leftarrow', 'to', 'ne', 'equiv']);
const SMALLEST = 0.6;
function split(tex, at) {  // at 'quad': after each top-level \\quad/\\qquad (dropped); at 'rel': before each relation
  const out = [];
  let depth = 0, start = 0;
  const cut = (i, next) => { if (tex.slice(start, i).trim()) { out.push(tex.slice(start, i).trim()); start = next; } };
  for (let i = 0; i < tex.length; i++) {
    const c = tex[i];
    if (c === '\\\\') {
      const name = /^\\\\([a-zA-Z]+|.)/.exec(tex.slice(i))[1];
      if (name === 'left' || name === 'begin') depth++;
      else if (name === 'right' || name === 'end') depth--;
      else if (depth === 0 && at === 'quad' && (name === 'quad' || name === 'qquad')) cut(i, i + name.length + 1);
      else if (depth === 0 && at === 'rel' && RELATIONS.has(name)) cut(i, i);
      i += name.length;
    } else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (depth === 0 && at === 'rel' && c === '=') cut(i, i);
  }
  if (tex.slice(start).trim()) out.push(tex.slice(start).trim());
  return out;
}
const wide = (row) => { const d = row.querySelector('.katex-display'); return d && d.scrollWidth > d.clientWidth + 1; };
function shrink(row) {  // a row still too wide: smaller, not below SMALLEST
  const d = row.querySelector('.katex-display'), k = d && d.querySelector(':scope > .katex');
  if (k && d.scrollWidth > d.clientWidth + 1)
    k.style.fontSize = (1.21 * Math.max(SMALLEST, d.clientWidth / d.scrollWidth)).toFixed(3) + 'em';
}
function wrap(line, tex, katex) {  // the line's TeX as rows that fit its box (see above)
  if (split(tex, 'quad').length === 1 && split(tex, 'rel').length === 1) { shrink(line); return; }  // no place to break
  line.classList.add('rz-wrapped');
  line.replaceChildren();
  const made = new Map();  // each row typeset once: TeX (+ indented or not) → its element
  const row = (t, more) => {
    const key = (more ? '+' : '') + t;
    let r = made.get(key);
    if (!r) {
      r = document.createElement('div');
      if (more) r.className = 'rz-more';
      render(katex, t, r);
      made.set(key, r);
    }
    return line.appendChild(r);
  };
  const rows = [];
  const fits = (t) => { const r = row(t, rows.length > 0); const ok = !wide(r); r.remove(); return ok; };
  function pack(parts, sep) {  // greedy: a piece joins the row while the row fits (an equation's left side
    let text = '';            // always keeps its first relation: i_2 alone on a row says nothing)
    for (const [i, part] of parts.entries()) {
      if (text && !(sep === ' ' && i === 1) && !fits(text + sep + part)) { rows.push(text); text = part; }
      else text = text ? text + sep + part : part;
    }
    if (text) rows.push(text);
  }
  pack(split(tex, 'quad'), ' \\\\quad ');  // equations, as many a row as fit
  for (const t of rows.splice(0)) {  // an equation wider than the box: at its relations
    if (fits(t)) rows.push(t); else pack(split(t, 'rel'), ' ');
  }
  rows.forEach((t, i) => shrink(row(t, i > 0)));
}
function typeset(box, katex) {  // re-typeset a line only when its TeX changed (or its box's width did)
  const lines = box.__lines, changed = [];
  while (box.children.length > lines.length) box.lastChild.remove();
  lines.forEach((tex, i) => {
    const line = box.children[i] || box.appendChild(document.createElement('div'));
    if (line.__tex === tex) return;
    line.classList.remove('rz-wrapped');
    render(katex, tex, line);
    line.setAttribute('role', 'math');
    line.setAttribute('aria-label', tex);  // for screen readers, instead of KaTeX's MathML copy (a third of the nodes)
    line.__tex = tex;
    changed.push(line);
  });
  changed.filter(wide).forEach(line => wrap(line, line.__tex, katex));  // (one layout read when none is too wide)
}
// Lines scrolled out of sight keep their last typesetting until they come back into view (or near it), as
// the live charts do: the BPTT page's seed-003 lines at the bottom cost ~25 ms of KaTeX a move at H = 8.
let KaTeX = null;
const sight = new IntersectionObserver((entries) => {
  for (const {target: box, isIntersecting} of entries) {
    box.__inSight = isIntersecting;
    if (isIntersecting && box.__stale && KaTeX) update(box);
  }
}, {rootMargin: '200px'});
function update(box) {  // typeset now, or when next in sight; the first typesetting is never put off
  if (box.__typeset && box.__inSight === false) { box.__stale = true; return; }
  typeset(box, KaTeX);
  box.__typeset = true;
  box.__stale = false;
  if (document.fonts.status === 'loading' && !box.__fonts) {  // measured in a fallback font: wrap again in KaTeX's
    box.__fonts = document.fonts.ready.then(() => {  // once, in sight or not
      for (const line of box.children) line.__tex = null;
      typeset(box, KaTeX);
    });
  }
}
const resized = new ResizeObserver((entries) => {  // a new width (a phone turned): wrap every line again
  for (const {target: box, contentRect} of entries) {
    const width = Math.round(contentRect.width);
    if (box.__width !== undefined && width !== box.__width && KaTeX) {
      for (const line of box.children) line.__tex = null;
      update(box);
    }
    box.__width = width;
  }
});
export default function ({ parentElement, data }) {
  let box = parentElement.querySelector(':scope > .live-latex');
  if (!box) {
    box = document.createElement('div');
    box.className = 'live-latex';
    parentElement.appendChild(box);
    sight.observe(box);
    resized.observe(box);
  }
  box.__lines = data.lines;
  (loading ??= import(new URL(data.src, document.baseURI).href))
    // in a task of its own: the charts drawn in this same update reach the screen first (a KaTeX pass over
    // an H = 8 step's matrices is tens of ms), and the lines follow a frame later
    .then(({default: katex}) => { KaTeX = katex; setTimeout(() => update(box), 0); });
}
"""
LATEX_CSS = """  /* spaced like consecutive st.latex elements */
.live-latex { contain: content; }
.live-latex .katex-display { overflow-x: auto; overflow-y: hidden; margin: 0; }
.live-latex > div { padding-top: 1rem; }
.live-latex > div + div { padding-top: 2rem; }
.live-latex > .rz-wrapped .katex-display > .katex { text-align: left; }
.live-latex > .rz-wrapped > .rz-more { padding: 0.4rem 0 0 1.5em; }  /* a wrapped line's continuation */
"""

CHART_CSS = """  /* a chart's data table (described()'s `table`): the theme's colours, numbers in columns */
.rz-data { font-size: 0.85rem; margin: 0.25rem 0 0.75rem; color: var(--st-text-color); }
.rz-data summary { cursor: pointer; width: fit-content; }
.rz-data table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin-top: 0.4rem; }
.rz-data caption { text-align: left; padding-bottom: 0.3rem; }
.rz-data :is(th, td) { padding: 0.15rem 0.6rem; text-align: right;
  border-bottom: 1px solid color-mix(in srgb, var(--st-text-color) 20%, transparent); }
"""
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
