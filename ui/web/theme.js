
function rgb(text) {  // '#rrggbb', '#rgb' or 'rgb(a)(r, g, b[, a])' → [r, g, b]
  const t = text.trim();
  if (t.startsWith('#')) {
    const h = t.length === 4 ? [...t.slice(1)].map(c => c + c).join('') : t.slice(1, 7);
    return [0, 2, 4].map(i => parseInt(h.slice(i, i + 2), 16));
  }
  return (t.match(/[\d.]+/g) || [255, 255, 255]).slice(0, 3).map(Number);
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
  .replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
function describe(gd) {  // 'Chart: <title>. Axes: …. Series: …' (+ the page's own words)
  const L = gd.layout || {}, parts = [];
  const kinds = [...new Set((gd.data || []).map(d => d.type || 'scatter'))];
  const title = strip(L.title);
  parts.push((kinds.includes('heatmap') ? 'Heatmap' : 'Chart') + (title ? ': ' + title : ''));
  const axes = Object.keys(L).filter(k => /^[xy]axis\d*$/.test(k)).sort()
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
    const label = describe(gd).replace(/\.?$/, points(gd).length ? '. Focus it, then arrow keys read each point.' : '');
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
  text.replaceChildren(...node.dataset.formula.split('\n').map((line, i) => {
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
