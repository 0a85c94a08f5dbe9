"""The shared sidebar: the model Θ, h_0 and the sequence, every setting a shareable URL field.

    def page(setup): ...                      # the page's content, on the model and sequence as set
    model_and_sequence(page, max_T=500)       # the sidebar, then page(setup); an st.error instead on bad input

H = 1: a slider per scalar weight (seed 003's defaults). H = 2 … 8: seeded random matrices
(PyTorch's N(0, 1/H) init) times a gain slider per matrix, editable cell by cell (ui/matrix_grid.py).
"""
from dataclasses import dataclass
from functools import partial

import numpy as np
import streamlit as st

import rnnviz
from ui import controls, matrix_grid, state, url
from ui.sequence import SEQUENCE_FIELDS, sequence_sidebar

SCALAR_RANGES = {"W_xh": (-5.0, 5.0), "W_hh": (-5.0, 5.0), "b_h": (-5.0, 5.0),
                 "W_hy": (-10.0, 10.0), "b_y": (-10.0, 10.0)}  # W_hy, b_y reach targets ≈ 10
SEED_003 = {"W_xh": 0.8, "W_hh": 0.5, "b_h": 0.0, "W_hy": 1.2, "b_y": 0.0}
BIG_WEIGHT = 100.0  # beyond this tanh is saturated for any input worth showing

MODEL_FIELDS = [
    state.field("H", "choice", 1, choices=range(1, 9), label="Hidden size H",
                help="H = 1: one scalar per weight (seed 003). H > 1: seeded random matrices."),
    *[state.field(n, "float", SEED_003[n], lo=lo, hi=hi, step=0.01, fmt="%.3f", label=n,
                  help=f"{n} (seed 003: {SEED_003[n]})") for n, (lo, hi) in SCALAR_RANGES.items()],
    state.field("h0", "float", 0.0, lo=-1.0, hi=1.0, step=0.01, fmt="%.2f", label="h_0",
                help="Initial hidden state (every unit, when H > 1). tanh keeps h in (−1, 1)."),
    state.field("loss_on", "choice", "all", choices=("all", "last"), names=("every step", "last step only"),
                label="Loss on", help="L = Σ_t L_t over every step, or L = L_T on the last step only."),
]


@dataclass(frozen=True)
class Setup:
    """What every page computes from: the model, h_0, the sequence and its next-value targets."""

    params: rnnviz.RNNParams  # from the sliders (H = 1) or the matrix grid (H > 1); a page's own `model` may
    h0: np.ndarray            # (H,)                                  give LSTMParams or GRUParams instead
    x: np.ndarray             # (T, 1)
    target: np.ndarray        # (T, 1) next value
    loss_on: str              # "all" | "last"
    label: str                # e.g. "counting 1..10", for titles
    c0: np.ndarray = None     # (H,) an LSTM's initial cell state; None for the other cells


def model_and_sequence(page, max_T=500, model=None, weights_on_phone=False):
    """Draw the shared sidebar, then `page(setup)`; an unusable input gets an st.error naming the problem instead.
    weights_on_phone: the RNN's weights also at the top of the page on a phone, where the sidebar covers it.

    model(box, H) -> (params or None, {"h0": …, "c0": … (LSTM)}) draws a page's own model widgets into the
    sidebar's model box instead of the RNN's (rnn_model); the LSTM & GRU page passes ui.gates_model.model.

    The model's widgets and `page` run as one st.fragment: a weight slider reruns just them, not the page
    list, the sequence's widgets and the rest of the app (a sequence, H or loss widget reruns it all). The
    fragment writes the model's widgets into a box the sidebar keeps for them under H.
    """
    sb = st.sidebar
    sb.header("Model")
    H = controls.panel(["H"], key="h_panel", container=sb)["H"]
    model_box = sb.container()
    sb.header("Sequence")
    seq = sequence_sidebar(sb, max_T)
    sb.header("Loss")
    loss_on = controls.panel(["loss_on"], key="loss_panel", container=sb)["loss_on"]
    model = model or partial(rnn_model, on_phone=weights_on_phone)
    st.fragment(_model_and_page)(model_box, H, seq, loss_on, page, model)


def _model_and_page(box, H, seq, loss_on, page, model):
    """The model's widgets (into `box`), then the page on the Setup they make (one fragment), then the
    link in the address bar (a fragment's rerun does not reach app.py's)."""
    try:
        _model_then_page(box, H, seq, loss_on, page, model)
    finally:
        url.publish("model")


def rnn_model(box, H, on_phone=False):
    """The RNN's widgets into `box`: (Θ or None, their values); the sliders (H = 1) or the matrix grid (H > 1).
    on_phone: the same sliders also at the top of the page, shown on phones only (ui/controls' narrow panel)."""
    names = [*SCALAR_RANGES, "h0"] if H == 1 else ["seed", *(f"gain_{n}" for n in matrix_grid.GAINS), "b_y", "h0"]
    if on_phone:  # (the same fields and values as the sidebar's panel: either one moves both)
        controls.panel(names, key="model_panel_phone", narrow=True)
    v = controls.panel(names, key="model_panel", container=box)
    if H == 1:
        params = rnnviz.RNNParams.scalar(**{n: v[n] for n in SCALAR_RANGES})
        matrix_grid.forget_all()
    else:  # the scalar sliders keep their values (in ui.state) for when H = 1 comes back
        params = matrix_grid.model(H, box, v)  # its grids in the box, its warnings and errors on the page
    return params, v


def _model_then_page(box, H, seq, loss_on, page, model):
    params, v = model(box, H)
    h0_value, c0_value = v["h0"], v.get("c0")
    state.show_notices()
    if params is None or seq is None:
        return
    big = max(float(np.max(np.abs(a))) for a in params.as_dict().values())
    if big > BIG_WEIGHT:
        st.warning(f"A weight as large as {big:.3g} saturates tanh: every h_t sits at ±1 and "
                   "tanh′ ≈ 0, so gradients through it vanish.")
    x, target, label = seq
    page(Setup(params=params, h0=np.full(params.H, h0_value), x=x[:, None], target=target[:, None],
               loss_on=loss_on, label=label, c0=None if c0_value is None else np.full(params.H, c0_value)))


def set_params(p):
    """Move the sidebar to Θ = p (from a callback, e.g. a gradient step); returns (Θ as set, names clipped)."""
    clipped, applied = [], {}
    ranges = SCALAR_RANGES if p.H == 1 else {"b_y": SCALAR_RANGES["b_y"]}
    for n, (lo, hi) in ranges.items():
        v = float(getattr(p, n).reshape(-1)[0])
        if not lo <= v <= hi:
            clipped.append(n)
        applied[n] = np.full(getattr(p, n).shape, min(max(v, lo), hi))
    p = p.replace(**applied)
    if p.H == 1:
        for n in SCALAR_RANGES:
            state.set(n, float(applied[n].reshape(-1)[0]))
    else:
        matrix_grid.set_matrices(p)
    return p, clipped


__all__ = ["Setup", "model_and_sequence", "rnn_model", "set_params", "MODEL_FIELDS", "SEQUENCE_FIELDS"]
