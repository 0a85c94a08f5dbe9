"""Streamlit components of the BPTT page: the autograd check, the gradient totals, seed 003's formulas.

    ∂L/∂Θ from rnnviz.bptt (numpy, a reverse loop) against torch.autograd (float64), same truncation.
"""
import numpy as np
import streamlit as st

from rnnviz import PARAM_NAMES
from ui import figures_bptt as F
from ui.live import live_latex
from ui.numbers import sig

EQUATIONS = (  # a_t, the pre-activation, defined before the first line that uses it
    r"a_t = W_{xh}\,x_t + W_{hh}\,h_{t-1} + b_h,\quad h_t = \tanh(a_t),\quad y_t = W_{hy}\,h_t + b_y",
    r"\frac{\partial L}{\partial h_t} = W_{hy}^\top \frac{\partial L}{\partial y_t}"
    r" + W_{hh}^\top \frac{\partial L}{\partial a_{t+1}}, \quad"
    r"\frac{\partial L}{\partial a_t} = \frac{\partial L}{\partial h_t} \odot (1 - h_t^2), \quad"
    r"\frac{\partial L}{\partial W_{hh}} = \sum_t \frac{\partial L}{\partial a_t}\, h_{t-1}^\top")


@st.cache_data(max_entries=32, show_spinner="torch.autograd …")
def autograd_grads(W_xh, W_hh, b_h, W_hy, b_y, x, target, h0, truncate, loss_on):
    """torch.autograd's ∂L/∂Θ and ∂L/∂h_t; cached on the arrays (≈0.1 s at T = 100, more when truncated)."""
    import rnnviz.oracle  # torch loads only when a page first asks for the check
    p = rnnviz.RNNParams(W_xh=W_xh, W_hh=W_hh, b_h=b_h, W_hy=W_hy, b_y=b_y)
    return rnnviz.oracle.torch_bptt(p, x, target, h0, truncate=truncate, loss_on=loss_on)


def largest_difference(g, auto):
    """max |rnnviz − autograd| over every entry of ∂L/∂Θ and of ∂L/∂h_t."""
    return max(float(np.max(np.abs(np.asarray(getattr(g, n)) - auto[n]))) for n in PARAM_NAMES + ("dh",))


def autograd_check(g, setup, heading="### Autograd check"):
    """The same gradients from torch.autograd, and the largest difference, on the page."""
    p = g.params
    auto = autograd_grads(*(p.as_dict()[n] for n in PARAM_NAMES), setup.x, setup.target, setup.h0,
                          g.truncate, setup.loss_on)
    diff = largest_difference(g, auto)
    n = sum(a.size for a in p.as_dict().values())
    verdict = "agree to float64 rounding" if diff < 1e-9 * max(1.0, abs(g.loss)) else "DISAGREE"
    # one element (not a metric beside a paragraph in two columns): fewer elements to re-render per move
    st.markdown(f"{heading}\n\n**largest |rnnviz − autograd|** = **{diff:.2e}** (max over every entry of ∂L/∂Θ "
                f"and of ∂L/∂h_t; float64 rounding is about 1e-16 per operation). numpy's reverse loop and "
                f"`torch.autograd` (float64, {'full BPTT' if g.truncate is None else f'truncated to k = {g.truncate}'}) "
                f"{verdict}: {n} parameter gradients and {g.dh.size} values of ∂L/∂h_t compared.")
    # the table is built and sent only while the expander is open (a keyed expander reruns when toggled):
    # closed, a weight move re-renders no hidden data grid
    table = st.expander("every entry, side by side", key="bptt_check_table", on_change="rerun")
    if table.open:
        table.dataframe(F.totals_table(g, auto), hide_index=True, width="stretch")
    return diff


def totals(g, heading):
    """`heading`, L and ∂L/∂θ for each parameter (the value at H = 1, else the Frobenius norm of the matrix) as
    one markdown element: six st.metric in columns were thirteen elements to re-render on every move."""
    cells = []
    for name in PARAM_NAMES:
        a = np.asarray(getattr(g, name))
        cells.append((f"∂L/∂{name}", float(a.ravel()[0])) if a.size == 1 else
                     (f"‖∂L/∂{name}‖", float(np.linalg.norm(a))))
    norm = "" if all(np.asarray(getattr(g, n)).size == 1 for n in PARAM_NAMES) else \
        "\n\n‖·‖: the Frobenius norm of a matrix's gradient."
    rows = "".join(f"| {label} | {v:.6g} |\n" for label, v in cells)  # one row each: fits a phone's width
    st.markdown(f"{heading}\n\nL = Σ_t L_t = **{g.loss:.6g}**\n\n| gradient | value |\n|---|---:|\n{rows}{norm}")


def seed003(g1, g_full, t, i, h0):
    """Seed 003's one-step formulas for L_t with live numbers, corrected, beside the full gradient of L_t."""
    rows = F.seed003_latex(g1, g_full, t, i)
    live_latex([r["latex"] for r in rows], key="bptt_seed003")
    st.markdown(F.seed003_table(rows, t, h0_zero=not np.any(h0)))
    return rows


SEED_SLIPS = r"""**What seed 003's formulas get wrong.**
1. They **drop the recurrent path**: $\partial h_t/\partial W_{hh}$ is taken as if $h_{t-1}$ did not itself
   depend on $W_{hh}$, so each $L_t$ sends its gradient back through one step only. That is exactly truncated
   BPTT with $k = 1$; the table sets each one-step number beside the full gradient of the same $L_t$.
2. They write $(1 - h)^2$ where the derivative of tanh is $1 - h^2$: $\tanh'(a_t) = 1 - \tanh^2(a_t) = 1 - h_t^2$.
   The formulas below use the correct $1 - h_t^2$; the printed version's number is in the table's last column."""


def contributions_alt(g, names):
    """The contribution heatmap's numbers in words, for screen readers: its largest term, where, and Σ_t."""
    labels, C = F.contribution_matrix(g, names)                  # (rows, T)
    r, t = np.unravel_index(np.argmax(np.abs(C)), C.shape)
    return (f"Its largest term is {labels[r]}'s at step t = {t + 1}: {sig(C[r, t])}, of ∂L/∂{labels[r]} = "
            f"{sig(C[r].sum())} in all.")


def dh_alt(g):
    """The ∂L/∂h_t bars' numbers in words: where the gradient reaching h_t is largest and smallest."""
    n = np.linalg.norm(g.dh, axis=1)                             # (T,) ‖∂L/∂h_t‖₂
    big, small = int(np.argmax(n)), int(np.argmin(n))
    return (f"‖∂L/∂h_t‖₂ is largest at t = {big + 1} ({sig(n[big])}) and smallest at t = {small + 1} "
            f"({sig(n[small])}).")
