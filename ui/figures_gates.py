"""Figures for the LSTM & GRU page: pure functions of engine output (plain dicts for ui/live.live_chart), no Streamlit.

gates_diagram: the cell unrolled, one column per time step: x_t at the bottom, each gate's value above it, then
h_t and, for an LSTM, the cell state c_t on top (the "conveyor belt", with f_t drawn as the belt's width between
c_{t−1} and c_t). connectivity_figure / belt_figure: log10 curves against k, the steps back.
"""
import numpy as np

from ui.figures import POS, SCALE, spaced
from ui.figures_bptt import BLUE, GREEN, GREY, ORANGE, log_ticks
from ui.figures_decay import sci
from ui.numbers import fixed

OPEN = [[0.0, SCALE[5][1]], [1.0, POS]]      # a σ gate: white = shut (0) … blue = open (1)
TEXT_MAX_T = 30                                  # write the values into the cells up to this many columns
ROW_PX = 26                                      # height of one unit's row
CELL_COLOUR = {"RNN": BLUE, "LSTM": ORANGE, "GRU": GREEN}


def _rows(run, cell):
    """[(label, values (T, H) or (T+1, H), columns start at 0 or 1, colour scale, zmax)] from bottom to top."""
    x = run.x
    rows = [("x_t", x, 1, SCALE, max(float(np.abs(x).max()), 1e-12))]
    for g, v in run.gates.items():
        sigma = g not in ("g", "n")
        rows.append((f"{g}_t", v, 1, OPEN if sigma else SCALE, 1.0))
    rows.append(("h_t", run.hs, 0, SCALE, 1.0))
    if run.cs is not None:
        rows.append(("c_t", run.cs, 0, SCALE, max(float(np.abs(run.cs).max()), 1.0)))
    return rows


def gates_diagram(run, cell, step=None):
    """Every row of the unrolled cell as a strip of cells (an H-row band when H > 1), step t shaded."""
    T, H = run.T, run.hs.shape[1]
    data, ticks, labels, y0 = [], [], [], 0.0
    text = T <= TEXT_MAX_T and H == 1
    for label, values, first, scale, zmax in _rows(run, cell):
        rows = values.shape[1]
        ys = y0 + np.arange(rows)
        cols = np.arange(first, first + values.shape[0])
        name = label.split("_")[0]
        hover = f"{name}_%{{x}}" + ("" if rows == 1 else "[%{customdata}]") + " = %{z:.4f}<extra></extra>"
        trace = dict(type="heatmap", colorscale=scale, zmin=0.0 if scale is OPEN else -zmax, zmax=zmax,
                     showscale=False, hovertemplate=hover)
        if text:  # few cells, each with its number: a brick per cell, a gap between columns
            trace.update(x=cols, y=ys, z=values.T, xgap=2, text=np.vectorize(lambda v: fixed(v, 2))(values.T),  # −0.001: 0.00
                         texttemplate="%{text}", textfont=dict(size=10 if T > 15 else 12))
        else:     # many: one small image (ui.figures.spaced: NaN gap columns on a uniform half-column grid)
            trace.update(z=spaced(values.T), x0=float(first), dx=0.5, y0=y0, dy=1.0, hoverongaps=False)
        if rows > 1:
            trace["customdata"] = np.repeat(np.arange(1, rows + 1)[:, None], trace["z"].shape[1], axis=1)
        data.append(trace)
        ticks.append(y0 + (rows - 1) / 2)
        labels.append(label if rows == 1 else f"{label} (H={rows})")
        y0 += rows + 0.6
    if run.cs is not None:
        data.append(_belt(run, y_c=ticks[-1]))          # on the c row, between its columns
    shapes = []
    if step is not None and 1 <= step <= T:
        shapes.append(dict(type="rect", x0=step - 0.5, x1=step + 0.5, y0=-0.6, y1=y0 - 0.4,  # (a dict: no line_* magic)
                           line=dict(width=2, color="rgba(230, 159, 0, 0.9)"), fillcolor="rgba(0, 0, 0, 0)", layer="above"))
    every = 1 if T <= 25 else next(e for e in (2, 5, 10, 20, 50, 100, 200, 500, 1000, 10**9) if T / e <= 12)
    xt = list(range(0, T + 1, every))
    layout = dict(height=int(40 + ROW_PX * (y0 + 0.4)), margin=dict(l=70, r=10, t=10, b=30),
                  xaxis=dict(range=[-0.6, T + 0.6], tickvals=xt, ticktext=[f"t={t}" for t in xt], showgrid=False,
                             zeroline=False, fixedrange=T <= 40, automargin=False),
                  yaxis=dict(range=[-0.6, y0 - 0.4], tickvals=ticks, ticktext=labels, showgrid=False,
                             zeroline=False, fixedrange=True, automargin=False),
                  shapes=shapes, dragmode="pan" if T > 40 else False, hovermode="closest")
    return {"data": data, "layout": layout}


def _belt(run, y_c):
    """c_{t−1} → c_t: a marker between the columns, 4 px plus 12 px × the mean forget gate f_t (the share of c kept)."""
    f = run.gates["f"].mean(axis=1)               # (T,)
    T = run.T
    return dict(type="scatter", x=np.arange(T) + 0.5, y=np.full(T, y_c), mode="markers", showlegend=False,
                marker=dict(symbol="triangle-right", size=4 + 12 * f, color=GREY, opacity=0.9),
                customdata=f, hovertemplate="c_%{x:.0f}→ kept: mean f = %{customdata:.4f}<extra></extra>")


def _log_layout(arrays, title, height=340):
    finite = np.concatenate([a[np.isfinite(a)] for a in arrays])
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    tickvals, ticktext = log_ticks(lo, hi)
    pad = max(0.05 * (hi - lo), 0.2)
    return dict(height=height, margin=dict(l=60, r=10, t=40, b=40), title=dict(text=title),
                xaxis=dict(title=dict(text="k, steps back from T")),
                yaxis=dict(tickvals=tickvals, ticktext=ticktext, range=[lo - pad, hi + pad]),
                legend=dict(orientation="h", y=-0.25, x=0), hovermode="x unified")


def _curve(log10_values, name, colour, dash="solid", width=2):
    k = np.arange(len(log10_values))
    shown = np.where(np.isfinite(log10_values), log10_values, np.nan)
    return dict(type="scatter", x=k, y=shown, mode="lines", name=name, line=dict(color=colour, dash=dash, width=width),
                text=[sci(v) for v in log10_values], hovertemplate="%{text}")


def connectivity_figure(curves, chosen):
    """log10 ‖∂h_T/∂x_{T−k}‖₂ of each cell against k; the cell on the page drawn thicker."""
    data = [_curve(v, f"{cell}: ‖∂h_T/∂x_(T−k)‖₂", CELL_COLOUR[cell], width=3.5 if cell == chosen else 1.8)
            for cell, v in curves.items()]
    return {"data": data, "layout": _log_layout(list(curves.values()), "Connectivity: how much h_T hears of x_(T−k)")}


def belt_figure(log_forget, log_c):
    """The LSTM's Π f (the conveyor belt alone) beside ‖∂c_T/∂c_{T−k}‖₂ (every path)."""
    data = [_curve(log_c, "‖∂c_T/∂c_(T−k)‖₂ (every path)", ORANGE, width=3),
            _curve(log_forget, "max_i Π f (the belt alone)", GREY, dash="dash")]
    return {"data": data, "layout": _log_layout([log_forget, log_c], "LSTM: the cell state's own path")}

