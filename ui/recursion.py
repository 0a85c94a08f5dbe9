"""Recursion ↔ unrolling (seed 000): fib(3)'s call tree beside h_3's, as inline SVG.

    fib(n) = fib(n−1) + fib(n−2)                  two recursive calls: a tree that doubles
    h_t    = tanh(W_xh x_t + W_hh h_{t−1} + b_h)  one recursive call: unrolled, a chain of T cells

The home page draws recursion_svg: a few dozen SVG elements whose nodes show their formula on focus, tap or
hover (ui/theme.py), so the first page a learner opens needs no Plotly (its 4.7 MB script took ~1 s of every cold start to load and compile),
and scalar_chain gives it h_0 … h_T without numpy (below).
"""
from dataclasses import dataclass
from html import escape
import math
import re
from collections.abc import Sequence

from ui.numbers import fixed, h_terms, num

# Okabe–Ito: colour-blind-safe categorical colours.
RECURSIVE, BASE, INPUT = "#0072B2", "#E69F00", "#009E73"


@dataclass(frozen=True)
class Node:
    """One call in a call tree: where it sits, what it shows, what hovering it explains."""
    label: str
    x: float
    depth: int
    kind: str        # "recursive" | "base" | "input"
    hover: str
    parent: int | None
    side: str = "left"  # which side of the node its label sits on: away from the edges below it


def fib_nodes(n: int = 3) -> list[Node]:
    """fib(n)'s call tree; each call spreads its two children under it so no nodes overlap."""
    nodes: list[Node] = []

    def fib(k, x, depth, width, parent, side):
        value = k if k < 2 else None
        i = len(nodes)
        nodes.append(None)  # reserve the slot: parents come before children
        if k >= 2:
            value = (fib(k - 1, x - width, depth + 1, width / 2, i, "left")
                     + fib(k - 2, x + width, depth + 1, width / 2, i, "right"))
            hover = f"fib({k}) = fib({k-1}) + fib({k-2}) = {value}"
        else:
            hover = f"fib({k}) = {k}  (base case: no further call)"
        nodes[i] = Node(f"fib({k}) = {value}", x, depth, "recursive" if k >= 2 else "base", hover, parent, side)
        return value

    fib(n, 0.0, 0, 1.0, None, "left")
    return nodes


def scalar_chain(W_xh: float, W_hh: float, b_h: float, x: Sequence[float], h0: float = 0.0) -> list[float]:
    """[h_0, h_1, …, h_T] of a scalar RNN, h_t = tanh(W_xh·x_t + W_hh·h_{t−1} + b_h), in plain Python.

    The engine's forward, for H = I = 1, without numpy: the home page is the one a cold start draws, and
    importing numpy there read 43 MB from disk (its BLAS library) on an empty page cache, 40 % of the whole
    start's reads. tests/test_recursion.py checks these against rnnviz.forward.
    """
    hs = [float(h0)]
    for v in x:
        hs.append(math.tanh(W_xh * v + W_hh * hs[-1] + b_h))
    return hs


def rnn_nodes(W_xh: float, W_hh: float, b_h: float, x: Sequence[float], hs: Sequence[float]) -> list[Node]:
    """h_T's call tree for a scalar RNN: h_t calls h_{t−1} once and reads x_t; leaves are h_0 and the x_t."""
    T = len(x)
    nodes: list[Node] = []
    parent = None
    for depth, t in enumerate(range(T, 0, -1)):
        h_node = len(nodes)
        h, x_t = fixed(hs[t], tex=False), num(x[t - 1], tex=False)
        nodes.append(Node(f"h<sub>{t}</sub> = {h}", -0.5 * depth, depth, "recursive",
                          f"h_{t} = tanh(W_xh·x_{t} + W_hh·h_{t-1} + b_h)<br>"
                          f"= tanh({h_terms(W_xh, x[t - 1], W_hh, hs[t - 1], b_h, t, tex=False)}) = {h}", parent))
        nodes.append(Node(f"x<sub>{t}</sub> = {x_t}", -0.5 * depth + 1.0, depth + 1, "input",
                          f"x_{t} = {x_t}  (input at step {t})", h_node, "right"))
        parent = h_node
    h0 = num(hs[0], tex=False)
    nodes.append(Node(f"h<sub>0</sub> = {h0}", -0.5 * T, T, "base", f"h_0 = {h0}  (base case: the initial state)", parent))
    return nodes


KINDS = (("recursive", RECURSIVE, "recursive call"), ("base", BASE, "base case"), ("input", INPUT, "input x_t"))
PANEL_W, PANEL_H, TOP, SCALE_X, ORIGIN_X = 480, 300, 40, 100, 270  # px; SCALE_X px per unit of Node.x
FONT = 18  # px in the viewBox: ≥ 12.6 px on screen at the narrowest panel (a phone, or half the desktop column)
INK = "currentColor"  # the page's text colour, light or dark theme


def _svg_text(label: str) -> str:
    """A node label with <sub>…</sub> as an SVG subscript tspan; everything else escaped."""
    parts = re.split(r"<sub>(.*?)</sub>", label)
    return "".join(escape(p) if i % 2 == 0 else f'<tspan baseline-shift="sub" font-size="13">{escape(p)}</tspan>'
                   for i, p in enumerate(parts))


def _attr(text: str) -> str:
    """`text` as an attribute value on one line (the markdown that carries the SVG must not break)."""
    return escape(text).replace("\n", "&#10;")


def _svg_tree(nodes: list[Node], depth: int, title: str, name: str) -> str:
    """One call tree as an <svg>: grey edges, then a circle per node with its label.

    Each node is a focusable element labelled with its formula (data-formula): ui/theme.py shows it in the
    tree's tip (the last element) on focus, by Tab, tap or click, and on hover; arrow keys walk the nodes,
    so the tree is one tab stop."""
    dy = (PANEL_H - TOP - 20) / 3                   # px a level: fib(3)'s tree is as tall as its depth needs
    height = TOP + 12 + dy * depth + 24

    def at(n):
        return ORIGIN_X + SCALE_X * n.x, TOP + 12 + dy * n.depth

    out = [f'<text x="10" y="20" font-size="{FONT}" fill="{INK}" aria-hidden="true">{_svg_text(title)}</text>']
    for n in nodes:
        if n.parent is not None:
            (x0, y0), (x1, y1) = at(nodes[n.parent]), at(n)
            out.append(f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="#888" stroke-width="2"/>')
    colour = {k: c for k, c, _ in KINDS}
    for i, n in enumerate(nodes):
        x, y = at(n)
        dx, anchor = (-16, "end") if n.side == "left" else (16, "start")
        formula = n.hover.replace("<br>", "\n")
        out.append(f'<g class="rz-node" tabindex="{0 if i == 0 else -1}" role="img" '
                   f'aria-label="{_attr(formula.replace(chr(10), " "))}" data-formula="{_attr(formula)}">'
                   f'<circle cx="{x:.1f}" cy="{y:.1f}" r="11" fill="{colour[n.kind]}" stroke="white" stroke-width="2"/>'
                   f'<text x="{x + dx:.1f}" y="{y + 6:.1f}" font-size="{FONT}" text-anchor="{anchor}" fill="{INK}" '
                   f'aria-hidden="true">{_svg_text(n.label)}</text></g>')
    out.append('<g class="rz-tip" visibility="hidden" aria-hidden="true"><rect rx="6"/><text/></g>')
    return (f'<svg viewBox="0 0 {PANEL_W} {height:.0f}" role="group" aria-label="{_attr(name)}: Tab to its first node, '
            f'arrow keys to the others, for each formula" font-family="Source Sans Pro, sans-serif">'
            + "".join(out) + "</svg>")


def recursion_svg(W_xh: float, W_hh: float, b_h: float, x: Sequence[float], hs: Sequence[float]) -> str:
    """fib(3)'s call tree beside h_T's (stacked on a phone), a legend, and every node's formula as a list.

    One line of HTML for st.markdown(unsafe_allow_html=True); each node shows its formula on focus, tap or
    hover (see _svg_tree), and the list under the trees gives the same formulas as text."""
    T = len(x)
    fib, chain = fib_nodes(3), rnn_nodes(W_xh, W_hh, b_h, x, hs)
    trees = (_svg_tree(fib, 3, "fib(3): two recursive calls per call", "fib(3)'s call tree")
             + _svg_tree(chain, T, f"h<sub>{T}</sub>: one recursive call per step, unrolled into a chain",
                         f"h_{T} unrolled"))
    legend = "".join(f'<span><span class="rz-dot" style="background:{c}"></span>{escape(name)}</span>'
                     for _, c, name in KINDS)
    items = "".join(f"<li>{escape(n.hover.replace('<br>', ' '))}</li>" for n in fib + chain)
    return (f'<div class="rz-trees">{trees}</div><div class="rz-legend">{legend}</div>'
            f'<details class="rz-formulas"><summary>Every node\'s formula, as text</summary><ul>{items}</ul></details>')
