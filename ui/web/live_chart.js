
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
