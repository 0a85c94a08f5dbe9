"""One time step's arithmetic as LaTeX with the live numbers substituted (pure; no Streamlit).

Seed 003 writes it by hand as  h_2 = tanh(0.5·0.664 + 0.8·2 + 0) = 0.959;  this module writes the
same line for any step t, and the vector/matrix form when H > 1.
"""
import numpy as np

import rnnviz


def num(v, d=3):
    """A number as seed 003 writes it: d decimals, trailing zeros dropped only when exact (0.5, 2), (−x)."""
    v = float(v)
    if abs(v) >= 1e5:
        s = f"{v:.2e}".replace("e", r"\mathrm{e}")
    else:
        s = f"{v:.{d}f}"
        if float(s) == v:  # 0.500 → 0.5, 2.000 → 2; but 0.99999 stays 1.000 so it does not read as exact
            s = s.rstrip("0").rstrip(".")
        s = "0" if float(s) == 0 else s
    return f"({s})" if v < 0 and s != "0" else s


def bmatrix(a, d=2):
    """A numpy vector (column) or matrix as a LaTeX bmatrix."""
    a = np.atleast_2d(a)
    rows = [" & ".join(num(v, d).strip("()") if v >= 0 else f"{v:.{d}f}" for v in r) for r in a]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def scalar_step(run, params, target, t):
    """[h_t line, y_t line, L_t line] for H = 1; t counts from 1."""
    i = t - 1
    W_xh, W_hh, b_h = (float(a.reshape(-1)[0]) for a in (params.W_xh, params.W_hh, params.b_h))
    W_hy, b_y = float(params.W_hy[0, 0]), float(params.b_y[0])
    h_prev, x, a, h, y = run.hs[i, 0], run.x[i, 0], run.a[i, 0], run.h[i, 0], run.y[i, 0]
    tg = float(target[i, 0])
    L = rnnviz.step_losses(run.y[i:i + 1], target[i:i + 1])[0]
    return [
        rf"h_{{{t}}} = \tanh(W_{{hh}}\,h_{{{t - 1}}} + W_{{xh}}\,x_{{{t}}} + b_h)"
        rf" = \tanh({num(W_hh)}\cdot{num(h_prev)} + {num(W_xh)}\cdot{num(x)} + {num(b_h)})"
        rf" = \tanh({num(a)}) = {num(h)}",
        rf"y_{{{t}}} = W_{{hy}}\,h_{{{t}}} + b_y = {num(W_hy)}\cdot{num(h)} + {num(b_y)} = {num(y)}",
        rf"L_{{{t}}} = \tfrac12\,(y_{{{t}}} - \mathrm{{target}}_{{{t}}})^2 = \tfrac12\,({num(y)} - {num(tg)})^2"
        rf" = {num(L, 4)}",
    ]


def vector_step(run, params, target, t):
    """The same three lines in vector/matrix form for H > 1 (2 decimals)."""
    i = t - 1
    x, y, tg = run.x[i, 0], run.y[i, 0], float(target[i, 0])
    L = rnnviz.step_losses(run.y[i:i + 1], target[i:i + 1])[0]
    return [
        rf"h_{{{t}}} = \tanh\big(W_{{xh}}\,x_{{{t}}} + W_{{hh}}\,h_{{{t - 1}}} + b_h\big)",
        rf"= \tanh\Big({bmatrix(params.W_xh)}\,{num(x)} + {bmatrix(params.W_hh)}{bmatrix(run.hs[i][:, None])}"
        rf" + {bmatrix(params.b_h[:, None])}\Big)",
        rf"= \tanh{bmatrix(run.a[i][:, None])} = {bmatrix(run.h[i][:, None])}",
        rf"y_{{{t}}} = W_{{hy}}\,h_{{{t}}} + b_y = {bmatrix(params.W_hy)}{bmatrix(run.h[i][:, None])}"
        rf" + {num(params.b_y[0])} = {num(y)}",
        rf"L_{{{t}}} = \tfrac12\,({num(y)} - {num(tg)})^2 = {num(L, 4)}",
    ]


def step_lines(run, params, target, t):
    """scalar_step for H = 1, vector_step otherwise (an overflowing L_t prints as inf)."""
    with np.errstate(over="ignore"):
            return scalar_step(run, params, target, t) if params.H == 1 else vector_step(run, params, target, t)


def sgd_lines(params, grads, lr, new):
    """Θ_new = Θ − α ∂L/∂Θ per parameter with numbers (scalars) or norms (matrices)."""
    lines = []
    for n in ("W_xh", "W_hh", "b_h", "W_hy", "b_y"):
        sym = {"W_xh": "W_{xh}", "W_hh": "W_{hh}", "b_h": "b_h", "W_hy": "W_{hy}", "b_y": "b_y"}[n]
        old, g, nw = getattr(params, n), getattr(grads, n), getattr(new, n)
        if old.size == 1:
            lines.append(rf"{sym} \leftarrow {num(old.item(), 4)} - {num(lr, 4)}\cdot{num(g.item(), 4)}"
                         rf" = {num(nw.item(), 4)}")
        else:
            lines.append(rf"{sym} \leftarrow {sym} - {num(lr, 4)}\,\frac{{\partial L}}{{\partial {sym}}},"
                         rf"\quad \Big\|\frac{{\partial L}}{{\partial {sym}}}\Big\|_F = {num(np.linalg.norm(g), 4)},"
                         rf"\quad \|\Delta {sym}\|_F = {num(np.linalg.norm(nw - old), 4)}")
    return lines
