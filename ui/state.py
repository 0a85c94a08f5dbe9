"""Shareable state: ONE declarative list of fields that feeds the widgets, the URL and validation.

Like TensorFlow Playground's state.ts: every user-visible setting is a `Field` (name, kind, default,
range or choices, label). The field's name is at once the widget key, the `st.session_state` key and the
URL query parameter, so a link such as `/forward?W_hh=0.9&H=4&seed=7` restores the same picture.

    URL ──(first use of a field in a session: parse + validate)──▶ st.session_state[name] ──▶ widget
    widget value ──(every run: write if ≠ default, else delete)──▶ the address bar (ui/url.py)

- Unknown URL keys are ignored (never read).
- An invalid value (unparsable, NaN/inf, out of range, not a choice) falls back to the default and is
  listed in a visible st.warning naming the parameter; never an exception. Streamlit's own
  `bind="query-params"` drops bad values silently, so this module parses the URL itself instead.
- Values survive page switches: a session-wide copy (`_rnnviz_state`) refills a widget's key whenever
  Streamlit has dropped it (widgets not drawn on a page lose their state).

How a page uses it (sidebar fields live in ui/sidebar.py; a page registers its own view fields):

    from ui import state
    state.field("bptt_k", "int", 1, lo=1, hi=500, label="Truncation k", help="…")  # module level, idempotent
    k = state.widget("bptt_k", hi=T)          # draws a slider keyed "bptt_k", clamps to 1…T, syncs the URL
    k = state.widget("bptt_k", container=st.sidebar)
    state.value("W_hh")                        # current value without drawing anything
    state.current("t", hi=T)                   # … pulled into the range a control would show it in
    state.keep(f, v)                           # a control drawn elsewhere (ui/controls) showed f at v
    state.set("W_hh", 0.42)                    # from a callback (on_click), before widgets are drawn
    state.put("cells", text)                   # a field with no widget of its own: store + URL
    state.forget("x7")                         # a field this state of the app does not show: drop it
    state.show_notices()                       # the sidebar calls it; pages that load fields later may too

Kinds: "float" and "int" (slider; widget="number" for st.number_input), "choice" (widget="radio" |
"select" | "segmented"), "bool" (st.toggle), "text" (widget="text_area" | "text_input").
Call-time overrides (lo, hi, default, choices, label, help, step, fmt, disabled, on_change, args)
let a range depend on the data, e.g. the step slider's hi = T.
"""
from dataclasses import dataclass, replace
import math

import streamlit as st

KINDS = ("float", "int", "bool", "choice", "text")
_STORE = "_rnnviz_state"       # {name: value} for the whole session, across pages
_SHOWN = "_rnnviz_fields_shown"  # {name: Field as last drawn, overrides included}
_NOTICES = "_rnnviz_notices"   # [message] from URL values that fell back to defaults
_FORGOTTEN = "_rnnviz_forgotten"  # {name: None} for the fields forget() dropped: taken out of the link
MAX_URL_TEXT = 4000            # longer text is not written to the URL (a 10^6-value paste would break it)


@dataclass(frozen=True)
class Field:
    """One shareable setting: name (= widget key = URL parameter), kind, default, range/choices, label."""

    name: str
    kind: str                  # one of KINDS
    default: object
    lo: float | None = None    # inclusive range for float / int
    hi: float | None = None
    step: float | None = None  # slider step
    choices: tuple = ()        # allowed values for "choice"
    names: tuple = ()          # what the widget shows for each choice (defaults to str(choice))
    captions: tuple = ()       # a line under each choice (ui/controls' radio buttons)
    label: str = ""
    help: str | None = None
    fmt: str | None = None     # slider number format, e.g. "%.3f"
    widget: str | None = None  # "slider" | "number" | "radio" | "select" | "segmented" | "text_area" | "text_input"
    max_chars: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name}: kind must be one of {KINDS}, got {self.kind!r}")
        if self.kind == "choice" and self.default not in self.choices:
            raise ValueError(f"field {self.name}: default {self.default!r} is not one of {self.choices}")


FIELDS: dict[str, Field] = {}  # the declarative list, in registration order


def field(name, kind, default, **spec):
    """Register (or re-register, idempotently) a field; returns it. Safe to call on every rerun."""
    for key in ("choices", "names", "captions"):
        if key in spec:
            spec[key] = tuple(spec[key])
    f = Field(name, kind, default, **spec)
    FIELDS[name] = f
    return f


def get(name_or_field, **overrides):
    """The Field with call-time overrides applied (lo/hi/default/choices that depend on the data)."""
    f = name_or_field if isinstance(name_or_field, Field) else FIELDS[name_or_field]
    return replace(f, **overrides) if overrides else f


# --- pure parsing / validation / serialisation (no Streamlit; tested directly) ---

def check(f, value):
    """`value` coerced to the field's kind, or ValueError saying why it is not allowed."""
    if f.kind == "float":
        v = float(value)
        if not math.isfinite(v):
            raise ValueError(f"{value!r} is not a finite number")
    elif f.kind == "int":
        v = float(value)
        if not math.isfinite(v) or v != int(v):
            raise ValueError(f"{value!r} is not a whole number")
        v = int(v)
    elif f.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{value!r} is not true/false")
        v = value
    elif f.kind == "choice":
        by_text = {**{to_url(f, c): c for c in f.choices}, **{str(c): c for c in f.choices}}
        if str(value) not in by_text:
            raise ValueError(f"{value!r} is not one of {', '.join(to_url(f, c) for c in f.choices)}")
        return by_text[str(value)]
    else:
        v = str(value)
        if f.max_chars is not None and len(v) > f.max_chars:
            raise ValueError(f"text longer than {f.max_chars} characters")
        return v
    if f.kind in ("float", "int"):
        if (f.lo is not None and v < f.lo) or (f.hi is not None and v > f.hi):
            raise ValueError(f"{v:g} is outside {f.lo:g} … {f.hi:g}")
    return v


def parse(f, text):
    """A URL string → a valid value, or ValueError naming the problem."""
    if f.kind == "bool":
        t = text.strip().lower()
        if t not in ("true", "false", "1", "0"):
            raise ValueError(f"{text!r} is not true/false")
        return check(f, t in ("true", "1"))
    if f.kind in ("float", "int"):
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
        return check(f, number)
    return check(f, text)


def to_url(f, value):
    """The URL text of a value; repr of a float round-trips exactly."""
    if f.kind == "bool":
        return "true" if value else "false"
    if f.kind == "float":
        return repr(float(value))
    if f.kind == "choice" and isinstance(value, float):
        return f"{value:g}"  # a menu of round numbers (a learning rate of 0.001, 10): as the menu shows them
    return str(value)


def load(fields, query):
    """({name: value}, [notice]) from a query dict; unknown keys ignored, bad values → default + notice."""
    values, notices = {}, []
    for f in fields:
        raw = query.get(f.name)
        if raw is None:
            values[f.name] = f.default
            continue
        if isinstance(raw, (list, tuple)):
            raw = raw[-1]
        try:
            values[f.name] = parse(f, raw)
        except ValueError as e:
            values[f.name] = f.default
            shown = raw if len(raw) <= 40 else raw[:40] + "…"
            notices.append(f"URL parameter `{f.name}={shown}` ignored ({e}); using the default "
                           f"{f.label or f.name} = {to_url(f, f.default)}.")
    return values, notices


def dump(fields, values):
    """{name: url text} for the values that differ from their defaults (a clean, shareable URL)."""
    out = {}
    for f in fields:
        v = values.get(f.name, f.default)
        if v != f.default:
            text = to_url(f, v)
            if len(text) <= MAX_URL_TEXT:
                out[f.name] = text
    return out


def clamp(f, value):
    """A value the widget can show: in range, one of the choices; the default if it cannot be coerced."""
    try:
        return check(f, value)
    except (ValueError, TypeError):
        pass
    if f.kind in ("float", "int") and isinstance(value, (int, float)) and math.isfinite(value):
        v = min(max(value, f.lo), f.hi) if f.lo is not None else value
        return int(round(v)) if f.kind == "int" else float(v)
    return f.default if f.kind != "choice" or f.default in f.choices else f.choices[0]


# --- the Streamlit side ---

def _store():
    return st.session_state.setdefault(_STORE, {})


def _notice(message):
    notices = st.session_state.setdefault(_NOTICES, [])
    if message not in notices:
        notices.append(message)


def value(name, **overrides):
    """The field's current value (loaded from the URL on first use in the session); draws nothing."""
    f = get(name, **overrides)
    if f.name in st.session_state:  # a widget moved before this run: its key holds the newest value
        return st.session_state[f.name]
    store = _store()
    if f.name not in store:
        values, notices = load([f], st.query_params.to_dict())
        store[f.name] = values[f.name]
        for n in notices:
            _notice(n)
    return store[f.name]


def current(name_or_field, **overrides):
    """The value the field's control shows now: value() pulled into its (possibly overridden) range."""
    f = get(name_or_field, **overrides)
    return clamp(f, value(f))


def keep(f, v):
    """After drawing the field `f` (overrides included) with value v: store v, remember f (the link's rule)."""
    _store()[f.name] = v
    st.session_state.setdefault(_SHOWN, {})[f.name] = f  # with this run's overrides (a data-dependent default)


def choice_names(f):
    """{choice: what a control shows for it}, from the registered field (an override may drop choices)."""
    base = FIELDS.get(f.name, f)
    return dict(zip(base.choices, base.names))


def set(name, v):  # noqa: A001 — state.set reads like the operation it is
    """Set a field from a callback (before its widget is drawn this run); the widget moves to v."""
    f = get(name)
    v = clamp(f, v)
    _store()[f.name] = v
    st.session_state[f.name] = v


def widget(name_or_field, *, container=None, on_change=None, args=None, disabled=False, **overrides):
    """Draw the field's widget (key = field name), keep it valid and in the URL; returns its value."""
    f = get(name_or_field, **overrides)
    v = current(f)
    cur = st.session_state.get(f.name, v)
    # re-assign on every run: after a page switch Streamlit keeps the key but not the widget's value
    # (same key, new widget id → the widget would fall back to its minimum); also pulls into a shrunken range
    st.session_state[f.name] = cur if cur == clamp(f, cur) else v
    c = container or st
    common = dict(key=f.name, help=f.help, on_change=on_change, args=args, disabled=disabled)
    label = f.label or f.name
    shown = choice_names(f)
    if f.kind == "choice":
        common["format_func"] = lambda c: shown.get(c, str(c))
    if f.kind in ("float", "int") and f.widget == "number":
        out = c.number_input(label, min_value=f.lo, max_value=f.hi, step=f.step, format=f.fmt, **common)
    elif f.kind in ("float", "int"):
        out = c.slider(label, min_value=f.lo, max_value=f.hi, step=f.step, format=f.fmt, **common)
    elif f.kind == "bool":
        out = c.toggle(label, **common)
    elif f.kind == "choice" and f.widget == "select":
        out = c.selectbox(label, f.choices, **common)
    elif f.kind == "choice" and f.widget == "segmented":
        out = c.segmented_control(label, f.choices, **common)
        out = f.default if out is None else out  # clicking the selected segment again deselects it
    elif f.kind == "choice":
        out = c.radio(label, f.choices, horizontal=True, **common)
    elif f.widget == "text_input":
        out = c.text_input(label, max_chars=f.max_chars, **common)
    else:
        out = c.text_area(label, max_chars=f.max_chars, **common)
    keep(f, out)
    return out


def put(name, v):
    """Store a field that has no widget of its own (e.g. matrix-grid edits); it reaches the link too."""
    _store()[get(name).name] = v


def forget(name):
    """Drop a field that is not shown in this state of the app (its URL parameter goes too)."""
    _store().pop(name, None)
    st.session_state.pop(name, None)  # (a ui/controls slider keeps its value there, not in a widget's key)
    st.session_state.get(_SHOWN, {}).pop(name, None)
    st.session_state.setdefault(_FORGOTTEN, {})[name] = None  # out of the link (see url_entries)


def url_entries():
    """{name: URL text, or None to take it out of the link}, for ui/url.py to write into the address bar.

    Every stored field by dump()'s rule (its value as last shown, and only when that differs from the
    default), plus None for each field forget() dropped. Not written through st.query_params: each write of
    that makes the browser push a history entry (Back would walk through every slider nudge) and re-render
    the whole app, a tenth of a slider move's time."""
    store, shown = _store(), st.session_state.get(_SHOWN, {})
    fields = [shown.get(name, FIELDS[name]) for name in store if name in FIELDS]
    text = dump(fields, store)
    out = dict(st.session_state.get(_FORGOTTEN, {}))
    out.update({f.name: text.get(f.name) for f in fields})
    return out


def _dismiss():
    st.session_state[_NOTICES] = []


def show_notices(container=None):
    """One st.warning listing URL parameters that fell back to defaults, with a dismiss button."""
    notices = st.session_state.get(_NOTICES)
    if not notices:
        return
    c = container or st
    c.warning("**Some settings in the link were not valid and were reset:**\n\n"
              + "\n".join(f"- {n}" for n in notices), icon="⚠️")
    c.button("Dismiss", key="_rnnviz_dismiss_notices", on_click=_dismiss)
