"""Several sliders (and choices) as ONE page element: the sidebar's controls and the step-through controls.

    values = controls.panel(["gain_W_xh", "gain_W_hh", "b_y"], key="model_panel", container=box)
    H = controls.panel(["H"], key="h_panel", container=sb)["H"]   # a choice field: radio buttons
    t = controls.stepper("t", key="stepper", every=0.8, hi=T)   # ◀ slider ▶ and Play, one element

A Streamlit slider, radio or segmented control is a heavy React component that the browser renders
again on every rerun that redraws it, unchanged or not (measured with benchmarks/bench_slider_ab.py: the
model's five sliders and the four step controls as two of these elements, paired p50 ratio 0.93; plain
static elements moved out of the weight fragment, no change). These are components-v2 elements (no
iframe) drawing native `<input type="range">`s, radio buttons and `<select>`s: a panel of N controls
costs one element. The values still live in ui/state (session state, URL, validation, notices): the
panel shows them and reports a user's change through a trigger, whose callback writes the one field
that moved (state.set) before the rerun, so a value set from Python (a gradient step, a link) moves the
slider the same way it moves a widget.

For every learner: each label is tied to its input, and a field's help is a "?" button that opens the text
under the label (click, tap, Enter or Space; Esc closes) and is the input's aria-describedby, so a screen
reader reads it with the slider. Colours come from the theme's CSS variables (light or dark); ui/theme.py
draws the focus ring. A panel with narrow=True shows on phones only, pinned at the top of the page.

AppTest cannot press a custom element: tests/apptest_util.move does what the trigger's callback does
(state.set) and reruns; the browser tests press the real sliders.
"""
import math
from functools import partial

import streamlit as st

from ui import state

CSS = """
.rz-panel { display: flex; flex-direction: column; gap: 0.9rem; font-family: inherit; }
.rz-field { display: flex; flex-direction: column; gap: 0.15rem; }
/* colours from the theme's CSS variables (light or dark); greys as the text colour at an alpha that keeps
   text ≥ 4.5:1 and lines ≥ 3:1 on either background */
.rz-head { display: flex; align-items: center; justify-content: space-between; gap: 0.5rem;
  font-size: 0.875rem; color: var(--st-text-color); }
.rz-name { display: flex; align-items: center; gap: 0.3rem; }
.rz-help { display: inline-flex; width: 1.5rem; height: 1.5rem; padding: 0; border-radius: 50%; align-items: center;
  justify-content: center; font: inherit; font-size: 0.75rem; line-height: 1; cursor: pointer; background: transparent;
  color: color-mix(in srgb, var(--st-text-color) 80%, transparent);
  border: 1px solid color-mix(in srgb, var(--st-text-color) 55%, transparent); }
.rz-help[aria-expanded="true"] { background: var(--st-text-color); color: var(--st-background-color); }
.rz-tip { font-size: 0.8rem; line-height: 1.35; padding: 0.35rem 0.55rem; border-radius: 0.4rem;
  background: var(--st-background-color); color: var(--st-text-color);
  border: 1px solid color-mix(in srgb, var(--st-text-color) 40%, transparent); }
.rz-value { color: color-mix(in srgb, var(--st-primary-color) 60%, var(--st-text-color)); font-variant-numeric: tabular-nums; font-size: 0.875rem; }
.rz-range { -webkit-appearance: none; appearance: none; width: 100%; height: 1.25rem; margin: 0;
  background: transparent; cursor: pointer; --fill: 50%; }
.rz-range::-webkit-slider-runnable-track { height: 0.25rem; border-radius: 0.25rem;
  background: linear-gradient(to right, var(--st-primary-color) var(--fill),
                              color-mix(in srgb, var(--st-text-color) 35%, transparent) var(--fill)); }
.rz-range::-webkit-slider-thumb { -webkit-appearance: none; width: 0.875rem; height: 0.875rem; margin-top: -0.3125rem;
  border-radius: 50%; background: var(--st-primary-color); border: none; }
.rz-range:focus-visible::-webkit-slider-thumb { box-shadow: 0 0 0 2px var(--st-background-color), 0 0 0 4px var(--st-text-color); }
.rz-range::-moz-range-track { height: 0.25rem; border-radius: 0.25rem;
  background: color-mix(in srgb, var(--st-text-color) 35%, transparent); }
.rz-range::-moz-range-progress { height: 0.25rem; border-radius: 0.25rem; background: var(--st-primary-color); }
.rz-range::-moz-range-thumb { width: 0.875rem; height: 0.875rem; border-radius: 50%; border: none;
  background: var(--st-primary-color); }
.rz-ends { display: flex; justify-content: space-between; font-size: 0.75rem;
  color: color-mix(in srgb, var(--st-text-color) 75%, transparent); font-variant-numeric: tabular-nums; }
.rz-number { font: inherit; font-size: 0.875rem; padding: 0.35rem 0.6rem; border-radius: 0.5rem;
  border: 1px solid var(--st-widget-border-color, var(--st-border-color)); background: var(--st-secondary-background-color);
  color: var(--st-text-color); width: 100%; box-sizing: border-box; }
.rz-choices { display: flex; flex-wrap: wrap; gap: 0.35rem 1rem; font-size: 0.875rem; }
.rz-choices label { display: flex; align-items: center; gap: 0.35rem; cursor: pointer; min-width: 2.2rem; }
.rz-choices input { accent-color: var(--st-primary-color); width: 1rem; height: 1rem; margin: 0; }
.rz-segmented { gap: 0; }
.rz-segmented label { position: relative; padding: 0.3rem 0.75rem; margin-left: -1px;
  border: 1px solid color-mix(in srgb, var(--st-text-color) 40%, transparent);
  background: var(--st-background-color); color: var(--st-text-color); }
.rz-segmented label:first-child { border-radius: 0.5rem 0 0 0.5rem; margin-left: 0; }
.rz-segmented label:last-child { border-radius: 0 0.5rem 0.5rem 0; }
.rz-segmented input { position: absolute; opacity: 0; pointer-events: none; }
.rz-segmented label:has(input:checked) { z-index: 1; border-color: var(--st-primary-color);
  color: color-mix(in srgb, var(--st-primary-color) 60%, var(--st-text-color)); background: color-mix(in srgb, var(--st-primary-color) 8%, var(--st-background-color)); }
.rz-segmented label:has(input:focus-visible) { z-index: 2; outline: 2px solid var(--st-text-color); outline-offset: 1px; }
.rz-captioned { flex-direction: column; gap: 0.45rem; }
.rz-captioned label { align-items: flex-start; }
.rz-opt { display: flex; flex-direction: column; }
.rz-caption { font-size: 0.75rem; color: color-mix(in srgb, var(--st-text-color) 75%, transparent); }
.rz-switch { -webkit-appearance: none; appearance: none; position: relative; flex: none; width: 2rem; height: 1.125rem;
  margin: 0 0.2rem 0 0; border-radius: 1rem; cursor: pointer; background: color-mix(in srgb, var(--st-text-color) 45%, transparent); }
.rz-switch::before { content: ""; position: absolute; top: 0.1875rem; left: 0.1875rem; width: 0.75rem; height: 0.75rem;
  border-radius: 50%; background: var(--st-background-color); transition: left 0.1s; }
.rz-switch:checked { background: var(--st-primary-color); }
.rz-switch:checked::before { left: 1.0625rem; }
.rz-switch:focus-visible { outline: 2px solid var(--st-text-color); outline-offset: 2px; }
.rz-field:has(:disabled) { opacity: 0.6; }
.rz-field:has(:disabled) .rz-range { cursor: not-allowed; }
.rz-select { font: inherit; font-size: 0.875rem; padding: 0.45rem 0.6rem; border-radius: 0.5rem; width: 100%;
  border: 1px solid var(--st-widget-border-color, var(--st-border-color)); background: var(--st-secondary-background-color);
  color: var(--st-text-color); }
/* a panel for phones (narrow=True): in the page's column, pinned under its top while the page scrolls, two
   sliders a row; hidden on wider screens, where the sidebar beside the page holds the same controls */
.rz-panel.rz-narrow { display: grid; grid-template-columns: 1fr 1fr; gap: 0.2rem 1rem; padding: 0.4rem 0 0.5rem; }
.rz-narrow .rz-ends, .rz-narrow .rz-help { display: none; }
.rz-narrow .rz-tip { display: none !important; }
[data-testid="stElementContainer"]:has(.rz-narrow) { position: sticky; top: 3.75rem; z-index: 990;
  background: var(--rz-bg, #fff); border-bottom: 1px solid color-mix(in srgb, var(--rz-text, #31333f) 25%, transparent); }
@media (min-width: 640px) { [data-testid="stElementContainer"]:has(.rz-narrow) { display: none; } }
.rz-step { display: flex; align-items: flex-end; gap: 0.6rem; }
.rz-step .rz-field { flex: 1; min-width: 0; }
.rz-step .rz-ends { display: none; }  /* the buttons sit level with the track */
.rz-btn { font: inherit; font-size: 0.875rem; min-width: 2.5rem; height: 2.4rem; padding: 0 0.75rem;
  border-radius: 0.5rem; border: 1px solid color-mix(in srgb, var(--st-text-color) 40%, transparent);
  background: var(--st-background-color); color: var(--st-text-color); cursor: pointer; white-space: nowrap; }
.rz-btn:hover:not(:disabled) { border-color: var(--st-primary-color); color: var(--st-primary-color); }
.rz-btn:disabled { opacity: 0.4; cursor: not-allowed; }
.rz-btn[aria-pressed="true"] { background: var(--st-primary-color); color: var(--st-background-color);
  border-color: var(--st-primary-color); }
"""

COMMON_JS = """
function fill(input) {  // the track left of the thumb in the primary colour
  const lo = Number(input.min), hi = Number(input.max);
  input.style.setProperty('--fill', (hi > lo ? (Number(input.value) - lo) / (hi - lo) * 100 : 0) + '%');
}
function hold(input) {  // while the pointer holds a thumb, Python's value does not pull it back
  input.addEventListener('pointerdown', () => { input.__held = true; });
  for (const e of ['pointerup', 'pointercancel', 'change']) input.addEventListener(e, () => { input.__held = false; });
}
function place(input, v) {  // show Python's value unless the user holds this slider
  if (!input.__held && (input.value === "" || Number(input.value) !== v)) input.value = v;
}

const show = (f, v) => Number(v).toFixed(f.decimals);
function help(box, name, f, id) {  // "?" opens the help under the label (click, tap, Enter/Space; Esc closes)
  const q = document.createElement('button');
  q.type = 'button'; q.className = 'rz-help'; q.textContent = '?';
  q.setAttribute('aria-label', 'About ' + f.label);
  q.setAttribute('aria-expanded', 'false');
  q.setAttribute('aria-controls', id + '-help');
  const tip = document.createElement('div');
  tip.className = 'rz-tip'; tip.id = id + '-help'; tip.textContent = f.help; tip.hidden = true;
  const open = (on) => { tip.hidden = !on; q.setAttribute('aria-expanded', String(on)); };
  q.addEventListener('click', () => open(tip.hidden));
  q.addEventListener('keydown', (e) => { if (e.key === 'Escape') open(false); });
  name.appendChild(q);
  box.appendChild(tip);
}
function field(f, commit) {  // label, value, native range (or number box), ends
  const box = document.createElement('div');
  box.className = 'rz-field';
  box.dataset.name = f.name;
  const id = 'rz-' + f.name + '-' + (window.__rzFields = (window.__rzFields || 0) + 1);  // (page-wide: both kinds)
  const head = document.createElement('div');
  head.className = 'rz-head';
  const name = document.createElement('span');
  name.className = 'rz-name';
  const label = document.createElement('label');
  label.textContent = f.label;
  label.htmlFor = id;
  name.appendChild(label);
  head.appendChild(name);
  box.appendChild(head);
  if (f.help) help(box, name, f, id);
  if (f.kind === 'bool') return toggle(box, f, commit, id);
  const steps = f.kind === 'choice' && f.widget === 'slider';  // a choice on a slider: one step per choice
  if (f.kind === 'choice' && !steps) return choice(box, f, commit, id);
  const input = document.createElement('input');
  input.name = f.name;
  input.id = id;
  if (f.help) input.setAttribute('aria-describedby', id + '-help');
  if (f.widget === 'number') {
    input.type = 'number';
    input.className = 'rz-number';
    box.appendChild(input);
  } else {
    const value = document.createElement('span');
    value.className = 'rz-value';
    head.appendChild(value);
    input.type = 'range';
    input.className = 'rz-range';
    box.appendChild(input);
    const ends = document.createElement('div');
    ends.className = 'rz-ends';
    ends.innerHTML = '<span></span><span></span>';
    box.appendChild(ends);
    input.addEventListener('input', () => { value.textContent = steps ? named(f, input) : show(f, input.value); fill(input); });
  }
  hold(input);
  input.addEventListener('change', () => {
    const v = Number(input.value);
    if (input.value === '' || !Number.isFinite(v)) { set(box, f); return; }  // an emptied number box
    commit(f.name, steps ? f.choices[v] : v);
  });
  return box;
}
function named(f, input) {  // a choice slider's value: the choice's name, also for a screen reader
  const text = f.names[Number(input.value)] ?? '';
  input.setAttribute('aria-valuetext', text);
  return text;
}
function toggle(box, f, commit, id) {  // an on/off switch before its label
  const input = document.createElement('input');
  Object.assign(input, {type: 'checkbox', className: 'rz-switch', name: f.name, id});
  input.setAttribute('role', 'switch');
  if (f.help) input.setAttribute('aria-describedby', id + '-help');
  box.querySelector('.rz-name').prepend(input);
  input.addEventListener('change', () => commit(f.name, input.checked));
  return box;
}
function choice(box, f, commit, id) {  // a row of radio buttons, or a drop-down for widget="select"
  let pick;
  if (f.widget === 'select') {
    pick = document.createElement('select');
    pick.className = 'rz-select';
    pick.name = f.name;
    pick.id = id;
    f.choices.forEach((c, i) => pick.add(new Option(f.names[i], c)));
  } else {
    pick = document.createElement('div');
    pick.className = f.widget === 'segmented' ? 'rz-choices rz-segmented' : 'rz-choices';
    pick.setAttribute('role', 'radiogroup');
    pick.setAttribute('aria-label', f.label);
    box.querySelector('label').removeAttribute('for');  // (a group has no one input to point at)
    pick.innerHTML = f.choices.map((c, i) =>
      `<label><input type="radio" name="${f.name}" value="${c}"><span class="rz-opt"><span></span></span></label>`).join('');
    pick.querySelectorAll('.rz-opt > span').forEach((s, i) => { s.textContent = f.names[i]; });
    if (f.captions) {  // a line under each choice's name
      pick.classList.add('rz-captioned');
      pick.querySelectorAll('.rz-opt').forEach((o, i) => {
        o.appendChild(Object.assign(document.createElement('small'), {className: 'rz-caption', textContent: f.captions[i]}));
      });
    }
  }
  if (f.help) pick.setAttribute('aria-describedby', id + '-help');
  pick.addEventListener('change', (e) => commit(f.name, e.target.value));
  box.appendChild(pick);
  return box;
}
function set(box, f) {  // the field's range and Python's value
  box.querySelectorAll('input, select').forEach(e => { e.disabled = !!f.disabled; });
  if (f.kind === 'bool') { box.querySelector('input').checked = !!f.value; return; }
  if (f.kind === 'choice' && f.widget === 'slider') {
    const input = box.querySelector('input');
    Object.assign(input, {min: 0, max: f.choices.length - 1, step: 1});
    place(input, f.choices.indexOf(f.value));
    box.querySelector('.rz-value').textContent = named(f, input);
    const [lo, hi] = box.querySelectorAll('.rz-ends span');
    lo.textContent = f.names[0]; hi.textContent = f.names[f.names.length - 1];
    fill(input);
    return;
  }
  if (f.kind === 'choice') {
    const select = box.querySelector('select');
    if (select) select.value = f.value;
    else box.querySelectorAll('input').forEach(r => { r.checked = r.value === f.value; });
    return;
  }
  const input = box.querySelector('input');
  Object.assign(input, {min: f.lo, max: f.hi, step: f.step});
  place(input, f.value);
  const value = box.querySelector('.rz-value');
  if (value) {
    value.textContent = show(f, input.__held ? input.value : f.value);  // off the step grid too (a gradient step)
    const [lo, hi] = box.querySelectorAll('.rz-ends span');
    lo.textContent = show(f, f.lo); hi.textContent = show(f, f.hi);
    fill(input);
  }
}
"""

PANEL_JS = COMMON_JS + """
export default function ({ parentElement, data, setTriggerValue }) {
  let panel = parentElement.querySelector(':scope > .rz-panel');
  if (!panel) {
    panel = document.createElement('div');
    panel.className = 'rz-panel';
    parentElement.appendChild(panel);
  }
  // through this update's setTriggerValue: the controls' listeners outlive the update that built them
  panel.__commit = (name, v) => setTriggerValue('commit', {[name]: v, _sight: window.rzSight?.()});
  const commit = (name, v) => panel.__commit(name, v);
  panel.classList.toggle('rz-narrow', !!data.narrow);
  const names = data.fields.map(f => f.name + ':' + (f.choices || []).join(',')).join(' ');
  if (panel.__names !== names) {  // the set of sliders changed (H = 1 ↔ H > 1): build them again
    panel.replaceChildren(...data.fields.map(f => field(f, commit)));
    panel.__names = names;
    // a phone's copy of the sidebar's sliders: no input names, so a field looked up by name (a test, a
    // benchmark) is the sidebar's one, as on a page without the copy
    if (data.narrow) panel.querySelectorAll('input[name]').forEach(i => i.removeAttribute('name'));
  }
  data.fields.forEach((f, i) => set(panel.children[i], f));
}
"""

STEPPER_JS = COMMON_JS + """
export default function ({ parentElement, data, setTriggerValue }) {
  let row = parentElement.querySelector(':scope > .rz-step');
  const f = data.field;
  if (!row) {  // ◀, the panel's slider for t, ▶, Play
    row = document.createElement('div');
    row.className = 'rz-step';
    row.innerHTML = `<button class="rz-btn" data-move="-1" title="previous step" aria-label="previous step">◀</button>
      <button class="rz-btn" data-move="1" title="next step" aria-label="next step">▶</button>
      <button class="rz-btn" data-play aria-pressed="false"></button>`;
    row.insertBefore(field(f, (name, t) => row.__commit(t)), row.children[1]);
    parentElement.appendChild(row);
    const input = row.querySelector('input');
    row.querySelectorAll('[data-move]').forEach(b => b.addEventListener('click', () => {
      const t = Number(input.value) + Number(b.dataset.move);
      if (t >= Number(input.min) && t <= Number(input.max)) row.__commit(t);
    }));
    const play = row.querySelector('[data-play]');
    play.addEventListener('click', () => row.__play(!row.__timer));
    row.__play = (on) => {  // Play: one step forward every `every` s, off again at the last step
      clearInterval(row.__timer);
      row.__timer = null;
      if (on && Number(input.value) >= Number(input.max)) row.__commit(Number(input.min));  // replay
      if (on) row.__timer = setInterval(() => {
        const t = Number(row.__t) + 1;
        if (t > Number(input.max)) row.__play(false); else row.__commit(t);
      }, row.__every * 1000);
      play.setAttribute('aria-pressed', String(!!row.__timer));
      play.textContent = row.__timer ? '❚❚ Pause' : '▶▶ Play';
    };
    row.__play(false);
  }
  row.__commit = (t) => { row.__t = t; setTriggerValue('commit', {[f.name]: t, _sight: window.rzSight?.()}); };
  row.__every = data.every;
  row.__t = f.value;
  set(row.querySelector('.rz-field'), f);
  row.querySelector('[data-move="-1"]').disabled = f.value <= f.lo;
  row.querySelector('[data-move="1"]').disabled = f.value >= f.hi;
  if (row.__timer && f.value >= f.hi) row.__play(false);
}
"""

_panel = st.components.v2.component("rnnviz.controls", js=PANEL_JS, css=CSS, isolate_styles=False)
_stepper = st.components.v2.component("rnnviz.stepper", js=STEPPER_JS, css=CSS, isolate_styles=False)


def _decimals(f):
    """Digits the slider shows: the field's %.Nf format, else as many as its step has."""
    if f.fmt and f.fmt.startswith("%.") and f.fmt.endswith("f"):
        return int(f.fmt[2:-1])
    if f.kind == "int" or not f.step:
        return 0
    return max(0, -math.floor(math.log10(f.step) + 1e-9))


def _show(f):
    """The field's current value, kept valid and in the URL (as state.widget does for a widget)."""
    v = state.current(f)
    st.session_state[f.name] = v  # what state.value reads first: a value pulled into a shrunken range sticks
    state.keep(f, v)
    return v


def _commit(key, fields, on_change):
    """The trigger's callback: the field the user moved, coerced and clamped, into ui/state; its on_change."""
    result = st.session_state.get(key) or {}
    moved = result.get("commit") if hasattr(result, "get") else None
    if isinstance(moved, dict):  # which live charts were in sight (ui/live.py): the rerun sends only theirs
        from ui import live  # (numpy and plotly: not on the home page's cold start, which has no panel)
        live.report_sight(moved.pop("_sight", None))
    for name, v in (moved if isinstance(moved, dict) else {}).items():
        f = fields.get(name)
        if f is None:
            continue
        if f.kind == "bool":
            if not isinstance(v, bool):
                continue
            state.set(name, v)
        elif f.kind == "choice":
            try:
                state.set(name, state.check(f, v))
            except ValueError:
                continue
        elif isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            state.set(name, state.clamp(f, round(v) if f.kind == "int" else float(v)))
        else:
            continue
        if name in on_change:
            on_change[name]()


def _spec(f, v, disabled=False):
    """What the browser side draws for the field f at value v."""
    if f.kind == "bool":
        return {"name": f.name, "label": f.label or f.name, "help": f.help, "kind": "bool", "value": bool(v),
                "disabled": disabled}
    if f.kind == "choice":
        shown = state.choice_names(f)
        return {"name": f.name, "label": f.label or f.name, "help": f.help, "kind": "choice", "value": str(v),
                "choices": [str(c) for c in f.choices], "names": [shown.get(c, str(c)) for c in f.choices],
                "captions": list(f.captions) or None, "widget": f.widget or "radio", "disabled": disabled}
    return {"name": f.name, "label": f.label or f.name, "help": f.help, "lo": f.lo, "hi": f.hi,
            "step": f.step or (1 if f.kind == "int" else 0.01), "value": v, "decimals": _decimals(f),
            "widget": f.widget or "slider", "disabled": disabled}


def panel(names, *, key, container=None, overrides=None, on_change=None, disabled=None, narrow=False):
    """One element over ui/state fields: sliders (number boxes for widget="number"), radio buttons, a
    drop-down (widget="select") or a slider over the choices (widget="slider") for choices, switches for
    bools; {name: value}. on_change: {name: callback} run after a move; disabled: {name: True} greys one out.
    narrow=True: shown on phones only (< 640 px), two a row, pinned at the top of the page as it scrolls."""
    fields = {n: state.get(n, **(overrides or {}).get(n, {})) for n in names}
    for f in fields.values():
        if f.kind not in ("float", "int", "choice", "bool"):
            raise ValueError(f"controls.panel: {f.name} is a {f.kind} field; a panel holds numbers, choices, bools")
    values = {n: _show(f) for n, f in fields.items()}
    off = disabled or {}
    specs = [_spec(f, values[n], bool(off.get(n))) for n, f in fields.items()]
    _mount(_panel, container, key=key, data={"fields": specs, "narrow": narrow},
           on_commit_change=partial(_commit, key, fields, on_change or {}))
    return values


def stepper(name, *, key, every, container=None, **overrides):
    """◀ a slider over the int field `name` ▶ and Play (a step every `every` s, off at the end); its value."""
    f = state.get(name, **overrides)
    v = _show(f)
    _mount(_stepper, container, key=key, data={"field": _spec(f, v), "every": every},
           on_commit_change=partial(_commit, key, {name: f}, {}))
    return v


def _mount(component, container, **kw):
    if container is None:
        return component(**kw)
    with container:  # (a fragment may write into a container made outside it: the sidebar's model box)
        return component(**kw)
