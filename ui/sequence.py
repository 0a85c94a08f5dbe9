"""The sequence part of the shared sidebar: a preset with shape sliders, or numbers typed by hand or read
from a column of a CSV file (the column's numbers become the typed text: one validation, and a link can
carry them when they are short enough; a link never carries the file).

A series s_0 … s_T becomes the next-value task x_t = s_{t−1}, target_t = s_t (seed 003), t = 1 … T.
For T ≤ 12 a slider per x_t nudges one input; the targets stay the series' next values, so the
nudge shows only how that one input ripples forward through every later h_t, y_t and L_t.
"""
import numpy as np
import streamlit as st

import rnnviz
from rnnviz import csvdata, data
from ui import controls, state

PRESETS = ("counting", "sine", "stock prices", "step", "noisy sine")
DEFAULT_T = {"counting": 9, "sine": 40, "step": 20, "noisy sine": 40}  # stock prices: seed 000's 7 values
DT = 0.25          # sine sampling interval: at f = 1 one period is 2π/0.25 ≈ 25 steps
MAX_NUDGE_T = 12   # a slider per x_t up to this length
SEED_003_TEXT = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10"
CSV = "_seq_csv"   # session state: {name, table, column} of the CSV file last read, or {name, error}
SHAPE = {"counting": (), "step": ("amplitude", "step_pos"), "sine": ("amplitude", "freq"),  # sliders after T
         "noisy sine": ("amplitude", "freq", "noise")}

SEQUENCE_FIELDS = [
    state.field("source", "choice", "preset", choices=("preset", "typed"), names=("Preset", "Type or CSV"),
                label="Sequence"),
    state.field("preset", "choice", "counting", choices=PRESETS, widget="select", label="Preset"),
    state.field("T", "int", 9, lo=2, hi=rnnviz.MAX_T, step=1, label="Length T",
                help="Time steps; the series has T + 1 values because each target is the next one."),
    state.field("freq", "float", 1.0, lo=0.05, hi=3.0, step=0.05, label="Frequency f",
                help=f"s_k = A·sin(f·k·{DT})"),
    state.field("amplitude", "float", 1.0, lo=0.1, hi=10.0, step=0.1, label="Amplitude A"),
    state.field("noise", "float", 0.1, lo=0.0, hi=1.0, step=0.01, label="Noise σ",
                help="s_k = A·sin(f·k·Δ) + N(0, σ²), fixed noise seed 0"),
    state.field("step_pos", "int", 5, lo=0, hi=rnnviz.MAX_T, step=1, label="Step position",
                help="s_k = 0 before this index, A from it on"),
    state.field("seq_text", "text", SEED_003_TEXT, label="Numbers (commas, spaces or new lines)"),
    *[state.field(f"x{t}", "float", 0.0, lo=-1e9, hi=1e9, label=f"x_{t}") for t in range(1, MAX_NUDGE_T + 1)],
]


def _reset_T():
    """A new preset starts at its own sensible length (counting 1..10, a sine of 40 steps …)."""
    preset = st.session_state.get("preset")
    if preset in DEFAULT_T:
        state.set("T", DEFAULT_T[preset])


def preset_series(sb, preset, max_T):
    """(s (T+1,), label) from the preset's shape sliders: one element with the source and preset choices."""
    if preset == "stock prices":
        controls.panel(["source", "preset"], key="sequence_panel", container=sb, on_change={"preset": _reset_T})
        sb.caption("Seed 000's seven closing prices (T = 6). Values near 100 saturate tanh: "
                   "expect large losses unless the weights are tiny.")
        return np.array(data.STOCK_PRICES), "stock prices (seed 000)"
    over = {"T": dict(hi=max_T, default=min(DEFAULT_T[preset], max_T))}
    over["step_pos"] = dict(hi=state.current("T", **over["T"]))
    v = controls.panel(["source", "preset", "T", *SHAPE[preset]], key="sequence_panel", container=sb,
                       overrides=over, on_change={"preset": _reset_T})  # one element
    T, k = v["T"], np.arange(v["T"] + 1)
    if preset == "counting":
        return np.arange(1.0, T + 2), f"counting 1..{T + 1}"
    A = v["amplitude"]
    if preset == "step":
        pos = v["step_pos"]
        return data.step(T + 1, pos, A), f"step at {pos} (A={A:g}, T={T})"
    f = v["freq"]
    if preset == "sine":
        return data.sine(k * DT, f, A), f"sine (f={f:g}, A={A:g}, T={T})"
    sigma = v["noise"]
    return data.noisy_sine(k * DT, f, A, sigma, seed=0), f"noisy sine (f={f:g}, A={A:g}, σ={sigma:g}, T={T})"


def typed_series(sb, max_T):
    """(s, label) parsed from the text box, or None after an st.error naming the bad token."""
    text = state.widget("seq_text", container=sb)
    loaded = csv_upload(sb, max_T, text)
    if len(text) > state.MAX_URL_TEXT:
        sb.caption(f"These {len(text)} characters are too long for the link (at most {state.MAX_URL_TEXT}): "
                   "a copied link opens the typed default instead.")
    try:
        s = rnnviz.parse_sequence(text, max_len=max_T + 1)
    except rnnviz.SequenceParseError as e:
        st.error(f"Typed sequence: {e}. This page shows at most T = {max_T} steps "
                 f"({max_T + 1} values)." if "longer" in str(e) else f"Typed sequence: {e}.")
        return None
    if len(s) < 2:
        st.error("Typed sequence: type at least 2 numbers — each target is the next value.")
        return None
    if np.max(np.abs(s)) > 1e6:
        st.warning(f"Typed sequence: a value as large as {np.max(np.abs(s)):.3g} saturates tanh and can "
                   "overflow the squared loss; scale the numbers down to see anything move.")
    return s, loaded or f"typed ({len(s)} values)"


def csv_upload(sb, max_T, text):
    """A CSV file and a column of it → the typed text (in callbacks, before the text box is drawn next run).

    Returns the label of the sequence when the text box holds the column as read, else None."""
    upload = sb.file_uploader("…or read a column of a CSV file", type=["csv", "txt"], key="seq_csv_file",
                     max_upload_size=1, on_change=_read_upload, args=(max_T,),
                     help="First row: column names (or numbers only, one column per line). The column's numbers "
                          "replace the typed ones. A link carries the numbers, never the file.")
    loaded = st.session_state.get(CSV)
    if loaded is None:
        return None
    if "error" in loaded and upload is None:  # a page switch emptied the uploader: the error went with the file
        st.session_state.pop(CSV)
        return None
    if "error" in loaded:
        st.error(f"CSV file {loaded['name']}: {loaded['error']}. The sequence is unchanged.")
        return None
    table, column = loaded["table"], loaded["column"]
    if len(table.numeric) > 1:
        st.session_state["seq_csv_column"] = column  # (a page switch keeps a widget's key, not its value)
        sb.selectbox("Column", table.numeric, key="seq_csv_column", on_change=_pick_column, args=(max_T,))
    if text != table.text(column):
        return None  # edited since: the numbers are the person's now
    n = len(table.cells)
    sb.caption(f"Column **{column}** of {loaded['name']}: {n} values, now the numbers above."
               + (" A link carries them, not the file." if len(text) <= state.MAX_URL_TEXT else ""))
    return f"column {column} of {loaded['name']}"


def _read_upload(max_T):
    """The file uploader's callback: read the file, take its default column, or keep the error to show."""
    upload = st.session_state.get("seq_csv_file")
    if upload is None:  # the file was removed: its numbers stay as typed text
        st.session_state.pop(CSV, None)
        return
    try:
        table = csvdata.read_csv(upload.getvalue())
    except csvdata.CsvError as e:
        st.session_state[CSV] = dict(name=upload.name, error=str(e))
        return
    _use_column(dict(name=upload.name, table=table), table.default, max_T)


def _pick_column(max_T):
    _use_column(st.session_state[CSV], st.session_state["seq_csv_column"], max_T)


def _use_column(loaded, column, max_T):
    """Put the column's numbers in the text box, or an error (too long, not numbers) in loaded["error"]."""
    try:
        loaded["table"].values(column, max_len=max_T + 1)
    except csvdata.CsvError as e:
        msg = f"{e}: this page shows at most T = {max_T} steps" if "at most" in str(e) else str(e)
        st.session_state[CSV] = dict(name=loaded["name"], error=msg)
        return
    st.session_state[CSV] = dict(name=loaded["name"], table=loaded["table"], column=column)
    state.set("seq_text", loaded["table"].text(column))


def nudges(sb, x):
    """x (T,) with each x_t replaced by its own slider (T ≤ 12); the sliders reset when the series does."""
    T = len(x)
    signature = tuple(x.tolist())
    if st.session_state.get("_x_base") not in (None, signature):
        for t in range(1, T + 1):
            state.set(f"x{t}", float(x[t - 1]))  # a new series: the sliders start on its values
    st.session_state["_x_base"] = signature
    span = max(float(np.ptp(x)), 1.0)
    lo, hi = float(np.floor(x.min() - span)), float(np.ceil(x.max() + span))
    out = x.copy()
    with sb.expander(f"Nudge single inputs x_1 … x_{T}", expanded=False):
        st.caption("Targets stay the series' next values: a nudge shows how one input ripples "
                   "forward through every later h_t, y_t and L_t.")
        v = controls.panel([f"x{t}" for t in range(1, T + 1)], key="nudge_panel",  # T sliders, one element
                           overrides={f"x{t}": dict(default=float(x[t - 1]), lo=lo, hi=hi, step=0.01)
                                      for t in range(1, T + 1)})
        out[:] = [v[f"x{t}"] for t in range(1, T + 1)]
    for t in range(T + 1, MAX_NUDGE_T + 1):
        state.forget(f"x{t}")
    return out


def sequence_sidebar(sb, max_T):
    """(x (T,), target (T,), label) or None after an st.error."""
    source, preset = state.current("source"), state.current("preset")  # the panel below shows them
    if source == "preset":
        series = preset_series(sb, preset, max_T)
    else:
        controls.panel(["source"], key="sequence_panel", container=sb)
        series = typed_series(sb, max_T)
    if series is None:
        return None
    s, label = series
    x, target = data.next_value(s)  # x_t = s_{t−1}, target_t = s_t
    if len(x) <= MAX_NUDGE_T:
        x = nudges(sb, x)
    else:
        st.session_state.pop("_x_base", None)
        for t in range(1, MAX_NUDGE_T + 1):
            state.forget(f"x{t}")
    return x, target, label
