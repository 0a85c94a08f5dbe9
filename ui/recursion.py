"""Recursion ↔ unrolling (seed 000): fib(3)'s call tree beside h_3's, as one pure Plotly figure.

    fib(n) = fib(n−1) + fib(n−2)                  two recursive calls: a tree that doubles
    h_t    = tanh(W_xh x_t + W_hh h_{t−1} + b_h)  one recursive call: unrolled, a chain of T cells
"""
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

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


def rnn_nodes(W_xh: float, W_hh: float, b_h: float, x: np.ndarray, hs: np.ndarray) -> list[Node]:
    """h_T's call tree for a scalar RNN: h_t calls h_{t−1} once and reads x_t; leaves are h_0 and the x_t."""
    T = len(x)
    nodes: list[Node] = []
    parent = None
    for depth, t in enumerate(range(T, 0, -1)):
        h_node = len(nodes)
        nodes.append(Node(f"h<sub>{t}</sub> = {hs[t]:.3f}", -0.5 * depth, depth, "recursive",
                          f"h_{t} = tanh(W_xh·x_{t} + W_hh·h_{t-1} + b_h)<br>"
                          f"= tanh({W_xh:g}·{x[t-1]:g} + {W_hh:g}·{hs[t-1]:.3f} + {b_h:g}) = {hs[t]:.3f}", parent))
        nodes.append(Node(f"x<sub>{t}</sub> = {x[t-1]:g}", -0.5 * depth + 1.0, depth + 1, "input",
                          f"x_{t} = {x[t-1]:g}  (input at step {t})", h_node, "right"))
        parent = h_node
    nodes.append(Node(f"h<sub>0</sub> = {hs[0]:g}", -0.5 * T, T, "base", f"h_0 = {hs[0]:g}  (base case: the initial state)",
                      parent))
    return nodes


def _add_tree(fig: go.Figure, nodes: list[Node], col: int) -> None:
    """Edges parent → child as one line trace, then one marker trace per kind of node."""
    ex, ey = [], []
    for n in nodes:
        if n.parent is not None:
            p = nodes[n.parent]
            ex += [p.x, n.x, None]
            ey += [-p.depth, -n.depth, None]
    fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line=dict(color="#999", width=2), hoverinfo="skip",
                             showlegend=False), row=1, col=col)
    for kind, colour, name in (("recursive", RECURSIVE, "recursive call"), ("base", BASE, "base case"),
                               ("input", INPUT, "input x_t")):
        sel = [n for n in nodes if n.kind == kind]
        if not sel:
            continue
        fig.add_trace(go.Scatter(
            x=[n.x for n in sel], y=[-n.depth for n in sel], mode="markers+text", name=name,
            text=[n.label for n in sel], textposition=[f"middle {n.side}" for n in sel], textfont=dict(size=14),
            marker=dict(size=22, color=colour, line=dict(color="white", width=2)),
            hovertext=[n.hover for n in sel], hoverinfo="text", legendgroup=kind, showlegend=col == 2,
        ), row=1, col=col)


def recursion_figure(W_xh: float, W_hh: float, b_h: float, x: np.ndarray, hs: np.ndarray) -> go.Figure:
    """fib(3)'s call tree (left) beside h_T's (right); hover any node for its value and formula."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.08,
                        subplot_titles=("fib(3): two recursive calls per call",
                                        f"h<sub>{len(x)}</sub>: one recursive call per step, unrolled into a chain"))
    _add_tree(fig, fib_nodes(3), col=1)
    _add_tree(fig, rnn_nodes(W_xh, W_hh, b_h, x, hs), col=2)
    depth = len(x)
    fig.update_xaxes(visible=False, range=[-2.6, 2.0])
    fig.update_yaxes(visible=False, range=[-depth - 0.6, 0.4])
    fig.update_layout(height=340, margin=dict(l=10, r=10, t=40, b=10), plot_bgcolor="white",
                      legend=dict(orientation="h", y=-0.02, x=0.5, xanchor="center"), hoverlabel=dict(align="left"))
    return fig
