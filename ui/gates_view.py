"""The LSTM & GRU page's text: each cell's equations, step t's arithmetic on live numbers, and the numbers that
say how gates fix vanishing gradients. Pure functions (strings and arrays), no Streamlit."""
import numpy as np

import rnnviz
from ui import arithmetic
from ui.arithmetic import bmatrix
from ui.numbers import factor, fixed, loss, num, product, signed_sum
from ui.figures_decay import sci

EQUATIONS = {  # one equation a line: they wrap on a phone instead of scrolling sideways
    "RNN": [r"h_t = \tanh(W_{xh}\,x_t + W_{hh}\,h_{t-1} + b_h)"],
    "LSTM": [r"i_t = \sigma(W_{ii}x_t + b_{ii} + W_{hi}h_{t-1} + b_{hi})",
             r"f_t = \sigma(W_{if}x_t + b_{if} + W_{hf}h_{t-1} + b_{hf})",
             r"g_t = \tanh(W_{ig}x_t + b_{ig} + W_{hg}h_{t-1} + b_{hg})",
             r"o_t = \sigma(W_{io}x_t + b_{io} + W_{ho}h_{t-1} + b_{ho})",
             r"c_t = f_t \odot c_{t-1} + i_t \odot g_t,\qquad h_t = o_t \odot \tanh(c_t)"],
    "GRU": [r"r_t = \sigma(W_{ir}x_t + b_{ir} + W_{hr}h_{t-1} + b_{hr})",
            r"z_t = \sigma(W_{iz}x_t + b_{iz} + W_{hz}h_{t-1} + b_{hz})",
            r"n_t = \tanh(W_{in}x_t + b_{in} + r_t \odot (W_{hn}h_{t-1} + b_{hn}))",
            r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}"],
}
READOUT = [r"y_t = W_{hy}\,h_t + b_y", r"L_t = \tfrac12\,(y_t - \mathrm{target}_t)^2"]
SIGMA = r"\sigma(a) = 1/(1 + e^{-a}),\ \ \odot\text{: elementwise}"


def equations(cell):
    return EQUATIONS[cell] + READOUT + ([SIGMA] if cell != "RNN" else [])


def _gate_line(p, run, g, t, act, a):
    """g_t = act(W_ig x_t + b_ig + W_hg h_{t−1} + b_hg) = act(a) with numbers (H = 1); a from the engine."""
    w, i = p.gate(g), t - 1
    x, h = run.x[i, 0], run.hs[i, 0]
    value = run.gates[g][i, 0]
    fn = r"\tanh" if act == "tanh" else r"\sigma"
    h_s = num(h) if t == 1 else fixed(h)  # h_0 is set, later h computed (the forward page's number rule)
    recurrent = [product(num(w["W_h"].item()), h_s), num(w["b_h"].item())]
    if g == "n":
        recurrent = [product(fixed(run.gates["r"][i, 0], 4), f"({signed_sum(recurrent)})")]
    inner = signed_sum([product(num(w["W_i"].item()), num(x)), num(w["b_i"].item()), *recurrent])
    return rf"{g}_{{{t}}} = {fn}({inner}) = {fn}({fixed(a)}) = {fixed(value, 4)}"


def _vector_gate_line(run, g, t, act):
    """g_t as a vector (H > 1): its value only, the pre-activation folded in."""
    fn = r"\tanh" if act == "tanh" else r"\sigma"
    return rf"{g}_{{{t}}} = {fn}(\cdots) = {bmatrix(run.gates[g][t - 1][:, None])}"


def step_lines(cell, p, run, target, t):
    """Step t's arithmetic, every gate's formula on the live numbers (vectors when H > 1)."""
    if cell == "RNN":
        return arithmetic.step_lines(run, p, target, t)
    i, scalar = t - 1, p.H == 1
    acts = {"i": "σ", "f": "σ", "g": "tanh", "o": "σ", "r": "σ", "z": "σ", "n": "tanh"}
    if scalar:
        a = p.cell.pre_activations(p, run)
        lines = [_gate_line(p, run, g, t, acts[g], a[g][i, 0]) for g in run.gates]
    else:
        lines = [_vector_gate_line(run, g, t, acts[g]) for g in run.gates]
    v = (lambda a: fixed(a[0], 4)) if scalar else (lambda a: bmatrix(a[:, None]))  # noqa: E731
    G = run.gates
    if cell == "LSTM":
        c_prev, c = run.cs[i], run.cs[t]
        lines.append(rf"c_{{{t}}} = f_{{{t}}} \odot c_{{{t - 1}}} + i_{{{t}}} \odot g_{{{t}}} = "
                     + signed_sum([product(v(G['f'][i]), v(c_prev), r"\odot "), product(v(G['i'][i]), v(G['g'][i]), r"\odot ")])
                     + f" = {v(c)}")
        lines.append(rf"h_{{{t}}} = o_{{{t}}} \odot \tanh(c_{{{t}}}) = {v(G['o'][i])}\odot\tanh({v(c)}) = {v(run.hs[t])}")
    else:
        lines.append(rf"h_{{{t}}} = (1 - z_{{{t}}}) \odot n_{{{t}}} + z_{{{t}}} \odot h_{{{t - 1}}} = "
                     + signed_sum([product(v(1 - G['z'][i]), v(G['n'][i]), r"\odot "),
                                   product(v(G['z'][i]), v(run.hs[i]), r"\odot ")]) + f" = {v(run.hs[t])}")
    with np.errstate(over="ignore"):
        L = rnnviz.step_losses(run.y[i:i + 1], target[i:i + 1])[0]
    h_text = fixed(run.hs[t, 0], 4) if scalar else rf"h_{{{t}}}"
    lines.append(rf"y_{{{t}}} = W_{{hy}}\,h_{{{t}}} + b_y = " + (
        signed_sum([product(num(p.W_hy[0, 0]), h_text), num(p.b_y[0])]) if scalar else
        rf"{bmatrix(p.W_hy)}{bmatrix(run.hs[t][:, None])} + {num(p.b_y[0])}") + rf" = {fixed(run.y[i, 0], 4)},\quad "
        rf"L_{{{t}}} = \tfrac12\,({fixed(run.y[i, 0], 4)} - {factor(num(target[i, 0]))})^2 = {loss(L)}")
    return lines


def summary(curves, T):
    """What the connectivity curves say at the far end, k = T − 1, with their numbers (markdown)."""
    if T < 2:
        return "With T = 1 there is no step back to take: use a longer sequence."
    far = {cell: v[T - 1] for cell, v in curves.items()}
    parts = [f"{cell} {sci(v)}" for cell, v in far.items()]
    best = max(far, key=lambda c: far[c] if np.isfinite(far[c]) else -np.inf)
    worst = min(far, key=lambda c: far[c] if np.isfinite(far[c]) else -np.inf)
    gap = far[best] - far[worst]
    text = f"At k = {T - 1} (x₁'s effect on h_{T}): " + ", ".join(parts) + "."
    if np.isfinite(gap) and gap >= 1:
        text += f" {best} keeps about 10^{gap:.0f} times more of x₁ than {worst} on this sequence."
    elif np.isinf(gap):
        text += f" Nothing of x₁ reaches h_{T} through {worst} (a fully saturated step)."
    else:
        text += " The three cells keep x₁ within a factor of 10 of each other here."
    return text


def belt_summary(log_forget, log_c, f):
    """The LSTM's Π f and ‖∂c_T/∂c_{T−k}‖ at k = T − 1, with what they say (markdown); f (T, H) its forget gates."""
    T = len(f)
    if T < 2:
        return ""
    k = T - 1
    text = f"At k = {k}: Π f = {sci(log_forget[k])} and ‖∂c_T/∂c_(T−k)‖₂ = {sci(log_c[k])}. "
    mean_f = float(np.mean(f))
    if log_forget[k] > -1:
        text += ("The forget gates stay near 1, so the belt alone carries c_(T−k) to c_T with more than a tenth "
                 "of it left: no W_hh and no tanh′ stand in its way.")
    elif mean_f >= 0.9:
        text += (f"The forget gates are open, {mean_f:.2f} on average, yet {k} factors just below 1 still leave "
                 f"less than a tenth of the belt's path: only f closer to 1 (a larger b_f) keeps more.")
    else:
        text += (f"The forget gates, {mean_f:.2f} on average, leave less than a tenth of the belt's path after "
                 f"{k} steps: open them (preset \"keep gate open\") and watch Π f flatten.")
    if abs(log_c[k] - log_forget[k]) >= 1:
        text += (" ‖∂c_T/∂c_(T−k)‖ differs from Π f by more than 10×: the other paths (c → h → gates → c, "
                 "through W_hh and the gates' σ′) add to the belt's path or cancel it.")
    return text


DIAGRAM_CAPTION = {
    "RNN": "Columns are time steps; blue = positive, red = negative. The RNN has no gates: compare with LSTM or GRU.",
    "LSTM": "Columns are time steps. Gates i, f, o: white = shut (0), blue = open (1); g, h, c, x: blue = positive, "
            "red = negative. The c row is the conveyor belt: the arrows between its cells grow with the "
            "forget gate f_t (its mean over the units), the share of c_{t−1} that c_t keeps.",
    "GRU": "Columns are time steps. Gates r, z: white = shut (0), blue = open (1); n, h, x: blue = positive, "
           "red = negative. Where z_t is open (≈ 1), h_t keeps h_{t−1}.",
}

EXPLANATION = (
    "**Why.** On the vanishing page, ∂h_T/∂h_(T−k) is a product of k Jacobians J_t = diag(1 − h_t²) W_hh: every "
    "factor goes through tanh′ ≤ 1 and the same W_hh, so unless ‖W_hh‖ is just right the product shrinks (or "
    "grows) geometrically in k. An LSTM gives the state a second path: along the belt, ∂c_t/∂c_(t−1) = "
    "diag(f_t) — no W_hh and no tanh′ in it. Over k steps that path is the product Π f, which stays near 1 for "
    "as long as the forget gates stay open, so the gradient that reaches c_(T−k) need not vanish. The GRU does "
    "the same with h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_(t−1): where z_t ≈ 1, ∂h_t/∂h_(t−1) ≈ diag(z_t) ≈ I. "
    "‖∂c_T/∂c_(T−k)‖ also counts every other path from c_(T−k) to c_T (through h and the gates, which do meet "
    "W_hh and σ′): those can add to the belt's path or cancel it, so the two curves need not agree.")


def connectivity_curves(runs):
    """{cell: (T,) log10 ‖∂h_T/∂x_{T−k}‖₂} for every cell of the comparison."""
    return {cell: rnnviz.log10_connectivity(p, run) for cell, (p, run) in runs.items()}


def belt_curves(p, run):
    """(log10 max_i Π f, log10 ‖∂c_T/∂c_{T−k}‖₂), (T,) each, for an LSTM's run."""
    with np.errstate(divide="ignore"):
        return np.log10(rnnviz.forget_product(run)), rnnviz.log10_decay(p, run, part="c")
