"""The training page's views of the adding problem and of a race: one notation with the other pages
(W_xh, W_hh, b_h, W_hy, b_y, y, L), the loss and its units, the race chart and verdict, and the memory view."""
import numpy as np
import streamlit as st

from rnnviz.datasets import ADDING_BASELINE
from rnnviz.export import log_csv, standalone_script
from ui import train_figures as figs
from ui.live import live_chart

NAMES = figs.NAMES
EQUATIONS = {  # one short line each, so a phone shows them whole; the readout follows once
    "elman": r"\text{RNN: } h_t = \tanh(W_{xh} x_t + W_{hh} h_{t-1} + b_h)",
    "concat": r"v_t = [x_t,\, h_{t-1}],\quad h_t = \tanh(W_h v_t + b_h)",
    "lstm": r"\begin{gathered}\text{LSTM: } c_t = f_t \odot c_{t-1} + i_t \odot g_t,\\ h_t = o_t \odot \tanh(c_t)"
            r"\end{gathered}",
    "gru": r"\text{GRU: } h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}",
}
READOUT = {"concat": r"y = W_o v_T + b_o"}  # every other cell: y = W_hy h_T + b_y
TORCH_NAMES = {
    "elman": "PyTorch's `nn.RNN` names W_xh `weight_ih_l0`, W_hh `weight_hh_l0`, and splits b_h into "
             "`bias_ih_l0 + bias_hh_l0`; W_hy, b_y are the `nn.Linear` readout's `weight`, `bias`.",
    "concat": "Seed 004's cell: W_h is `i2h.weight` acting on [x_t, h_{t−1}], W_o is `i2o.weight`.",
    "lstm": "`nn.LSTM`: gates i, f, g, o from W_xh = `weight_ih_l0` (4H rows) and W_hh = `weight_hh_l0`; the "
            "cell state c_t is updated by addition, which lets a value travel far.",
    "gru": "`nn.GRU`: gates r, z, n from W_xh = `weight_ih_l0` (3H rows) and W_hh = `weight_hh_l0`; an update "
           "gate z_t near 1 carries the previous state forward unchanged.",
}


def equations(cfg):
    """The cell(s) in the app's notation, and what PyTorch calls each weight."""
    for cell in cfg.cells:
        st.latex(EQUATIONS[cell])
    st.latex(READOUT.get(cfg.cell if not cfg.race else "elman", r"y = W_{hy} h_T + b_y"))
    st.caption(" ".join(TORCH_NAMES[cell] for cell in cfg.cells))


def loss_caption(cfg, task):
    """What the training loss is, and in which units."""
    mse = (r"The training loss is $L = \frac{1}{B}\sum_b (y_b - \text{target}_b)^2$ over a batch of B "
           r"(PyTorch's `MSELoss`: a mean, without the ½ of the other pages' $L_t$). ")
    if cfg.task == "adding":
        st.caption(mse + "Its units are the target's (a sum of two values in [0, 1]). Answering 1 every time "
                   "scores the baseline; a cell below it has remembered the marked values.")
    elif task is not None and (task.mean, task.std) != (0.0, 1.0):
        st.caption(mse + f"The series is standardised first, z = (s − μ)/σ with μ = {task.mean:.4g} and "
                   f"σ = {task.std:.4g}, so L is in units of σ²; the table also gives the error in the "
                   "series' own units, σ·√L.")
    else:
        st.caption(mse + "The sine family is learnt as it is (no standardising), so L is in the series' units.")


def lanes_of(records, cfg):
    """{cell: [EpochRecord]} of a race's RaceRecords or a solo run's EpochRecords."""
    if cfg.race:
        return {cell: [r.of(cell) for r in records] for cell in cfg.cells}
    return {cfg.cell: list(records)}


def adding_charts(snap, run):
    """The adding problem's live charts: loss (or the race's test losses), gradient norms, then the memory view."""
    cfg, records = snap.config, snap.records
    lanes, baseline = lanes_of(records, cfg), run.view("baseline")
    if baseline is None:  # the test set is drawn when training starts; until then, its expectation
        baseline = ADDING_BASELINE
    if cfg.race:
        loss = figs.race_loss_figure(lanes, baseline)
        grad = figs.race_grad_figure(lanes, cfg.max_norm, cfg.clip)
    else:
        loss = figs.loss_figure(records, baseline, held_out="test loss")
        grad = figs.grad_norm_figure(records, cfg.max_norm, cfg.clip)
    left, right = st.columns(2)
    with left:
        live_chart(loss, key="train_fig_loss", patch=True)
    with right:
        live_chart(grad, key="train_fig_grad", patch=True)
    if records:
        verdict(lanes, baseline, records[-1].epoch * cfg.steps_per_epoch)
    memory(snap, run)


def series_race_charts(snap, run):
    """A race on a series: the three validation losses on one chart, the gradient norms, who is ahead."""
    cfg = snap.config
    lanes = lanes_of(snap.records, cfg)
    left, right = st.columns(2)
    with left:
        live_chart(figs.race_loss_figure(lanes, held_out="validation"), key="train_fig_loss", patch=True)
    with right:
        live_chart(figs.race_grad_figure(lanes, cfg.max_norm, cfg.clip), key="train_fig_grad", patch=True)
    if snap.records:
        verdict(lanes, None, None)


BEAT = 0.5  # a cell "beat the baseline" once its test loss is below half of it


def verdict(lanes, baseline, steps):
    """Each cell's latest held-out loss, and who beat the baseline (adding) or who is ahead (series)."""
    last = {cell: records[-1] for cell, records in lanes.items()}
    losses = {cell: r.val_loss for cell, r in last.items() if r.divergence is None and np.isfinite(r.val_loss)}
    for cell, r in last.items():
        if r.divergence is not None:
            st.error(r.divergence.message, icon=":material/error:")
    rows = " | ".join(f"{NAMES[c]} {losses[c]:.2e}" if c in losses else f"{NAMES[c]} diverged" for c in last)
    if baseline is None:
        if losses:
            best = min(losses, key=losses.get)
            st.markdown(f"**Validation loss** {rows}. Lowest: **{NAMES[best]}**.")
        return
    won = [c for c, v in losses.items() if v < BEAT * baseline]
    lost = [c for c in last if c not in won]
    names = " and ".join(f"**{NAMES[c]}**" for c in won)
    head = (f"{names} beat the baseline" if won else "No cell has beaten the baseline yet")
    tail = f"; {', '.join(NAMES[c] for c in lost)} {'has' if len(lost) == 1 else 'have'} not" if won and lost else ""
    st.markdown(f"**After {steps:,} steps:** {head} ({baseline:.3f}){tail}. Test loss: {rows}.")
    st.caption(f"Beating the baseline here means a test loss below half of it, {BEAT * baseline:.3f}.")


def memory(snap, run):
    """One test sequence, its two marked steps, the target and each cell's answer; each cell's ‖∂h_T/∂x_{T−k}‖."""
    xs, ys = run.view("sample_x"), run.view("sample_y")
    if xs is None:
        return
    st.subheader("Memory: what each cell still hears of the marked values")
    cfg = snap.config
    n = st.number_input("Test sequence", 1, len(xs), 1, key="train_sample",
                        help="Which of the test set's first sequences to show") - 1
    x, T = xs[n], len(xs[n])
    marks = [int(t) + 1 for t in np.flatnonzero(x[:, 1] > 0.5)]
    pred = snap.val_pred
    preds = {}
    if pred is not None:
        rows = np.atleast_2d(pred)  # (cells, samples)
        preds = {cell: float(rows[i, n]) for i, cell in enumerate(cfg.cells)}
    conn = {cell: c[n] for cell, c in (run.view("connectivity") or {}).items()}  # (samples, T) → this one's
    left, right = st.columns(2)
    with left:
        live_chart(figs.sample_figure(x, float(ys[n]), preds), key="train_fig_sample")
    with right:
        live_chart(figs.connectivity_figure(conn, marks, T), key="train_fig_memory")
    st.caption(memory_caption(conn, marks, T, float(ys[n]), preds))


def memory_caption(conn, marks, T, target, preds):
    """What the memory view shows, in its own numbers: how loud the first marked input still is at h_T."""
    first = T - marks[0]  # k of the first marked step
    parts = [f"The marked steps are t = {marks[0]} and t = {marks[1]} (k = {first} and {T - marks[1]} steps "
             f"before T = {T}); the target is {target:.3f}."]
    for cell, c in conn.items():
        answer = preds.get(cell)
        said = f", answer {answer:.3f}" if answer is not None and np.isfinite(answer) else ""
        parts.append(f"{NAMES[cell]}: ‖∂h_T/∂x‖ = {c[first]:.1e} at the first mark (k = {first}), "
                     f"{c[0]:.1e} at k = 0{said}.")
    if not conn:
        parts.append("Train a few epochs to see each cell's memory (it is computed from the trained weights by "
                     "the engine's connectivity, as on the LSTM & GRU page).")
    return " ".join(parts)


def downloads(snap, run):
    """A race's exports, one row per cell: weights, training log, standalone script."""
    weights = run.weights_pt() or {}
    for cell in snap.config.cells:
        cols = st.columns(3)
        records = [r.of(cell) for r in snap.records]
        cols[0].download_button(f"{NAMES[cell]} weights (.pt)", weights.get(cell, b""), f"rnnviz_{cell}_weights.pt",
                                "application/octet-stream", key=f"train_dl_weights_{cell}", on_click="ignore",
                                width="stretch", icon=":material/download:")
        cols[1].download_button(f"{NAMES[cell]} log (.csv)", log_csv(records), f"rnnviz_{cell}_training_log.csv",
                                "text/csv", key=f"train_dl_log_{cell}", on_click="ignore", width="stretch",
                                icon=":material/download:")
        cols[2].download_button(f"{NAMES[cell]} script (.py)", standalone_script(snap.config, cell),
                                f"rnnviz_train_{cell}.py", "text/x-python", key=f"train_dl_script_{cell}",
                                on_click="ignore", width="stretch", icon=":material/download:")
