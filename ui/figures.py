"""Figures for the forward pass: pure functions (engine results → a plotly figure), no Streamlit.

unrolled() and loss_bars(), drawn on every slider move, return plain dicts (see _spec); the rest go.Figure.

The unrolled diagram puts time step t in column t (h_0 in column 0) and the rows x_t → h_t → y_t:

    h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h),   y_t = W_hy h_t + b_y

Past WINDOW_T steps the forward page draws only the WINDOW steps around the stepped t (unrolled(…,
windowed=True)), so nodes keep their values and arrows at T = 500, over an overview strip of the whole
sequence x_t with those steps shaded; moving t moves the window.

Edges are one trace per weight (lines with None breaks, arrows as mid-edge markers, hover text; beyond
ARROW_MAX_T columns one svg path shape per weight), nodes one trace per row, so the figure has under a
dozen traces at any T. The page redraws them on every slider move
(through ui/live.py's Plotly.react), so the layouts fix their margins (automargin: off, a second layout
pass) and heatmap rows are small images (see spaced()). Colours: blue = positive, red = negative
(ColorBrewer RdBu, colour-blind safe).
"""
import numpy as np
import plotly.graph_objects as go

from ui.numbers import fixed, h_terms, loss, num, product, signed_sum

POS, NEG, ZERO = "#2166ac", "#b2182b", "#999999"  # RdBu ends; grey for an exactly-zero weight
# ColorBrewer RdBu, low = red, high = blue, white at 0, spelled out: with _validate=False the name "RdBu"
# reaches plotly.js, whose own "RdBu" runs the other way (positive h would be red, against the edges' blue)
SCALE = [[0.0, "#67001f"], [0.1, "#b2182b"], [0.2, "#d6604d"], [0.3, "#f4a582"], [0.4, "#fddbc7"],
         [0.5, "#f7f7f7"], [0.6, "#d1e5f0"], [0.7, "#92c5de"], [0.8, "#4393c3"], [0.9, "#2166ac"], [1.0, "#053061"]]
LIGHT = [[0.0, "#d6604d"], [0.2, "#f4a582"], [0.4, "#fddbc7"], [0.5, "#f7f7f7"],  # RdBu's inner classes:
         [0.6, "#d1e5f0"], [0.8, "#92c5de"], [1.0, "#4393c3"]]                    # dark text stays readable
ROW = {"x": 0.0, "h": 1.0, "y": 2.0}
HIGHLIGHT = "rgba(230, 159, 0, 0.18)"             # Okabe–Ito orange, translucent
TEXT_MAX_T = 30                                   # print node values up to this many columns
ARROW_MAX_T = 40                                  # beyond this the edges are specks: no arrows, one shape each
MARKER_MAX_T = 40                                 # beyond this a row of nodes is drawn as a heatmap strip
WINDOW_T = 40                                     # windowed: past this many steps the page draws a window …
WINDOW = 15                                       # … of this many steps around t (nodes, values and arrows)
OVERVIEW_HEIGHT = 420                             # … above an overview strip of the whole sequence


def sign_colour(w):
    """Edge colour for a weight: blue ≥ 0 … red < 0 (grey at exactly 0)."""
    return POS if w > 0 else NEG if w < 0 else ZERO


def fmt(v, d=3):
    """Short number for labels: 0.664, −1.2e+03."""
    return f"{v:.{d}f}" if abs(v) < 1e4 else f"{v:.2e}"


def edge_trace(name, starts, ends, w, T, hover):
    """All edges of one weight as one trace: width ∝ |w|, colour by sign, an arrow at each midpoint (T ≤ 40).

    Beyond ARROW_MAX_T columns the edges are one layout shape instead (edge_shape): see unrolled()."""
    n = len(starts)
    xs = np.full((n, 4), np.nan)
    ys = np.full_like(xs, np.nan)
    xs[:, 0], ys[:, 0] = starts[:, 0], starts[:, 1]
    xs[:, 2], ys[:, 2] = ends[:, 0], ends[:, 1]
    xs[:, 1], ys[:, 1] = (xs[:, 0] + xs[:, 2]) / 2, (ys[:, 0] + ys[:, 2]) / 2
    colour = sign_colour(w)
    horizontal = bool(np.all(starts[:, 1] == ends[:, 1]))
    marker = dict(size=np.tile([0.0, 9.0, 0.0, 0.0], n), color=colour,
                  symbol="triangle-right" if horizontal else "triangle-up")
    return dict(type="scatter", x=xs.ravel(), y=ys.ravel(), mode="lines+markers", marker=marker, name=name,
                hoverinfo="text", hoveron="points", text=hover, line=_edge_line(w, T), showlegend=False)


def edge_shape(name, starts, ends, w, T):
    """All edges of one weight as ONE svg path (a layout shape), for T > ARROW_MAX_T: plotly draws a
    trace's line pieces as a <path> each (3 × T of them), redrawn on every move; one shape per weight is
    a third of the diagram's redraw at T = 100. Under the traces, like the edges meeting the nodes."""
    path = "".join(f"M{x0:.4g},{y0:.4g}L{x1:.4g},{y1:.4g}" for (x0, y0), (x1, y1) in zip(starts, ends))
    return dict(type="path", path=path, line=_edge_line(w, T), layer="below", name=name)


def arrow_shape(name, starts, ends, w):
    """The arrowheads of one weight's edges as ONE filled svg path (a layout shape): a small triangle at
    each edge's midpoint, pointing along it. For the windowed diagram, whose arrows as trace markers
    cost as much to redraw as all the rest of it."""
    mid = (starts + ends) / 2
    along = np.sign(ends - starts)  # (n, 2): (1, 0) along the h row, (0, 1) up a column
    path = []
    for (mx, my), (ax, ay) in zip(mid, along):
        if ax:   # horizontal: 0.1 of a column long, 0.1 of a row wide
            pts = ((mx + 0.07 * ax, my), (mx - 0.07 * ax, my + 0.05), (mx - 0.07 * ax, my - 0.05))
        else:    # vertical: 0.1 of a row long, 0.2 of a column wide
            pts = ((mx, my + 0.05 * ay), (mx - 0.1, my - 0.05 * ay), (mx + 0.1, my - 0.05 * ay))
        path.append("M" + "L".join(f"{x:.4g},{y:.4g}" for x, y in pts) + "Z")
    return dict(type="path", path="".join(path), line=dict(width=0), fillcolor=sign_colour(w), layer="above",
                name=f"{name} arrows")


def _edge_line(w, T):
    return dict(color=sign_colour(w), width=float(np.clip((1 + 2.5 * abs(w)) * min(1.0, 25 / T), 0.7, 9)))


def spaced(z):
    """(R, C) values → (R, 2C): each value a cell with a NaN gap column after it, so a heatmap on a uniform
    half-column grid takes plotly's fast path: one small image of z's own size instead of a canvas brick
    per cell (the costly part of every redraw); NaN cells are transparent and not hovered."""
    z = np.atleast_2d(np.asarray(z, dtype=float))
    out = np.full((z.shape[0], 2 * z.shape[1]), np.nan)
    out[:, ::2] = z
    return out


def _cell_grid(first_t, n_rows_y0, dy):
    """Heatmap keywords for a spaced() grid: cell j centred on t = first_t + j, half a column wide."""
    # no zsmooth: a uniform grid without xgap/ygap already takes plotly's fast path, and only then does
    # plotly also mark the image pixelated (an explicit zsmooth="fast" draws it blurred)
    return dict(x0=float(first_t), dx=0.5, y0=n_rows_y0, dy=dy, hoverongaps=False)


def node_trace(row, ts, values, hover, T, label_text=True):
    """One row of nodes coloured by value (0 = white), values printed when T is small.

    Beyond MARKER_MAX_T columns the row is a one-row heatmap strip: a single small image instead of T SVG
    markers, which is what keeps a T = 100 redraw fast; hover still gives each value and formula.
    """
    vmax = max(float(np.max(np.abs(values))), 1e-12)
    if T > MARKER_MAX_T:
        text = np.full((1, 2 * len(values)), None, dtype=object)
        text[0, ::2] = hover
        return dict(type="heatmap", z=spaced(values), text=text, hoverinfo="text", zmin=-vmax, zmax=vmax,
                    colorscale=LIGHT, showscale=False, name=row, **_cell_grid(ts[0], ROW[row], 0.28))
    size = _node_size(T)
    show = label_text and T <= TEXT_MAX_T
    return dict(
        type="scatter", x=ts, y=np.full(len(ts), ROW[row]), mode="markers+text" if show else "markers", name=row,
        text=[fmt(v, 2 if T > 14 else 3) for v in values] if show else None,
        textfont=dict(size=11 if T <= 14 else 9, color="#000000"), hovertext=hover, hoverinfo="text",
        showlegend=False, marker=dict(size=size, color=values, colorscale=LIGHT, cmin=-vmax, cmax=vmax,
                                      line=dict(color="#888888", width=1)))


def _h_hover(run, W_xh, W_hh, b_h, steps):
    """Hover text with the live numbers, in the step lines' order and number rule (ui/arithmetic.py)."""
    return [f"h_{t} = tanh(W_xh·x_{t} + W_hh·h_{t - 1} + b_h)<br>"
            f"= tanh({h_terms(W_xh, run.x[t - 1, 0], W_hh, run.hs[t - 1, 0], b_h, t, tex=False)})<br>"
            f"= tanh({fixed(run.a[t - 1, 0], tex=False)}) = {fixed(run.h[t - 1, 0], 4, tex=False)}" for t in steps]


def _y_hover(run, W_hy, b_y, scalar, target, losses, steps):
    """y_t = W_hy·h_t + b_y with the numbers (H = 1), then target_t and L_t, in the step lines' number rule."""
    out = []
    for t in steps:
        y = fixed(run.y[t - 1, 0], 4, tex=False)
        s = f"y_{t} = W_hy·h_{t} + b_y = " + (signed_sum([product(num(W_hy, tex=False), fixed(run.h[t - 1, 0], tex=False),
                                                                   "·"), num(b_y, tex=False)]) + " = " if scalar else "")
        s += y
        if target is not None:
            s += f"<br>target_{t} = {num(float(target[t - 1, 0]), 4, tex=False)}"
        if losses is not None:
            s += f"<br>L_{t} = ½(y − target)² = {loss(float(losses[t - 1]), tex=False)}"
        out.append(s)
    return out


def _hidden_band(run, first, last):
    """H > 1: h_first … h_last as one heatmap of H cells per column, in the h row's band (0.65 … 1.35)."""
    H, n = run.hs.shape[1], last - first + 1
    unit = np.zeros((H, 2 * n), np.int8)  # (H, 2n) which unit a cell is (gaps: never hovered)
    unit[:, ::2] = np.arange(1, H + 1)[:, None]
    dy = 0.7 / H
    return dict(type="heatmap", z=spaced(run.hs[first:last + 1].T), zmin=-1, zmax=1, colorscale=SCALE, showscale=False,
                customdata=unit, name="h", **_cell_grid(first, 0.65 + dy / 2, dy),
                hovertemplate="h_%{x}[%{customdata}] = %{z:.4f}<br>= tanh(a_%{x}[%{customdata}])"
                              "<br>h = tanh(W_xh x + W_hh h_prev + b_h)<extra></extra>")


def _unit_rules(H, first, last):
    """Thin white lines between the band's units (plotly's fast image path has no ygap)."""
    ys = 0.65 + 0.7 * np.arange(1, H) / H
    return dict(type="scatter", x=np.tile([first - 0.5, last + 0.5, np.nan], H - 1), y=np.repeat(ys, 3),
                mode="lines", line=dict(color="white", width=1), hoverinfo="skip", showlegend=False, name="units")


def window_of(T, step, width=WINDOW):
    """The steps (lo, hi) the diagram draws: all T up to WINDOW_T, else `width` steps around `step`."""
    if T <= WINDOW_T:
        return 1, T
    lo = min(max(int(step or 1) - width // 2, 1), T - width + 1)
    return lo, lo + width - 1


def unrolled(run, params, target=None, losses=None, step=None, windowed=False):
    """The unrolled network: x_t → h_t → y_t per column, h_{t−1} → h_t along the row, step t highlighted.

    windowed: past WINDOW_T steps, draw the WINDOW steps around `step` (from h_{lo−1}) above an overview
    strip of the whole sequence x_t with those steps shaded. As plain dicts (see _spec): ui/live.live_chart
    draws it on every slider move; go.Figure(…) wraps it."""
    T, H = run.T, run.hs.shape[1]
    lo, hi = window_of(T, step) if windowed else (1, T)
    n = hi - lo + 1                      # columns drawn (h_{lo−1} besides)
    ts = np.arange(lo, hi + 1, dtype=float)
    steps = range(lo, hi + 1)
    scalar = H == 1
    w = {k: float(a.reshape(-1)[0]) if scalar else float(np.linalg.norm(a, 2))
         for k, a in params.as_dict().items()}
    sym = (lambda k: k) if scalar else (lambda k: f"‖{k}‖₂")
    half = 0.22 if scalar else 0.38  # where an edge meets a node (clear of the marker / band)
    gap = 0.12 if scalar else 0.3    # the recurrent edge runs between the h nodes / the band's cells
    edges = {  # weight: (starts, ends, hover) of its n edges
        "W_xh": (np.c_[ts, np.full(n, ROW["x"] + 0.1)], np.c_[ts, np.full(n, ROW["h"] - half)], "x_t → h_t"),
        "W_hh": (np.c_[ts - 1 + gap, np.ones(n)], np.c_[ts - gap, np.ones(n)], "h_(t−1) → h_t, the recurrence"),
        "W_hy": (np.c_[ts, np.full(n, ROW["h"] + half)], np.c_[ts, np.full(n, ROW["y"] - 0.1)], "h_t → y_t"),
    }
    if windowed and (lo, hi) != (1, T):  # a window: lines and arrowheads as six shapes, the cheap redraw
        traces = []
        shapes = [f(k, a, b, w[k], *([n] if f is edge_shape else [])) for k, (a, b, _) in edges.items()
                  for f in (edge_shape, arrow_shape)]
    elif n <= ARROW_MAX_T:
        traces = [edge_trace(k, a, b, w[k], n, f"{sym(k)} = {fmt(w[k])}: {what}") for k, (a, b, what) in edges.items()]
        shapes = []
    else:
        traces, shapes = [], [edge_shape(k, a, b, w[k], n) for k, (a, b, _) in edges.items()]
    x = run.x[lo - 1:hi, 0]
    traces.append(node_trace("x", ts, x, [f"x_{t} = {fmt(v, 4)}" for t, v in zip(steps, x)], n))
    if scalar:
        hs = run.hs[lo - 1:hi + 1, 0]
        first = ([f"h_0 = {fmt(hs[0], 4)} (initial state)"] if lo == 1 else
                 _h_hover(run, w["W_xh"], w["W_hh"], float(params.b_h[0]), [lo - 1]))
        hover = first + _h_hover(run, w["W_xh"], w["W_hh"], float(params.b_h[0]), steps)
        traces.append(node_trace("h", np.arange(lo - 1, hi + 1, dtype=float), hs, hover, n))
    else:
        traces[:0] = [_hidden_band(run, lo - 1, hi), _unit_rules(H, lo - 1, hi)]  # under the edges
    y = run.y[lo - 1:hi, 0]
    hover_y = _y_hover(run, w["W_hy"], w["b_y"], scalar, target, losses, steps)
    traces.append(node_trace("y", ts, y, hover_y, n))
    layout = _diagram_layout(lo - 1, hi, step, shapes)
    if (lo, hi) != (1, T):
        _add_overview(traces, layout, run.x[:, 0], lo, hi, step)
    return _spec(traces, layout)


def _add_overview(traces, layout, x, lo, hi, step):
    """Under the diagram: the whole sequence x_t as a line, steps lo … hi shaded, step t marked; a clear bar
    over each step takes the click or tap that moves t there (live.clickable, pages/forward.py)."""
    T = len(x)
    traces.append(dict(type="scatter", x=np.arange(1, T + 1), y=x, mode="lines", name="overview", xaxis="x2",
                       yaxis="y2", line=dict(color="#555555", width=1), showlegend=False, hoverinfo="skip"))
    bottom, top = float(np.min(x)), float(np.max(x))
    span = top - bottom or 1.0
    traces.append(dict(type="bar", x=np.arange(1, T + 1), y=np.full(T, span), base=bottom - (top == bottom) * 0.5,
                       xaxis="x2", yaxis="y2", width=1.0, marker=dict(color="rgba(0,0,0,0)"), showlegend=False,
                       name="move t", customdata=x,
                       hovertemplate="x_%{x} = %{customdata:.4f}: click or tap to move t here<extra></extra>"))
    every = next(e for e in (10, 20, 50, 100, 200, 500, 1000, 10**9) if T / e <= 10)
    layout["height"] = OVERVIEW_HEIGHT
    layout["yaxis"]["domain"] = [0.3, 1.0]
    layout["xaxis2"] = dict(range=[0.5, T + 0.5], anchor="y2", tickvals=list(range(0, T + 1, every)),
                            ticktext=[f"t={t}" for t in range(0, T + 1, every)], showgrid=False, zeroline=False,
                            fixedrange=True, automargin=False, tickfont=dict(size=10))
    layout["yaxis2"] = dict(domain=[0.0, 0.14], showticklabels=False, showgrid=False, zeroline=False,
                            fixedrange=True, automargin=False, title=dict(text="x_t", standoff=4))
    layout["shapes"].append(dict(type="rect", xref="x2", yref="y2 domain", x0=lo - 0.5, x1=hi + 0.5, y0=-0.05,
                                 y1=1.05, fillcolor=HIGHLIGHT, line=dict(color="rgba(230, 159, 0, 0.9)", width=1),
                                 layer="below", name="window"))
    if step is not None:
        layout["shapes"].append(dict(type="line", xref="x2", yref="y2 domain", x0=step, x1=step, y0=-0.05, y1=1.05,
                                     line=dict(color="rgba(230, 159, 0, 0.9)", width=2), name="step"))


def _spec(data, layout):
    """{"data", "layout"}: a figure as plain dicts, for the figures drawn on every slider move. Building
    plotly's objects (go.Figure, even unvalidated) and copying them back out (to_dict) took about 3 of the
    6 ms a T = 100, H = 8 diagram cost to build and serialise."""
    return {"data": data, "layout": layout}


def _diagram_layout(first, last, step, edges=()):
    """Rows labelled x_t / h_t / y_t over columns first … last, a column tick per step (every 1, 2, 5, 10, …
    steps when there are many, a dozen at most: each tick label is rebuilt on every redraw), step t shaded,
    then the edge shapes."""
    n = last - first
    every = 1 if n <= 25 else next(e for e in (2, 5, 10, 20, 50, 100, 200, 500, 1000, 10**9) if n / e <= 12)
    ticks = list(range(-(-first // every) * every, last + 1, every))
    shapes = []
    if step is not None and first < step <= last:
        shapes.append(dict(type="rect", x0=step - 0.5, x1=step + 0.5, y0=-0.45, y1=2.45,  # a plain dict: no
                           line=dict(width=2, color="rgba(230, 159, 0, 0.9)"),  # line_width magic here
                           fillcolor=HIGHLIGHT, layer="below"))
    pan = first == 0 and n > 40  # the whole of a long sequence: drag to pan a zoom (a window is moved by t)
    return dict(
        height=330, margin=dict(l=42, r=10, t=10, b=30), plot_bgcolor="white", hovermode="closest",
        xaxis=dict(range=[first - 0.6, last + 0.6], tickvals=ticks, ticktext=[f"t={t}" for t in ticks],
                   showgrid=False, zeroline=False, fixedrange=not pan, automargin=False),
        yaxis=dict(range=[-0.5, 2.5], tickvals=[0, 1, 2], ticktext=["x_t", "h_t", "y_t"],
                   showgrid=False, zeroline=False, fixedrange=True, automargin=False),
        shapes=shapes + list(edges), dragmode="pan" if pan else False)


def loss_bars(losses, counted, step=None):
    """L_t per step; the bars that enter L are blue, the rest grey; step t outlined (plain dicts, see _spec)."""
    T = len(losses)
    ts = np.arange(1, T + 1)
    colours = POS if np.all(counted) else np.where(counted, POS, "#cccccc")
    hover = "L_%{x} = ½(y_%{x} − target_%{x})² = %{y:.4f}"
    extra = {} if np.all(counted) else dict(customdata=np.where(counted, "", "<br>(not in L: loss on last step only)"))
    bar = dict(type="bar", x=ts, y=losses, name="L_t", marker=dict(color=colours),
               hovertemplate=hover + ("%{customdata}" if extra else "") + "<extra></extra>", **extra)
    shapes = [] if step is None else [dict(type="rect", x0=step - 0.5, x1=step + 0.5, y0=0, y1=1, yref="paper",
                                           fillcolor=HIGHLIGHT, line=dict(color="#e69f00", width=2), layer="below")]
    title = f"Loss per step L_t · total L = {float(np.sum(losses[counted])):.6g}"  # (the page's one total)
    layout = dict(height=260, margin=dict(l=70, r=10, t=30, b=45), title=dict(text=title, x=0),
                  shapes=shapes, bargap=0.15,
                  xaxis=dict(title=dict(text="t", standoff=8), automargin=False),
                  yaxis=dict(title=dict(text="L_t", standoff=8), automargin=False))
    return _spec([bar], layout)


def series_lines(run, target, step=None):
    """Top: y_t and target_t; bottom: each unit of h_t; step t as a vertical line."""
    T, H = run.T, run.hs.shape[1]
    ts = np.arange(1, T + 1)
    mode = "lines+markers" if T <= 60 else "lines"
    data = [go.Scatter(_validate=False, x=ts, y=target[:, 0], name="target_t (next value)", mode=mode,
                       line=dict(color="#888888", dash="dot")),
            go.Scatter(_validate=False, x=ts, y=run.y[:, 0], name="y_t", mode=mode, line=dict(color="#e69f00"))]
    units = ["#0072b2", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#888888", "#cc6677"]  # Okabe–Ito (black, grey: a grey, Tol rose)
    for i in range(H):
        data.append(go.Scatter(_validate=False, x=ts, y=run.h[:, i], name="h_t" if H == 1 else f"h_t[{i + 1}]", mode=mode,
                               line=dict(color=units[i % 8], width=1.5), xaxis="x", yaxis="y2"))
    shapes = [] if step is None else [dict(type="line", x0=step, x1=step, y0=0, y1=1, yref="paper",
                                           line=dict(color="rgba(230, 159, 0, 0.9)", width=2))]
    layout = dict(height=420 if H > 1 else 380, margin=dict(l=10, r=10, t=30, b=10),
                       title=dict(text="Outputs, targets and hidden state over time", x=0),
                       yaxis=dict(domain=[0.48, 1.0], title="y_t, target_t", gridcolor="rgba(128, 128, 128, 0.2)"),
                       yaxis2=dict(domain=[0.0, 0.4], title="h_t", range=[-1.05, 1.05], gridcolor="rgba(128, 128, 128, 0.2)",
                                   anchor="x"),
                       xaxis=dict(title="t", gridcolor="rgba(128, 128, 128, 0.2)", anchor="y2"), shapes=shapes,
                       hovermode="x unified",
                       legend=dict(orientation="h", y=-0.14, yanchor="top", x=0) if H == 1 else
                       dict(orientation="v", x=1.01, y=1, font=dict(size=10)))
    return go.Figure(data, layout, _validate=False)


def matrices_heatmap(params):
    """W_xh | W_hh | b_h | W_hyᵀ side by side, one shared RdBu scale centred on 0; b_y in the title."""
    mats = {"W_xh": params.W_xh, "W_hh": params.W_hh, "b_h": params.b_h[:, None], "W_hyᵀ": params.W_hy.T}
    H = params.H
    vmax = max(float(np.max(np.abs(a))) for a in mats.values()) or 1.0
    widths = {n: a.shape[1] for n, a in mats.items()}
    total, gap = sum(widths.values()), 0.04
    span = 1 - gap * (len(mats) - 1)
    data, layout, x0 = [], {}, 0.0
    for k, (n, a) in enumerate(mats.items(), start=1):
        x1 = min(x0 + span * widths[n] / total, 1.0)  # rounding can land on 1.0000000000000002, which plotly rejects
        ax = "" if k == 1 else str(k)
        data.append(go.Heatmap(_validate=False, z=a, x=np.arange(1, a.shape[1] + 1), y=np.arange(1, H + 1),
                               zmin=-vmax, zmax=vmax, colorscale=SCALE, showscale=k == 2,
                               hovertemplate=f"{n}[%{{y}},%{{x}}] = %{{z:.4f}}<extra></extra>",
                               texttemplate="%{z:.2f}" if H <= 4 else None, xaxis=f"x{ax}", yaxis=f"y{ax}",
                               colorbar=dict(len=0.9, thickness=12)))
        layout[f"xaxis{ax}"] = dict(domain=[x0, x1], title=n, tickvals=list(range(1, a.shape[1] + 1)), side="top")
        layout[f"yaxis{ax}"] = dict(autorange="reversed", tickvals=list(range(1, H + 1)), anchor=f"x{ax}",
                                    showticklabels=k == 1)
        x0 = x1 + gap
    title = f"The weights (b_y = {fmt(float(params.b_y[0]))})"
    return go.Figure(data, dict(height=130 + 34 * H, margin=dict(l=10, r=60, t=90, b=10),
                                     title=dict(text=title, x=0, y=0.97, yanchor="top"), **layout))


def hidden_heatmap(run, step=None):
    """h_t over time: unit i (rows) × step t (columns), RdBu on [−1, 1]."""
    H = run.hs.shape[1]
    ts = np.arange(0, run.T + 1)
    heat = go.Heatmap(_validate=False, z=run.hs.T, x=ts, y=np.arange(1, H + 1), zmin=-1, zmax=1, colorscale=SCALE,
                      hovertemplate="h_%{x}[%{y}] = %{z:.4f}<extra></extra>", colorbar=dict(thickness=12, title="h"))
    shapes = [] if step is None else [dict(type="rect", x0=step - 0.5, x1=step + 0.5, y0=0.5, y1=H + 0.5,
                                           line=dict(color="#e69f00", width=2))]
    layout = dict(height=110 + 26 * H, margin=dict(l=10, r=10, t=30, b=30), shapes=shapes,
                  title=dict(text="h_t over time (unit × step)", x=0), xaxis=dict(title="t"),
                  yaxis=dict(title="unit", autorange="reversed", tickvals=list(range(1, H + 1))))
    return go.Figure([heat], layout, _validate=False)


def _node_size(T):
    """A node's marker size (px) in a diagram of T steps."""
    return float(np.clip(700 / max(T, 1), 7, 38))


def unrolled_min_width(T):
    """The narrowest width (px) at which the unrolled diagram's T + 1 columns of nodes do not overlap (a
    phone's screen is narrower: the diagram then scrolls sideways in its own box); 0 when they are cells."""
    return 0 if T > MARKER_MAX_T else int(52 + (T + 1) * (_node_size(T) + 6))
