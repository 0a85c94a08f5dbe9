r"""One time step's arithmetic as LaTeX with the live numbers substituted (pure; no Streamlit).

Seed 003 writes h_2 = tanh(0.5(0.664) + 0.8(2) + 0) = 0.958 by hand; this module writes the same line for
any step t in the page's one order, h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h), and the vector/matrix form
when H > 1. One number rule everywhere: a number the person set (a weight, x_t, target_t, h_0, α) prints as
set, to at most 3 decimals (0.5, 2, 1.2); a number the network computed prints to exactly 3 decimals
(0.664, 1.000) and a loss to 4, each from unrounded values. A negative number is parenthesised only where
it is a factor or is subtracted, once: 0.8\cdot(-2), \tanh(-0.610) = -0.544, and a negative term after
the first is written with its sign as the operator (… - 0.5).
"""
import numpy as np

import rnnviz


def _big(v, tex):
    s = f"{v:.2e}"
    return s.replace("e", r"\mathrm{e}") if tex else s


def num(v, d=3, tex=True):
    """A number the person set: d decimals at most, trailing zeros dropped only when exact (0.5, 2);
    0.99999 stays 1.000 so it does not read as exact."""
    v = float(v)
    if abs(v) >= 1e5:
        return _big(v, tex)
    s = f"{v:.{d}f}"
    if float(s) == v:
        s = s.rstrip("0").rstrip(".")
    return "0" if float(s) == 0 else s


def fixed(v, d=3, tex=True):
    """A number the network computed: exactly d decimals (1.000, -0.544)."""
    v = float(v)
    if abs(v) >= 1e5 or not np.isfinite(v):
        return _big(v, tex) if np.isfinite(v) else (r"\infty" if tex else "inf")
    s = f"{v:.{d}f}"
    return s[1:] if float(s) == 0 and s.startswith("-") else s  # -0.000 → 0.000


def factor(s):
    """A formatted number used as a factor or subtrahend: parenthesised when negative."""
    return f"({s})" if s.startswith("-") else s


def product(w, v, times=r"\cdot"):
    """w·v with a negative second factor parenthesised (a negative first factor leads its term)."""
    return f"{w}{times}{factor(v)}"


def signed_sum(terms):
    """'a + b - c' from formatted terms: a negative term after the first gives its sign to the operator."""
    out = terms[0]
    for t in terms[1:]:
        out += f" - {t[1:]}" if t.startswith("-") else f" + {t}"
    return out


def bmatrix(a, fmt=fixed):
    """A numpy vector (column) or matrix as a LaTeX bmatrix, its entries by `fmt` (num or fixed)."""
    a = np.atleast_2d(a)
    rows = [" & ".join(fmt(v) for v in r) for r in a]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def h_terms(W_xh, x, W_hh, h_prev, b_h, t, tex=True):
    """The scalar W_xh x_t + W_hh h_{t−1} + b_h with numbers (h_0 is set, later h computed)."""
    h = num(h_prev, tex=tex) if t == 1 else fixed(h_prev, tex=tex)
    times = r"\cdot" if tex else "·"
    return signed_sum([product(num(W_xh, tex=tex), num(x, tex=tex), times),
                       product(num(W_hh, tex=tex), h, times), num(b_h, tex=tex)])


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
        rf" = {fixed(L, 4)}",
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
        rf"L_{{{t}}} = \tfrac12\,({fixed(y)} - {factor(num(tg))})^2 = {fixed(L, 4)}",
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
