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
from ui.web import read as _web

CSS = _web("controls.css")
COMMON_JS = _web("controls_common.js")  # a field, its help and its value: both elements' browser side
PANEL_JS = COMMON_JS + _web("controls_panel.js")
STEPPER_JS = COMMON_JS + _web("controls_stepper.js")

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
