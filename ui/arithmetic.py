r"""One time step's arithmetic as LaTeX with the live numbers substituted (pure; no Streamlit).

Seed 003 writes h_2 = tanh(0.5(0.664) + 0.8(2) + 0) = 0.958 by hand; this module writes the same line for
any step t in the page's one order, h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h), and the vector/matrix form
when H > 1, its numbers written by ui/numbers.py's one rule.
"""
import numpy as np

import rnnviz
from ui.numbers import factor, fixed, h_terms, loss, num, product, signed_sum


def bmatrix(a, fmt=fixed):
    """A numpy vector (column) or matrix as a LaTeX bmatrix, its entries by `fmt` (num or fixed)."""
    a = np.atleast_2d(a)
    rows = [" & ".join(fmt(v) for v in r) for r in a]
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
        rf"h_{{{t}}} = \tanh(W_{{xh}}\,x_{{{t}}} + W_{{hh}}\,h_{{{t - 1}}} + b_h)"
        rf" = \tanh({h_terms(W_xh, x, W_hh, h_prev, b_h, t)}) = \tanh({fixed(a)}) = {fixed(h)}",
        rf"y_{{{t}}} = W_{{hy}}\,h_{{{t}}} + b_y = {signed_sum([product(num(W_hy), fixed(h)), num(b_y)])}"
        rf" = {fixed(y)}",
        rf"L_{{{t}}} = \tfrac12\,(y_{{{t}}} - \mathrm{{target}}_{{{t}}})^2 = \tfrac12\,({fixed(y)} - {factor(num(tg))})^2"
        rf" = {loss(L)}",
    ]


def vector_step(run, params, target, t):
    """The same three lines in vector/matrix form for H > 1."""
    i = t - 1
    x, y, tg = run.x[i, 0], run.y[i, 0], float(target[i, 0])
    L = rnnviz.step_losses(run.y[i:i + 1], target[i:i + 1])[0]
    h_prev = bmatrix(run.hs[i][:, None], num if t == 1 else fixed)
    return [
        rf"h_{{{t}}} = \tanh\big(W_{{xh}}\,x_{{{t}}} + W_{{hh}}\,h_{{{t - 1}}} + b_h\big)",
        rf"= \tanh\Big({bmatrix(params.W_xh, num)}\,{factor(num(x))} + {bmatrix(params.W_hh, num)}{h_prev}"
        rf" + {bmatrix(params.b_h[:, None], num)}\Big)",
        rf"= \tanh{bmatrix(run.a[i][:, None])} = {bmatrix(run.h[i][:, None])}",
        rf"y_{{{t}}} = W_{{hy}}\,h_{{{t}}} + b_y = "
        + signed_sum([bmatrix(params.W_hy, num) + bmatrix(run.h[i][:, None]), num(params.b_y[0])])
        + rf" = {fixed(y)}",
        rf"L_{{{t}}} = \tfrac12\,({fixed(y)} - {factor(num(tg))})^2 = {loss(L)}",
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
            step = signed_sum([num(old.item(), 4), "-" + product(num(lr, 4), fixed(g.item(), 4))])
            lines.append(rf"{sym} \leftarrow {step} = {fixed(nw.item(), 4)}")
        else:
            lines.append(rf"{sym} \leftarrow {sym} - {num(lr, 4)}\,\frac{{\partial L}}{{\partial {sym}}},"
                         rf"\quad \Big\|\frac{{\partial L}}{{\partial {sym}}}\Big\|_F = {fixed(np.linalg.norm(g), 4)},"
                         rf"\quad \|\Delta {sym}\|_F = {fixed(np.linalg.norm(nw - old), 4)}")
    return lines
