"""The app's light/dark look, focus ring, focus after a button acts, chart labels: one element, in app.py.

    theme.install()   # once per run, in app.py: an element with no box

Streamlit picks the theme (the browser's light/dark preference, or its Settings menu; .streamlit/config.toml
sets the two) and gives custom elements CSS variables (`--st-text-color`, `--st-background-color`, …). Everything
drawn here takes its colours from them: this element's script marks the page `<html data-rz-theme="light|dark">`
and keeps `window.rzTheme` ({dark, text, bg} as [r, g, b]) for ui/live.py's charts, and tells them when the
theme changes (a `rz-theme` event: a CSS transition on a colour that follows `--st-text-color` notices the
switch). Its stylesheet gives every control a focus ring in the text colour (≥ 3:1 on either background),
colours code (ui/code.py's listings and st.code's tokens) from a palette per theme with ≥ 4.5:1 contrast,
and lifts captions, disabled labels and text in the primary colour to ≥ 4.5:1. Its script keeps focus on
a control that a rerun disables or draws again (Play → Pause); labels every Plotly chart for screen readers
(role figure, an aria-label built from its title, axes and series, plus what its page adds through
ui.live.live_chart's `alt`); shrinks st.latex maths wider than a phone's column (to 60 %, ≥ 11.6 px: beyond
that it scrolls in its own box; ui/live.py's live_latex lines wrap first) and makes every box that scrolls
sideways focusable, so a keyboard can scroll it. Per-node formulas without a mouse: a live chart with hover
labels takes focus and its arrow keys walk the points, each label drawn as on hover and read out (a live
region); the home page's call trees (ui/recursion.py) show a node's formula while it has focus (Tab, then
arrow keys; a tap or a click) or the pointer. (Streamlit's own "Skip to main content" link is the first tab stop.)
"""
import streamlit as st

THEME_CSS = """
[class*="st-key-rnnviz_theme"] { position: absolute; width: 0; height: 0; overflow: hidden; }
.rz-theme { color: var(--st-text-color); transition: color 1ms; }  /* a theme switch fires its transition */
/* a focus ring in the text colour: ≥ 3:1 against the page in both themes */
:is(a, button, input, select, textarea, summary, [tabindex], [role="slider"], [role="radio"]):focus-visible {
  outline: 2px solid var(--rz-text, currentColor) !important; outline-offset: 2px; }
/* Streamlit draws captions at opacity 0.6: 3.8:1 on its light background; 0.78 is ≥ 5:1 in both themes */
html [data-testid="stCaptionContainer"] { opacity: 0.78; }
/* text in the primary colour (a slider's value, a picked segment) mixed toward the text colour: ≥ 4.5:1 in both themes, where
   the primary itself is 3.5:1 on the dark background (and must stay dark enough for white text on it) */
html :is([data-testid="stSliderThumbValue"], [data-testid="stButtonGroup"] [data-selected="true"] p) {
  color: color-mix(in srgb, var(--rz-primary) 60%, var(--rz-text)); }
/* a disabled widget's label: Streamlit's 2.3:1 is below what a learner can read; still lighter than enabled */
html [data-testid="stWidgetLabel"][disabled] p { color: color-mix(in srgb, var(--rz-text) 70%, transparent); }
/* long maths scrolls inside its own box instead of widening the page (phones) */
html [data-testid="stMain"] .katex-display { overflow-x: auto; overflow-y: hidden; max-width: 100%; }
html [data-testid="stMain"] .katex-display > .katex { max-width: 100%; padding-right: 2px; }  /* KaTeX's subscript strut
   sticks out 2 px past the box (.vlist-s, offset by a -2px margin that scrolling does not count) */
/* a page link's label wraps instead of ending in "…"; a markdown table's cells are tighter on a phone */
[data-testid="stPageLink-NavLink"] :is(span, [data-testid="stMarkdownContainer"]) { white-space: normal; }
@media (max-width: 640px) { [data-testid="stMarkdownContainer"] :is(th, td) { padding: 6px 6px; }
  .rz-code { font-size: 13px !important; padding: 12px !important; } }  /* fewer wrapped code lines */
/* what a chart's point says, for screen readers only (its hover label shows it on screen) */
.rz-said { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
/* the home page's call trees (ui/recursion.py): side by side, stacked on a phone; a node's focus ring and its
   formula's tip in the theme's colours */
.rz-trees { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 0.5rem 2rem; }
.rz-trees > svg { flex: 1 1 300px; min-width: 0; height: auto; overflow: visible; }
.rz-node { cursor: pointer; outline: none; }
.rz-node:focus > circle { stroke: var(--rz-text, currentColor); stroke-width: 4; }
.rz-node:focus-visible > circle { stroke-width: 5; }
.rz-tip rect { fill: var(--rz-bg, #fff); stroke: var(--rz-text, currentColor); stroke-width: 1.5; }
.rz-tip text { fill: var(--rz-text, currentColor); font-size: 16px; }
.rz-legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1.5rem; justify-content: center; font-size: 0.9rem; margin: 0.3rem 0; }
.rz-dot { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 50%; margin-right: 0.4rem; vertical-align: -0.05rem; }
.rz-formulas { font-size: 0.9rem; margin-top: 0.3rem; }
.rz-formulas summary { cursor: pointer; }
/* code: one palette per theme, every token ≥ 4.5:1 on the code background */
html { --rz-keyword: #1a5fb4; --rz-number: #0b7a6a; --rz-comment: #696c78; --rz-operator: #b04a00;
  --rz-punctuation: #5f6370; }
html[data-rz-theme="dark"] { --rz-keyword: #7cb8ff; --rz-number: #5fd3bf; --rz-comment: #a9acb8;
  --rz-operator: #ffa45c; --rz-punctuation: #b3b6c2; }
.rz-code { background: var(--rz-code-bg, #f1f1f0); color: var(--rz-code-text, #2f2d2b); }
.rz-keyword, [data-testid="stCode"] .token:is(.keyword, .builtin, .function, .class-name) { color: var(--rz-keyword) !important; }
.rz-function { color: var(--rz-keyword); font-weight: bold; }
.rz-number, .rz-string, [data-testid="stCode"] .token:is(.number, .string, .boolean, .constant) { color: var(--rz-number) !important; }
.rz-comment, [data-testid="stCode"] .token.comment { color: var(--rz-comment) !important; font-style: italic; }
.rz-operator, [data-testid="stCode"] .token.operator { color: var(--rz-operator) !important; }
.rz-punctuation, [data-testid="stCode"] .token.punctuation { color: var(--rz-punctuation) !important; }
"""

THEME_JS = """
function rgb(text) {  // '#rrggbb', '#rgb' or 'rgb(a)(r, g, b[, a])' → [r, g, b]
  const t = text.trim();
  if (t.startsWith('#')) {
    const h = t.length === 4 ? [...t.slice(1)].map(c => c + c).join('') : t.slice(1, 7);
    return [0, 2, 4].map(i => parseInt(h.slice(i, i + 2), 16));
  }
  return (t.match(/[\\d.]+/g) || [255, 255, 255]).slice(0, 3).map(Number);
}
// Streamlit sets its theme's variables on each custom element's box only: the page-wide rules above get
// the ones they use as --rz-* on <html>
const SHARED = {'--rz-text': '--st-text-color', '--rz-bg': '--st-background-color', '--rz-primary': '--st-primary-color',
                '--rz-code-bg': '--st-code-background-color',
                '--rz-code-text': '--st-code-text-color'};
function read(el) {  // the theme Streamlit has drawn, from its CSS variables
  const css = getComputedStyle(el);
  for (const [ours, its] of Object.entries(SHARED))
    document.documentElement.style.setProperty(ours, css.getPropertyValue(its));
  const text = rgb(css.getPropertyValue('--st-text-color') || '#31333f');
  const bg = rgb(css.getPropertyValue('--st-background-color') || '#ffffff');
  const dark = (bg[0] * 0.299 + bg[1] * 0.587 + bg[2] * 0.114) < 128;
  const now = JSON.stringify([dark, text, bg]);
  if (window.rzTheme && window.rzTheme.key === now) return;
  window.rzTheme = {dark, text, bg, key: now};
  document.documentElement.dataset.rzTheme = dark ? 'dark' : 'light';
  document.dispatchEvent(new Event('rz-theme'));  // ui/live.py's charts redraw in the new colours
}

// A button that acts may disable itself (Play while training runs) or be drawn anew by the rerun: focus
// would fall to the page's body, and a keyboard user would start again from the top. It goes instead to the
// same control drawn again, else to the next enabled control in its row (Play → Pause).
let held = null;  // the focused control: its element, its element container's key, its place among the box's
const FOCUSABLE = 'button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])';
document.addEventListener('focusin', (e) => {
  const box = e.target.closest('[class*="st-key-"]');
  const key = box && [...box.classList].find(c => c.startsWith('st-key-'));
  held = key ? {el: e.target, key, at: [...box.querySelectorAll(FOCUSABLE)].indexOf(e.target)} : null;
});
const usable = (el) => el && el.isConnected && !el.disabled && el.getAttribute('aria-disabled') !== 'true';
function keepFocus() {
  const now = document.activeElement;
  if (!held || (now && now !== document.body && usable(now))) return;
  if (usable(held.el)) return;  // still there and enabled: the person moved focus away on purpose
  const box = document.querySelector('.' + CSS.escape(held.key));
  const again = box && box.querySelectorAll(FOCUSABLE)[held.at];
  const row = (box || held.el).closest('[data-testid="stHorizontalBlock"]');
  const next = usable(again) ? again : row && [...row.querySelectorAll(FOCUSABLE)].find(usable);
  if (next) next.focus();
}

const strip = (t) => String(t && typeof t === 'object' ? (t.text ?? '') : (t ?? ''))
  .replace(/<[^>]+>/g, ' ').replace(/\\s+/g, ' ').trim();
function describe(gd) {  // 'Chart: <title>. Axes: …. Series: …' (+ the page's own words)
  const L = gd.layout || {}, parts = [];
  const kinds = [...new Set((gd.data || []).map(d => d.type || 'scatter'))];
  const title = strip(L.title);
  parts.push((kinds.includes('heatmap') ? 'Heatmap' : 'Chart') + (title ? ': ' + title : ''));
  const axes = Object.keys(L).filter(k => /^[xy]axis\\d*$/.test(k)).sort()
    .map(k => [k[0], strip(L[k].title)]).filter(([, t]) => t).map(([a, t]) => `${a}: ${t}`);
  if (axes.length) parts.push('Axes: ' + axes.join('; '));
  const names = [...new Set((gd.data || []).map(d => strip(d.name)).filter(Boolean))];
  if (names.length) parts.push('Series: ' + names.slice(0, 10).join(', '));
  const more = gd.closest('[data-rz-alt]');
  if (more) parts.push(more.dataset.rzAlt);
  return parts.join('. ');
}
let queued = false;
function fit(box) {  // st.latex wider than its column (a phone): smaller, down to 60 %, before it scrolls
  const k = box.querySelector(':scope > .katex');
  if (!k || (!k.style.fontSize && box.scrollWidth <= box.clientWidth + 1)) return;  // (reads only, on a desktop)
  k.style.fontSize = '';
  const over = box.scrollWidth / box.clientWidth;
  if (over > 1.01) k.style.fontSize = (1.21 * Math.max(0.6, 1 / over)).toFixed(3) + 'em';  // KaTeX's 1.21em; ≥ 11.6 px
}
function label() {  // every chart described; maths fitted; a box that still scrolls sideways can take focus
  queued = false;
  document.querySelectorAll(':not(.live-latex *) > .katex-display').forEach(fit);  // (ui/live.py's lines wrap themselves)
  const wide = '.katex-display, .rz-code, [data-testid="stCode"] pre, .live-chart';
  document.querySelectorAll(wide).forEach(box => {
    // (written only when it changes: every write is a mutation of the chart, which would otherwise read as
    // a redraw 50 ms after each real one)
    const focusable = box.scrollWidth > box.clientWidth + 1 || points(box).length > 0;
    if (focusable && box.getAttribute('tabindex') !== '0') box.tabIndex = 0;
    else if (!focusable && box.getAttribute('tabindex') === '0') box.removeAttribute('tabindex');
  });
  document.querySelectorAll('.js-plotly-plot').forEach(gd => {
    const label = describe(gd).replace(/\\.?$/, points(gd).length ? '. Focus it, then arrow keys read each point.' : '');
    if (gd.getAttribute('aria-label') !== label) {
      gd.setAttribute('role', 'figure');  // (not img: st.plotly_chart's toolbar buttons are inside)
      gd.setAttribute('aria-label', label);
    }
  });
}
// The home page's call trees (ui/recursion.py): a node shows its formula in its tree's tip while it has
// focus (Tab, a tap, a click) or the pointer; arrow keys, Home and End walk a tree's nodes (one tab stop each)
function tip(node, on) {
  const svg = node.ownerSVGElement, box = svg && svg.querySelector(':scope > .rz-tip');
  if (!box) return;
  box.setAttribute('visibility', on ? 'visible' : 'hidden');
  if (!on) return;
  const [rect, text] = box.children, NS = 'http://www.w3.org/2000/svg';
  text.replaceChildren(...node.dataset.formula.split('\\n').map((line, i) => {
    const span = document.createElementNS(NS, 'tspan');
    Object.entries({x: 10, dy: i ? '1.3em' : '1.2em'}).forEach(([k, v]) => span.setAttribute(k, v));
    span.textContent = line;
    return span;
  }));
  const b = text.getBBox(), w = b.width + 20, h = b.height + 14, c = node.querySelector('circle');
  const [W, H] = svg.viewBox.baseVal ? [svg.viewBox.baseVal.width, svg.viewBox.baseVal.height] : [500, 300];
  const cx = Number(c.getAttribute('cx')), cy = Number(c.getAttribute('cy'));
  const x = Math.min(Math.max(cx - w / 2, 2), W - w - 2), y = cy + 20 + h <= H ? cy + 20 : cy - 20 - h;
  Object.entries({width: w, height: h}).forEach(([k, v]) => rect.setAttribute(k, v));
  box.setAttribute('transform', `translate(${x},${y})`);
}
const nodeOf = (e) => e.target.closest && e.target.closest('.rz-node');
document.addEventListener('focusin', (e) => { const n = nodeOf(e); if (n) tip(n, true); });
document.addEventListener('focusout', (e) => { const n = nodeOf(e); if (n) tip(n, false); });
document.addEventListener('mouseover', (e) => { const n = nodeOf(e); if (n) tip(n, true); });
document.addEventListener('mouseout', (e) => {
  const n = nodeOf(e);
  if (n && n !== document.activeElement) (n.ownerSVGElement.querySelector('.rz-node:focus') ? tip(document.activeElement, true) : tip(n, false));
});
document.addEventListener('keydown', (e) => {
  const n = nodeOf(e), step = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1}[e.key];
  if (!n || !(step || e.key === 'Home' || e.key === 'End')) return;
  const all = [...n.ownerSVGElement.querySelectorAll('.rz-node')], i = all.indexOf(n);
  const next = all[e.key === 'Home' ? 0 : e.key === 'End' ? all.length - 1 : (i + step + all.length) % all.length];
  e.preventDefault();
  all.forEach(m => m.setAttribute('tabindex', m === next ? '0' : '-1'));
  next.focus();
});

// A live chart's points by keyboard (ui/live.py's charts): it takes focus, and the arrow keys walk what
// hovering shows, ←/→ along a series (a heatmap's row), ↑/↓ to the next one, Home/End to its ends, Esc away;
// each point's hover label is drawn as for a mouse and read out by screen readers (a polite live region)
function points(gd) {  // [{c: trace, sub: its subplot, n: points, at: j → Plotly's pointNumber, x}], one per
  const out = [], L = gd._fullLayout;  // row, top to bottom as drawn (a diagram: y_t, its edges, h_t, …, x_t)
  if (!gd.classList.contains('live-chart') || !gd.calcdata || !L) return out;
  (gd._fullData || []).forEach((d, c) => {
    if (d.visible !== true || /^(skip|none)$/.test(d.hoverinfo || '')) return;
    const ya = L['yaxis' + (d.yaxis || 'y').slice(1)], sub = (d.xaxis || 'x') + (d.yaxis || 'y');
    const top = (v) => (ya && Number.isFinite(+v) ? ya._offset + ya.l2p(ya.d2l(+v)) : 0);
    if (d.type === 'heatmap') (gd.calcdata[c][0].z || []).forEach((row, r) =>
      out.push({c, sub, n: row.length, at: (j) => [r, j], x: null, top: top(d.y ? d.y[r] : (d.y0 || 0) + r * (d.dy || 1))}));
    else if (d._length) {
      const ys = Array.from(d.y || []).filter(Number.isFinite);
      out.push({c, sub, n: d._length, at: (j) => j, x: d.x, top: top(ys.reduce((a, b) => a + b, 0) / (ys.length || 1))});
    }
  });
  return out.sort((a, b) => a.top - b.top);
}
function nearest(row, x, j) {  // the point of `row` at (or nearest) x: ↑/↓ keep the step, not the index
  if (!row.x || x === undefined || x === null || typeof x !== 'number') return j;
  let best = 0;
  for (let i = 1; i < row.n; i++) if (Math.abs(row.x[i] - x) < Math.abs(row.x[best] - x)) best = i;
  return best;
}
function said(gd) {  // what the hover label shows, a line at a time
  return [...gd.querySelectorAll('.hoverlayer text')].map(t => {
    const lines = t.querySelectorAll('tspan.line');
    return lines.length ? [...lines].map(l => l.textContent).join(', ') : t.textContent;
  }).filter(Boolean).join('. ');
}
document.addEventListener('keydown', (e) => {
  const gd = e.target, move = {ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0]}[e.key];
  if (!gd.classList || !gd.classList.contains('live-chart') || !window.Plotly
      || !(move || ['Home', 'End', 'Escape'].includes(e.key))) return;
  const rows = points(gd);
  if (!rows.length) return;
  e.preventDefault();
  if (e.key === 'Escape') { window.Plotly.Fx.unhover(gd); gd.__at = null; return; }
  let [l, j] = gd.__at || [0, -1];
  if (!gd.__at) j = 0;  // the first key shows the first point
  else if (e.key === 'Home') j = 0;
  else if (e.key === 'End') j = Infinity;
  else if (move[0]) {
    const from = rows[Math.min(l, rows.length - 1)];
    l = Math.min(Math.max(l + move[0], 0), rows.length - 1);
    j = nearest(rows[l], from.x ? from.x[j] : null, j);
  } else j += move[1];
  l = Math.min(Math.max(l, 0), rows.length - 1);
  j = Math.min(Math.max(j, 0), rows[l].n - 1);
  gd.__at = [l, j];
  window.Plotly.Fx.hover(gd, [{curveNumber: rows[l].c, pointNumber: rows[l].at(j)}], rows[l].sub);
  let region = gd.parentElement.querySelector(':scope > .rz-said');
  if (!region) {
    region = gd.parentElement.appendChild(Object.assign(document.createElement('div'), {className: 'rz-said'}));
    region.setAttribute('role', 'status');
  }
  setTimeout(() => { region.textContent = said(gd); }, 60);  // (plotly draws the label within its 50 ms throttle)
});

const charts = new MutationObserver(() => {
  keepFocus();
  if (!queued) { queued = true; setTimeout(label, 50); }
});

export default function ({ parentElement }) {
  let mark = parentElement.querySelector(':scope > .rz-theme');
  if (!mark) {
    mark = parentElement.appendChild(Object.assign(document.createElement('span'), {className: 'rz-theme'}));
    mark.addEventListener('transitionend', () => read(mark));
    charts.observe(document.body, {childList: true, subtree: true});
  }
  read(mark);
  label();
}
"""

_theme = st.components.v2.component("rnnviz.theme", js=THEME_JS, css=THEME_CSS, isolate_styles=False)


def install():
    """Mount the element (again on every full run; it keeps its state in the browser)."""
    _theme(key="rnnviz_theme", data={})
