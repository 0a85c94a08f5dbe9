"""Figures and tables for backpropagation through time: pure functions of rnnviz.Grads, no Streamlit.

    ∂L/∂W_hh = Σ_t ∂L/∂a_t h_{t−1}ᵀ        each column of the heatmap is one term, the last column their sum
    R[t, k]  = ‖∂L_t/∂h_k‖ = ‖(J_t ⋯ J_{k+1})ᵀ W_hyᵀ (y_t − target_t)‖,   J_s = diag(1 − h_s²) W_hh

The three charts redraw on every slider move (ui/live.py), so they are built as plain dicts (ui.figures._spec)
with numpy arrays, which reach plotly.js as typed arrays: go.Figure's validation and a nested list of
numbers per heatmap cell cost the BPTT page ~200 ms a move at T = 100, H = 8.
"""
import functools

import numpy as np
import pandas as pd

from rnnviz import PARAM_NAMES
from ui.figures import SCALE, _spec
from ui.numbers import sig

# Okabe–Ito, safe for every common form of colour blindness
ORANGE, SKY, GREEN, BLUE, VERMILLION, PURPLE, GREY = (
    "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#999999")
# plotly's Viridis spelled out: a plain-dict figure hands colour scales to plotly.js unchecked
VIRIDIS = [[0.0, "#440154"], [0.111, "#482878"], [0.222, "#3e4989"], [0.333, "#31688e"], [0.444, "#26828e"],
           [0.556, "#1f9e89"], [0.667, "#35b779"], [0.778, "#6ece58"], [0.889, "#b5de2b"], [1.0, "#fde725"]]
ROW_LABELS_MAX = 100  # up to this many heatmap rows every row is labelled (H = 8: 89); the hover reads the label

# one step's contribution to each parameter's gradient, for the hover: (formula, left factor, right factor)
_TERM = {
    "W_xh": ("∂L/∂a_t x_tᵀ", "(∂L/∂a_t)_i", "(x_t)_j"),
    "W_hh": ("∂L/∂a_t h_{t−1}ᵀ", "(∂L/∂a_t)_i", "(h_{t−1})_j"),
    "b_h": ("∂L/∂a_t", "(∂L/∂a_t)_i", None),
    "W_hy": ("∂L/∂y_t h_tᵀ", "(∂L/∂y_t)_i", "(h_t)_j"),
    "b_y": ("∂L/∂y_t", "(∂L/∂y_t)_i", None),
}


def entries(arrays, names=PARAM_NAMES):
    """[(name, index, label)] for every scalar entry; labels are 1-based like the maths (W_hh[1,2])."""
    return list(_entries(tuple((name, np.shape(arrays[name])) for name in names)))


@functools.lru_cache(maxsize=64)
def _entries(shapes):
    """entries() for ((name, shape), …): the same few shapes on every slider move (89 labels at H = 8)."""
    out = []
    for name, shape in shapes:
        if int(np.prod(shape)) == 1:
            out.append((name, (0,) * len(shape), name))
            continue
        for idx in np.ndindex(shape):
            out.append((name, idx, f"{name}[{','.join(str(i + 1) for i in idx)}]"))
    return tuple(out)


def _factors(g, name):
    """(left (T, rows), right (T, cols) or None): per_step[name][t] = left[t] right[t]ᵀ."""
    run = g.run
    return {"W_xh": (g.da, run.x), "W_hh": (g.da, run.h_prev), "b_h": (g.da, None),
            "W_hy": (g.dy, run.h), "b_y": (g.dy, None)}[name]


def contribution_matrix(g, names=PARAM_NAMES):
    """(labels, C (rows, T)) with C[r, t] = step t's contribution to entry r; Σ_t C[r] = ∂L/∂θ_r."""
    rows = entries(g.as_dict(), names)
    C = np.array([g.per_step[name][(slice(None),) + idx] for name, idx, _ in rows])  # (rows, T)
    return [label for _, _, label in rows], C


def _per_name_scale(values, names_of_rows):
    """max |value| over the rows of the same parameter: W_hh's entries share one scale, b_y its own."""
    out = np.ones(len(values))
    for name in set(names_of_rows):
        rows = [r for r, n in enumerate(names_of_rows) if n == name]
        m = np.abs(values[rows]).max()
        out[rows] = m if m > 0 else 1.0
    return out


def _step_trace(g, name, idx, rows, T, small):
    """One parameter's rows as a heatmap: z = term ÷ row's largest |term|; hover: the term (customdata), its
    left factor (text) and right factor (hovertext), each a (rows, T) array; the entry's label from the y axis."""
    formula, left_s, right_s = _TERM[name]
    left, right = _factors(g, name)
    C = np.stack([g.per_step[name][(slice(None),) + i] for i in idx])          # (rows, T)
    scale = np.abs(C).max(axis=1, keepdims=True)
    scale[scale == 0] = 1.0
    factors = f"{left_s} = %{{text:.4g}}" + (f" × {right_s} = %{{hovertext:.4g}}" if right_s else "")
    # the colour and the factors (4 digits in the hover) as float32, whose 7 digits show them the same: half
    # the bytes of a T = 100, H = 8 move; the term itself, shown to 6 digits, stays float64
    trace = dict(type="heatmap", x=np.arange(1, T + 1), y=np.asarray(rows), z=(C / scale).astype(np.float32),
                 customdata=C, text=np.stack([left[:, i[0]] for i in idx]).astype(np.float32), zmin=-1, zmax=1,
                 colorscale=SCALE,
                 xgap=1 if T <= 60 else 0, ygap=1 if len(idx) <= 40 else 0,
                 hovertemplate=f"%{{y}}, step t = %{{x}}: {formula}<br>{factors}<br>"
                               "<b>= %{customdata:.6g}</b><extra></extra>")
    if right is not None:
        trace["hovertext"] = np.stack([right[:, i[1]] for i in idx]).astype(np.float32)
    if small:  # each cell's term printed in it
        trace.update(texttemplate="%{customdata:.4~g}", textfont={"size": 10})
    return trace


def contribution_heatmap(g, names=PARAM_NAMES):
    """Heatmap entry × step of ∂L/∂θ's terms (colour ÷ the row's largest term), and beside it Σ_t = the total.

    Rows sit on a numeric y axis whose tick labels name every entry (the hover shows that label as %{y}):
    plotly.js fails on several heatmaps that share a categorical axis, and each parameter needs its own
    trace for its own hover formula.
    """
    rows = entries(g.as_dict(), names)
    labels, C = contribution_matrix(g, names)               # (rows, T)
    T, n = g.run.T, len(labels)
    S = C.sum(axis=1)                                       # (rows,) Σ_t, equal to the engine's total
    totals = [float(np.asarray(getattr(g, name))[idx]) for name, idx, _ in rows]
    small = n * (T + 1) <= 150
    traces = []
    for name in dict.fromkeys(r[0] for r in rows):     # one trace per parameter: its own hover formula
        mine = [r for r, (nm, _, _) in enumerate(rows) if nm == name]
        traces.append(_step_trace(g, name, [rows[r][1] for r in mine], mine, T, small))
    traces[0].update(showscale=True, colorbar={"title": {"text": "term ÷ row's<br>largest |term|"}, "len": 0.8})
    for tr in traces[1:]:
        tr["showscale"] = False
    custom_sum = [[[f"{lab}: Σ_t of the row = ∂L/∂{lab}<br>engine's ∂L/∂{lab} = {sig(tot)}", float(s)]]
                  for lab, tot, s in zip(labels, totals, S)]
    traces.append(dict(type="heatmap", z=(S / _per_name_scale(S, [r[0] for r in rows]))[:, None], x=["Σ_t"],
                       y=np.arange(n), customdata=custom_sum, zmin=-1, zmax=1, colorscale=SCALE, showscale=False,
                       text=[[sig(v)] for v in S] if n <= 40 else None,
                       texttemplate="%{text}" if n <= 40 else None, textfont={"size": 11},
                       hovertemplate="%{customdata[0]}<br><b>= %{customdata[1]:.6g}</b><extra></extra>",
                       xgap=1, ygap=1 if n <= 40 else 0, xaxis="x2", yaxis="y2"))
    step = 1 if n <= ROW_LABELS_MAX else -(-n // 45)      # beyond that at most 45 labels, so they never overlap
    row_px = max(9, min(22, 900 // n))
    layout = dict(
        title={"text": "What each time step's use of a parameter contributes to ∂L/∂θ; right: Σ_t = the total"},
        height=max(260, 90 + n * row_px), margin={"l": 10, "r": 10, "t": 50, "b": 40},
        xaxis={"anchor": "y", "domain": [0.0, 0.8514], "title": {"text": "time step t"},
               **({"dtick": 1} if T <= 30 else {})},
        yaxis={"anchor": "x", "domain": [0.0, 1.0], "autorange": "reversed", "tickvals": list(range(0, n, step)),
               "ticktext": labels[::step], "tickfont": {"size": min(12, row_px)}, "showgrid": False,
               "zeroline": False, "title": {"text": "parameter entry"}},
        xaxis2={"anchor": "y2", "domain": [0.8614, 1.0], "type": "category"},
        yaxis2={"anchor": "x2", "domain": [0.0, 1.0], "matches": "y", "showticklabels": False, "ticks": ""})
    return _spec(traces, layout)


def totals_table(g, g_check=None):
    """One row per entry: the total ∂L/∂θ, Σ_t of the per-step terms, and (optionally) autograd's number."""
    labels, C = contribution_matrix(g)
    totals = [float(np.asarray(g.as_dict()[n])[idx]) for n, idx, _ in entries(g.as_dict())]
    df = pd.DataFrame({"entry": labels, "∂L/∂θ (rnnviz)": totals, "Σ_t per-step terms": C.sum(axis=1)})
    if g_check is not None:
        auto = [float(np.asarray(g_check[n])[idx]) for n, idx, _ in entries(g.as_dict())]
        df["∂L/∂θ (torch.autograd)"] = auto
        df["|rnnviz − autograd|"] = np.abs(np.array(totals) - np.array(auto))
    return df


def dh_bars(g):
    """∂L/∂h_t = W_hyᵀ ∂L/∂y_t (output path) + W_hhᵀ ∂L/∂a_{t+1} (recurrent path), for every t."""
    t = np.arange(1, g.run.T + 1)
    direct = g.dy @ g.params.W_hy                  # (T, H) the output path
    recurrent = g.dh - direct                      # (T, H) what arrives from later steps
    if g.params.H == 1:
        traces = [dict(type="bar", x=t, y=part, name=name, marker={"color": colour},
                       hovertemplate=f"t = %{{x}}<br>{name}: {formula} = %{{y:.6g}}<extra></extra>")
                  for part, colour, name, formula in (
                      (direct[:, 0], ORANGE, "output path", "W_hy (y_t − target_t)"),
                      (recurrent[:, 0], BLUE, "recurrent path", "W_hh ∂L/∂a_{t+1}"))]
        traces.append(dict(type="scatter", x=t, y=g.dh[:, 0], mode="markers", name="∂L/∂h_t (sum)",
                           marker={"color": "#888888", "symbol": "diamond", "size": 7},
                           hovertemplate="t = %{x}<br>∂L/∂h_t = %{y:.6g}<extra></extra>"))
        extra, y_title = {"barmode": "relative"}, "∂L/∂h_t"
    else:
        norms = np.column_stack([np.linalg.norm(a, axis=1) for a in (g.dh, direct, recurrent)])  # (T, 3)
        traces = [dict(type="bar", x=t, y=norms[:, 0], name="‖∂L/∂h_t‖₂", marker={"color": BLUE},
                       customdata=norms[:, 1:],
                       hovertemplate="t = %{x}<br>‖∂L/∂h_t‖₂ = %{y:.6g}<br>‖W_hyᵀ ∂L/∂y_t‖ = %{customdata[0]:.4g} "
                                     "(output path)<br>‖W_hhᵀ ∂L/∂a_{t+1}‖ = %{customdata[1]:.4g} (recurrent path)"
                                     "<extra></extra>")]
        extra, y_title = {}, "‖∂L/∂h_t‖₂"
    return _spec(traces, dict(
        title={"text": "∂L/∂h_t: what reaches each hidden state"}, xaxis={"title": {"text": "time step t"}},
        yaxis={"title": {"text": y_title}}, height=330, legend={"orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 10, "t": 50, "b": 40}, **extra))


def log_ticks(lo, hi, n=6):
    """Round powers of ten between lo and hi (log10 units), labelled 10ⁿ."""
    if not np.isfinite(lo) or not np.isfinite(hi) or hi - lo < 1:
        lo, hi = np.floor(lo if np.isfinite(lo) else hi - 1), np.ceil(hi if np.isfinite(hi) else lo + 1)
    raw = (hi - lo) / n
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10**4, 10**5) if s >= raw)
    vals = np.arange(np.ceil(lo / step) * step, hi + 1e-9, step)
    return vals, [f"10<sup>{int(v)}</sup>" if v else "1" for v in vals]


def reach_heatmap(R, truncate=None):
    """T×T map R[t, k] = ‖∂L_t/∂h_k‖ on a log colour scale; the truncation window's edge drawn on it."""
    T = R.shape[0]
    with np.errstate(divide="ignore"):
        Z = np.log10(R)                                   # −inf where nothing reaches (k > t, or no loss)
    Z[~np.isfinite(Z)] = np.nan
    finite = Z[np.isfinite(Z)]
    lo, hi = (finite.min(), finite.max()) if finite.size else (-1.0, 0.0)
    tickvals, ticktext = log_ticks(lo, hi)
    traces = [dict(
        type="heatmap", z=Z.astype(np.float32), x=np.arange(1, T + 1), y=np.arange(1, T + 1),
        customdata=R.astype(np.float32), colorscale=VIRIDIS, zmin=float(lo), zmax=float(hi),
        colorbar={"title": {"text": "‖∂L_t/∂h_k‖"}, "tickvals": tickvals, "ticktext": ticktext, "len": 0.9},
        hovertemplate="loss L_%{y} → state h_%{x}<br>‖∂L_%{y}/∂h_%{x}‖₂ = <b>%{customdata:.4e}</b><br>"
                      "= ‖(J_%{y} ⋯ J_{%{x}+1})ᵀ W_hyᵀ (y_%{y} − target_%{y})‖,  J_s = diag(1 − h_s²) W_hh"
                      "<extra></extra>")]
    if truncate is not None and truncate < T:
        # inside the window: t − k ≤ truncate − 1; the edge runs one half-cell outside it
        x = np.array([0.5, T + 0.5 - truncate])
        traces.append(dict(type="scatter", x=x, y=x + truncate, mode="lines", hoverinfo="skip", showlegend=True,
                           line={"color": VERMILLION, "width": 2, "dash": "dash"},
                           name=f"truncation k = {truncate}: below this line is dropped"))
    return _spec(traces, dict(
        showlegend=len(traces) > 1,  # the dashed edge's legend: plotly hides a legend of one entry by default
        title={"text": "How much each loss L_t reaches each hidden state h_k (full BPTT, log colour)"},
        xaxis={"title": {"text": "hidden state h_k"}},
        yaxis={"title": {"text": "loss L_t"}, "autorange": "reversed"},
        legend={"orientation": "h", "y": -0.15}, height=520, margin={"l": 10, "r": 10, "t": 50, "b": 40}))


def truncation_table(g_trunc, g_full):
    """Truncated BPTT beside full BPTT, entry by entry, and what truncation leaves out."""
    rows = entries(g_full.as_dict())
    tr = np.array([float(np.asarray(g_trunc.as_dict()[n])[idx]) for n, idx, _ in rows])
    full = np.array([float(np.asarray(g_full.as_dict()[n])[idx]) for n, idx, _ in rows])
    k = g_trunc.truncate if g_trunc.truncate is not None else g_full.run.T
    return pd.DataFrame({"entry": [lab for _, _, lab in rows], f"truncated, k = {k}": tr,
                         "full BPTT": full, "full − truncated": full - tr})


def _two_lines(lhs, symbols, numbers):
    """lhs = symbols, then = numbers on the next line, aligned at the = (fits a narrow column)."""
    return rf"\begin{{aligned}} {lhs} &= {symbols} \\ &= {numbers} \end{{aligned}}"


def seed003_latex(g1, g_full, t, i=0):
    """Seed 003's one-step gradients of L_t (t 1-based) with live numbers, for hidden unit i (0-based).

    ∂L_t/∂W_hh ≈ (y_t − target_t) W_hy (1 − h_t²) h_{t−1}: only through step t. g1 and g_full are the
    gradients of L_t alone, one step back (truncate = 1) and along every path (full BPTT): like with like.
    Returns [{name, entry, latex, value (one step), full (∂L_t/∂θ, every path), seed_latex, seed_value}];
    the seed's printed (1 − h_t)² version is kept beside it so the page can show the slip.
    """
    run, p = g1.run, g1.params
    s, n = t - 1, i + 1
    err = float(g1.dy[s, 0])
    w_hy = float(p.W_hy[0, i])
    h, h_prev, x = float(run.h[s, i]), float(run.h_prev[s, i]), float(run.x[s, 0])
    vec = p.H > 1     # name the entry: (W_hy)_{1,i}, h_{t,i} … for H > 1, plain scalars for H = 1
    h_t, h_tm = (rf"h_{{{t},{n}}}", rf"h_{{{t - 1},{n}}}") if vec else (rf"h_{{{t}}}", rf"h_{{{t - 1}}}")
    W = {k: (rf"(W_{{{k[2:]}}})_{{{sub}}}" if vec else rf"W_{{{k[2:]}}}") for k, sub in
         (("W_hy", f"1,{n}"), ("W_hh", f"{n},{n}"), ("W_xh", f"{n},1"))}
    err_s = rf"(y_{{{t}}} - \mathrm{{target}}_{{{t}}})"
    back = rf"{err_s}\, {W['W_hy']}\,(1 - {h_t}^2)"
    back_n = rf"({sig(err)})({sig(w_hy)})(1 - {sig(h)}^2)"
    back_seed_n = rf"({sig(err)})({sig(w_hy)})(1 - {sig(h)})^2"
    core_seed = err * w_hy * (1 - h) ** 2    # seed 003's printed (1 − h_t)², which the engine never computes
    k1 = lambda name, idx: float(g1.per_step[name][(s,) + idx])  # the engine's value, truncate = 1
    total = lambda name, idx: float(np.asarray(getattr(g_full, name))[idx])  # ∂L_t/∂θ along every path
    dL = lambda sym: rf"\frac{{\partial L_{{{t}}}}}{{\partial {sym}}}\Big|_{{k=1}}"
    out = []
    for name, lhs, sym, tail, last, idx in (
            ("W_hh", dL(W["W_hh"]), rf"{back}\, {h_tm}", rf"({sig(h_prev)})", h_prev, (i, i)),
            ("W_xh", dL(W["W_xh"]), rf"{back}\, x_{{{t}}}", rf"({sig(x)})", x, (i, 0)),
            ("b_h", dL(rf"b_{{h,{n}}}" if vec else "b_h"), back, "", 1.0, (i,))):
        value = k1(name, idx)
        out.append({"name": name, "entry": _entry(name, idx, vec), "value": value, "full": total(name, idx),
                    "latex": _two_lines(lhs, sym, rf"{back_n}{tail} = {sig(value)}"),
                    "seed_latex": rf"\text{{seed 003 as printed: }} {back_seed_n}{tail} = {sig(core_seed * last)}",
                    "seed_value": core_seed * last})
    for name, lhs, sym, num, idx in (
            ("W_hy", dL(W["W_hy"]), rf"{err_s}\, {h_t}", rf"({sig(err)})({sig(h)})", (0, i)),
            ("b_y", dL("b_y"), err_s, rf"{sig(run.y[s, 0])} - {sig(run.y[s, 0] - err)}", (0,))):
        val = k1(name, idx)
        out.append({"name": name, "entry": _entry(name, idx, vec), "value": val, "full": total(name, idx),
                    "latex": _two_lines(lhs, sym, rf"{num} = {sig(val)}"), "seed_latex": None, "seed_value": None})
    return out


def _entry(name, idx, vec):
    """W_hh, or W_hh[2,2] for H > 1 (1-based, like the maths)."""
    return f"{name}[{','.join(str(j + 1) for j in idx)}]" if vec else name


def dec4(v):
    """At least four decimals: −0.4073, 12.3457; scientific (4 decimals) when tiny or huge."""
    v = float(v) + 0.0
    return f"{v:.4f}" if v == 0 or 1e-4 <= abs(v) < 1e5 else f"{v:.4e}"


def seed003_table(rows, t, h0_zero):
    """Markdown: each parameter's one-step number beside the full gradient of the same L_t, and their gap.

    Under the table, where the two are equal, why (and only there): W_hy and b_y act after the recurrence;
    at t = 1 there is no earlier step; at t = 2 with h_0 = 0 W_hh's use at step 1 multiplies h_0 = 0."""
    lines = [f"| θ | one step (k = 1) | full ∂L_{t}/∂θ | gap, full − one step | as printed, (1 − h)² |",
             "|---|---|---|---|---|"]
    why = {}
    for r in rows:
        gap = r["full"] - r["value"]
        if abs(gap) <= 1e-12 * max(1.0, abs(r["full"])):
            reason = ("act after the recurrence: L_t reaches them through y_t alone" if r["name"] in ("W_hy", "b_y")
                      else "t = 1: there is no earlier step" if t == 1
                      else "t = 2 and h_0 = 0: W_hh's use at step 1 multiplies h_0 = 0"
                      if r["name"] == "W_hh" and t == 2 and h0_zero else "equal for these numbers")
            why.setdefault(reason, []).append(r["entry"])
            gap_text = f"{dec4(0.0)}, equal"
        else:
            gap_text = f"**{dec4(gap)}**"
        printed = "—" if r["seed_value"] is None else dec4(r["seed_value"])
        lines.append(f"| {r['entry']} | {dec4(r['value'])} | {dec4(r['full'])} | {gap_text} | {printed} |")
    notes = [f"{' and '.join(entries)} equal: {reason}." for reason, entries in why.items()]
    return "\n".join(lines) + ("\n\n" + " ".join(notes) if notes else "")
