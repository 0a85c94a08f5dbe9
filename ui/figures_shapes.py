"""A 3-D tensor drawn as a stack of slabs (Plotly): first axis = slabs, second = rows, third = columns.

Each cell is coloured by its value (RdBu, centred on 0) and its hover names the index and what it is,
e.g. out[0, 2, 1] = h at step 3 of the last layer, forward direction, unit 1.
"""
import numpy as np
import plotly.graph_objects as go

from ui.shapes import CAP, MAX_SLABS, Sizes

OFFSET = 0.6   # how far each slab behind sits up and to the right, in cells


def meaning(name: str, s: Sizes, idx: tuple[int, int, int]) -> str:
    """What the number at `idx` of x, out or h_n is, in words and symbols."""
    if name == "h_n":
        k, b, u = idx
        layer, d = divmod(k, s.D)
        last = f"h_{s.T}, after reading x_1 … x_{s.T}" if d == 0 else "h_1, after reading x_T … x_1 backwards"
        return f"layer {layer}, {'forward' if d == 0 else 'reverse'}: {last}; sequence {b}, unit {u}"
    b, t, j = idx if s.batch_first else (idx[1], idx[0], idx[2])
    if name == "x":
        return f"input feature {j} of sequence {b} at step t = {t + 1}"
    d, u = divmod(j, s.H)
    seen = f"x_1 … x_{t + 1}" if d == 0 else f"x_{s.T} … x_{t + 1} (backwards)"
    return (f"h_{t + 1} of the last layer ({s.L - 1}), {'forward' if d == 0 else 'reverse'} half, unit {u}; "
            f"sequence {b}; has seen {seen}")


def _shown(n: int, cap: int) -> int:
    return min(n, cap)


def extent(shape: tuple[int, int, int]) -> tuple[float, float]:
    """Width and height, in cells, of the drawn stack of a tensor of this shape."""
    k0, k1, k2 = _shown(shape[0], MAX_SLABS), _shown(shape[1], CAP), _shown(shape[2], CAP)
    return k2 + (k0 - 1) * OFFSET, k1 + (k0 - 1) * OFFSET


def tensor_figure(a: np.ndarray, name: str, s: Sizes, box: tuple[float, float] | None = None,
                  height: int = 400) -> go.Figure:
    """`a` (n0, n1, n2) as up to MAX_SLABS slabs of up to CAP × CAP cells, labelled with its true shape.

    `box` (width, height in cells) is the area to show: pass the largest extent() of the tensors drawn side by
    side and their cells come out the same size."""
    dims = tuple((d, n) for (d, _), n in zip(s.dims(name), a.shape))  # sizes from the real tensor
    (d0, n0), (d1, n1), (d2, n2) = dims
    k0, k1, k2 = _shown(n0, MAX_SLABS), _shown(n1, CAP), _shown(n2, CAP)
    wx, wy = box or extent(a.shape)
    m = float(np.max(np.abs(a))) or 1.0
    fig = go.Figure()
    for k in reversed(range(k0)):  # back slabs first: heatmaps paint in trace order, so nearer ones cover them
        z = a[k, :k1, :k2]
        xs = np.arange(k2) + k * OFFSET
        ys = k * OFFSET - np.arange(k1)
        hover = [[f"{name}[{k}, {r}, {c}] = {z[r, c]:.4f}<br>{meaning(name, s, (k, r, c))}" for c in range(k2)]
                 for r in range(k1)]
        fig.add_trace(go.Heatmap(z=z[::-1], x=xs, y=ys[::-1], text=hover[::-1], hovertemplate="%{text}<extra></extra>",
                                 colorscale="RdBu", zmid=0, zmin=-m, zmax=m, showscale=False))
    # Lines always paint above heatmaps, so draw only what is visible: the front slab's grid and outline,
    # and each back slab's top and right edges, which stick out of the slab in front of it.
    ex, ey = _grid(k1, k2)
    d = OFFSET
    for k in range(1, k0):
        x0, x1, y0, y1 = -0.5 + k * d, k2 - 0.5 + k * d, -k1 + 0.5 + k * d, 0.5 + k * d
        ex += [x0, x0, x1, x1, x1 - d, None]
        ey += [y1 - d, y1, y1, y0, y0, None]
    fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line=dict(color="#777", width=1.2), hoverinfo="skip",
                             showlegend=False))
    _label_axes(fig, dims, (k0, k1, k2))
    if name == "out" and s.D == 2 and s.H < k2:  # forward half | reverse half
        fig.add_shape(type="line", x0=s.H - 0.5, x1=s.H - 0.5, y0=0.5, y1=-k1 + 0.5, line=dict(color="#777", width=3))
        for x, text in ((s.H / 2 - 0.5, "forward"), (s.H + (k2 - s.H) / 2 - 0.5, "reverse")):
            fig.add_annotation(x=x, y=-k1 + 0.5, text=text, showarrow=False, yshift=-28, font=dict(size=11))
    shape = ", ".join(str(n) for _, n in dims)
    names = ", ".join(d for d, _ in dims)
    fig.update_layout(title=dict(text=f"<b>{name}</b>  ({names}) = ({shape})", x=0.5, xanchor="center"),
                      height=height, margin=dict(l=10, r=10, t=40, b=10),
                      xaxis=dict(visible=False, scaleanchor="y", range=[-1.6, wx - 0.2]),
                      yaxis=dict(visible=False, range=[(k0 - 1) * OFFSET - wy - 1.0, (k0 - 1) * OFFSET + 1.4]))
    return fig


def _grid(k1: int, k2: int) -> tuple[list, list]:
    """Polyline (None-separated) of the front slab's outline and its cell borders."""
    ex, ey = [], []
    for c in range(k2 + 1):
        ex += [c - 0.5, c - 0.5, None]
        ey += [0.5, -k1 + 0.5, None]
    for r in range(k1 + 1):
        ex += [-0.5, k2 - 0.5, None]
        ey += [0.5 - r, 0.5 - r, None]
    return ex, ey


def _label_axes(fig: go.Figure, dims, shown) -> None:
    """Size labels along the columns (below), the rows (left) and the slabs (up-right diagonal)."""
    (d0, n0), (d1, n1), (d2, n2) = dims
    k0, k1, k2 = shown

    def text(d, n, k):
        return f"{d} = {n}" + (f" (first {k} drawn)" if k < n else "")

    fig.add_annotation(x=(k2 - 1) / 2, y=-k1 + 0.5, text=text(d2, n2, k2), showarrow=False, yshift=-12)
    fig.add_annotation(x=-0.5, y=-(k1 - 1) / 2, text=text(d1, n1, k1), showarrow=False, textangle=-90, xshift=-12)
    back = (k0 - 1) * OFFSET  # the slab axis runs up and to the right; label it above the back slab
    fig.add_annotation(x=back - 0.5, y=back + 0.5, text=text(d0, n0, k0) + (" ↗" if k0 > 1 else ""),
                       showarrow=False, xanchor="left", yanchor="bottom")
