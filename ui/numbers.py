r"""How the app writes a number in a formula: one rule for LaTeX (tex=True) and hover text (tex=False).

One number rule everywhere: a number the person set (a weight, x_t, target_t, h_0, α) prints as
set, to at most 3 decimals (0.5, 2, 1.2); a number the network computed prints to exactly 3 decimals
(0.664, 1.000) and a loss to 4 (to 4 significant figures, ×10ⁿ, when under 0.001), each from unrounded values. A negative number is parenthesised only where
it is a factor or is subtracted, once: 0.8\cdot(-2), \tanh(-0.610) = -0.544, and a negative term after
the first is written with its sign as the operator (… - 0.5).

No numpy here: the home page's call tree (ui/recursion.py) uses it on a cold start.
"""
import math


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
    if abs(v) >= 1e5 or not math.isfinite(v):
        return _big(v, tex) if math.isfinite(v) else (r"\infty" if tex else "inf")
    s = f"{v:.{d}f}"
    return s[1:] if float(s) == 0 and s.startswith("-") else s  # -0.000 → 0.000


def loss(v, tex=True):
    """A loss: 4 decimals, or 4 significant figures ×10ⁿ when tiny (never a bare 0.0000 for a loss that is not 0)."""
    v = float(v)
    if v == 0 or abs(v) >= 1e-3 or not math.isfinite(v):
        return fixed(v, 4, tex)
    m, e = f"{v:.3e}".split("e")
    return rf"{m}\times10^{{{int(e)}}}" if tex else f"{m}e{int(e)}"


def sig(v):
    """A number as a learner reads it outside a step's formula: 4 significant figures, scientific when tiny or huge."""
    v = float(v) + 0.0  # + 0.0 turns −0 into 0
    return f"{v:.4g}" if v == 0 or 1e-3 <= abs(v) < 1e5 else f"{v:.3e}"


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


def h_terms(W_xh, x, W_hh, h_prev, b_h, t, tex=True):
    """The scalar W_xh x_t + W_hh h_{t−1} + b_h with numbers (h_0 is set, later h computed)."""
    h = num(h_prev, tex=tex) if t == 1 else fixed(h_prev, tex=tex)
    times = r"\cdot" if tex else "·"
    return signed_sum([product(num(W_xh, tex=tex), num(x, tex=tex), times),
                       product(num(W_hh, tex=tex), h, times), num(b_h, tex=tex)])
