"""The LSTM & GRU page's model: a cell choice, then that cell's widgets in the sidebar's model box.

    params, values = model(box, H)     # ui/sidebar.model_and_sequence(page, model=model)

RNN: the shared sidebar's own widgets (ui/sidebar.rnn_model). LSTM / GRU, H = 1: a slider per scalar weight,
grouped by gate (W_i·, W_h·, b_i·, b_h· as PyTorch names them). H > 1: PyTorch's default init U(−1/√H, 1/√H)
from the seed, a gain per gate, and a bias added to the gate that keeps the state (LSTM f, GRU z).
Presets set these fields (one choice; moving any weight afterwards shows it as "custom").
"""
import numpy as np
import streamlit as st

import rnnviz
from ui import controls, matrix_grid, state  # noqa: F401 — matrix_grid registers the "seed" field
from ui.gate_presets import load as trained
from ui.sidebar import rnn_model

CELLS = {"LSTM": rnnviz.LSTMParams, "GRU": rnnviz.GRUParams}
GATES = {"LSTM": "ifgo", "GRU": "rzn"}
KEEP = {"LSTM": "f", "GRU": "z"}  # the gate that carries the state through: c ← f ⊙ c, h ← z ⊙ h
GATE_TITLE = {"i": "input gate i", "f": "forget gate f", "g": "candidate g", "o": "output gate o",
              "r": "reset gate r", "z": "update gate z", "n": "candidate n"}
PARTS = ("W_i", "W_h", "b_i", "b_h")   # W_ig, W_hg, b_ig, b_hg for gate g
WEIGHT_RANGE = 20.0                    # the trained sine model needs |W_hi| ≈ 17
PRESET_NAMES = {"custom": "custom", "pytorch": "PyTorch default init", "open": "keep gate open (+3)",
                "shut": "keep gate shut (−3)", "sine": "trained on the sine task"}


def _default_h1(cell):
    """H = 1 defaults: PyTorch's default init at seed 0, to 3 decimals."""
    p = CELLS[cell].random(1, seed=0)
    return {f"{part}{g}": round(float(p.gate(g)[part].item()), 3) for g in GATES[cell] for part in PARTS}


MODEL_FIELDS = [
    state.field("cell", "choice", "LSTM", choices=("RNN", "LSTM", "GRU"), label="Cell", widget="segmented",
                help="RNN: h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h). LSTM and GRU: gated, as torch.nn documents."),
    state.field("gate_preset", "choice", "custom", choices=tuple(PRESET_NAMES), names=tuple(PRESET_NAMES.values()),
                label="Preset", widget="select",
                help="Keep gate: the LSTM's forget gate f (c_t = f ⊙ c_{t−1} + …), the GRU's update gate z "
                     "(h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}); its biases set to ±3 (H = 1) or ±3 added (H > 1)."),
    *[state.field(name, "float", v, lo=-WEIGHT_RANGE, hi=WEIGHT_RANGE, step=0.01, fmt="%.3f", label=name)
      for cell in CELLS for name, v in _default_h1(cell).items()],
    *[state.field(f"gain_{g}", "float", 1.0, lo=0.0, hi=3.0, step=0.05, label=f"gain on gate {g}",
                  help=f"the rows of W_ih, W_hh, b_ih, b_hh of the {GATE_TITLE[g]}, times this gain")
      for g in "ifgorzn"],
    state.field("b_keep", "float", 0.0, lo=-10.0, hi=10.0, step=0.1, fmt="%.1f", label="keep-gate bias",
                help="Added to b_if (LSTM) or b_iz (GRU) for every unit: + opens the gate, − shuts it."),
    state.field("c0", "float", 0.0, lo=-5.0, hi=5.0, step=0.01, fmt="%.2f", label="c_0",
                help="The LSTM's initial cell state (every unit)."),
]


def scalar_params(cell, v):
    """Θ for H = 1 from the sliders' values: the stacked (G, 1) arrays in PyTorch's gate order."""
    col = lambda part: [v[f"{part}{g}"] for g in GATES[cell]]  # noqa: E731
    return CELLS[cell](W_ih=np.array(col("W_i"))[:, None], W_hh=np.array(col("W_h"))[:, None],
                       b_ih=col("b_i"), b_hh=col("b_h"), W_hy=[[v["W_hy"]]], b_y=[v["b_y"]])


def seeded_params(cell, H, seed, gains, b_keep, b_y):
    """Θ for H > 1: PyTorch's default init from the seed, gate rows × their gain, b_keep added to the keep gate."""
    p = CELLS[cell].random(H, seed=seed, gains=gains)
    b = p.b_ih.copy()
    k = GATES[cell].index(KEEP[cell])
    b[k * H:(k + 1) * H] += b_keep
    return p.replace(b_ih=b, b_y=[b_y])


def params_for(cell, H):
    """Θ of `cell` from its stored settings, drawing nothing (the other cells of the comparison plot)."""
    if cell == "RNN":
        if H == 1:
            return rnnviz.RNNParams.scalar(**{n: state.current(n) for n in ("W_xh", "W_hh", "b_h", "W_hy", "b_y")})
        base = matrix_grid.seeded(H, state.current("seed"), [state.current(f"gain_{n}") for n in matrix_grid.GAINS])
        try:
            base = matrix_grid.parse_cells(state.current("cells"), base)  # its grid's edits, as its link keeps them
        except ValueError:
            pass  # (the RNN's own page says so when it draws the grid)
        return rnnviz.RNNParams(**base, b_y=[state.current("b_y")])
    if H == 1:
        return scalar_params(cell, {n: state.current(n) for n in _scalar_names(cell)})
    return seeded_params(cell, H, state.current("seed"), {g: state.current(f"gain_{g}") for g in GATES[cell]},
                         state.current("b_keep"), state.current("b_y"))


def _scalar_names(cell):
    return [f"{part}{g}" for g in GATES[cell] for part in PARTS] + ["W_hy", "b_y"]


def _custom():
    state.set("gate_preset", "custom")  # a weight moved by hand: no preset describes the model any more


def _apply_preset():
    """Set the fields of the chosen preset (for the cell shown); H and the sequence only for 'sine'."""
    cell, H, name = state.current("cell"), state.current("H"), state.current("gate_preset")
    if cell not in CELLS or name == "custom":
        return
    keep = KEEP[cell]
    if name == "sine":
        p = trained()[cell]
        for field, value in dict(H=1, source="preset", preset="sine", T=40, freq=1.0, amplitude=1.0).items():
            state.set(field, value)
        st.session_state["_gates_app_rerun"] = True  # H and the sequence live outside the page's fragment
        values = {f"{part}{g}": float(p.gate(g)[part].item()) for g in GATES[cell] for part in PARTS}
        values.update(W_hy=float(p.W_hy.item()), b_y=float(p.b_y.item()))
    elif H == 1:
        values = {**_default_h1(cell), "W_hy": 1.0, "b_y": 0.0}
        if name != "pytorch":
            values.update({f"b_i{keep}": 3.0 if name == "open" else -3.0, f"b_h{keep}": 0.0})
    else:
        values = {f"gain_{g}": 1.0 for g in GATES[cell]}
        values["b_keep"] = {"pytorch": 0.0, "open": 3.0, "shut": -3.0}[name]
    for field, value in values.items():
        state.set(field, value)


def model(box, H):
    """The cell choice and preset, then the chosen cell's widgets, in `box`: (Θ or None, values)."""
    if st.session_state.pop("_gates_app_rerun", False):
        st.rerun(scope="app")
    gated = state.current("cell") in CELLS            # the presets are the gated cells' (the panel shows it)
    top = controls.panel(["cell", *(["gate_preset"] if gated else [])], key="cell_panel", container=box,
                         on_change={"gate_preset": _apply_preset, "cell": _custom})
    cell = top["cell"]
    if cell == "RNN":
        return rnn_model(box, H)
    if H == 1:
        v = {}
        for g in GATES[cell]:
            names = [f"{part}{g}" for part in PARTS]
            box.caption(f"**{GATE_TITLE[g]}**: {'tanh' if g in 'gn' else 'σ'}(W_i{g} x + b_i{g} + "
                        + (f"r ⊙ (W_h{g} h + b_h{g}))" if g == "n" else f"W_h{g} h + b_h{g})"))
            v.update(controls.panel(names, key=f"gate_{g}_panel", container=box,
                                    on_change={n: _custom for n in names}))
        box.caption("**readout and initial state**: y = W_hy h + b_y")
        v.update(controls.panel(["W_hy", "b_y", "h0", *(["c0"] if cell == "LSTM" else [])], key="readout_panel",
                                container=box, on_change={"W_hy": _custom, "b_y": _custom}))
        return scalar_params(cell, v), v
    gains = [f"gain_{g}" for g in GATES[cell]]
    v = controls.panel(["seed", *gains, "b_keep", "b_y", "h0", *(["c0"] if cell == "LSTM" else [])],
                       key="model_panel", container=box,
                       overrides={"b_keep": dict(label=f"b_{KEEP[cell]} added (keep gate)")},
                       on_change={n: _custom for n in ["seed", *gains, "b_keep"]})
    return seeded_params(cell, H, v["seed"], {g: v[f"gain_{g}"] for g in GATES[cell]}, v["b_keep"], v["b_y"]), v


def comparison(setup):
    """{cell: (Θ, run)} for RNN, LSTM and GRU on the setup's sequence: the page's cell as set, the other two from
    their own stored settings (switch the cell to see and change them)."""
    out = {}
    for cell in ("RNN", "LSTM", "GRU"):
        p = setup.params if setup.params.cell.name == cell else params_for(cell, setup.params.H)
        c0 = None if cell != "LSTM" else setup.c0 if setup.c0 is not None else np.full(p.H, state.current("c0"))
        out[cell] = (p, rnnviz.forward(p, setup.x, setup.h0, c0))
    return out
