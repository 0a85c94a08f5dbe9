
let loading = null;
// Streamlit's KaTeX module is 0.18, its stylesheet 0.16's, which names three classes without the prefix
const OLD_NAMES = {'katex-base': 'base', 'katex-strut': 'strut', 'katex-sizing': 'sizing'};
function render(katex, tex, into) {
  katex.render(tex, into, {displayMode: true, throwOnError: false, output: 'html'});
  for (const [now, then] of Object.entries(OLD_NAMES))
    into.querySelectorAll('.' + now).forEach(e => e.classList.replace(now, then));
}
// A line wider than its box (a phone) wraps: first between its equations (after a top-level \quad or
// \qquad), then, for an equation still too wide, before its relations (=, \le, …); top level means outside
// every {…}, \left…\right and \begin…\end. Pieces are packed greedily into rows, each row after the first
// indented; a row still too wide is set smaller, down to SMALLEST of the display size (≥ 11.6 px), and only
// beyond that scrolls in its own box.
const RELATIONS = new Set(['le', 'leq', 'ge', 'geq', 'approx', 'leftarrow', 'to', 'ne', 'equiv']);
const SMALLEST = 0.6;
function split(tex, at) {  // at 'quad': after each top-level \quad/\qquad (dropped); at 'rel': before each relation
  const out = [];
  let depth = 0, start = 0;
  const cut = (i, next) => { if (tex.slice(start, i).trim()) { out.push(tex.slice(start, i).trim()); start = next; } };
  for (let i = 0; i < tex.length; i++) {
    const c = tex[i];
    if (c === '\\') {
      const name = /^\\([a-zA-Z]+|.)/.exec(tex.slice(i))[1];
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
  pack(split(tex, 'quad'), ' \\quad ');  // equations, as many a row as fit
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
