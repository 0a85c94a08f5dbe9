"""H > 1 in the sidebar: seeded random matrices × a gain per matrix, editable cell by cell.

    W = gain_W · W⁰,  W⁰ ~ N(0, 1/H) from the seed (PyTorch's init scale; gain 1 ⇒ spectral radius ≈ 1)
    b_h = 0, b_y from its slider; then the grid's edits overwrite single cells.

The edits are kept as the cells that differ from the seeded matrices, in one URL field `cells`
("W_hh:0:1=0.5;b_h:2=-0.1"), so a link restores an edited model exactly.
"""
import numpy as np
import pandas as pd
import streamlit as st

import rnnviz
from ui import state

GAINS = ("W_xh", "W_hh", "W_hy")
_GRID = "_rnnviz_grid"  # {"sig": (H, seed, gains), "version": n, "shown": {name: array}}

GRID_FIELDS = [
    state.field("seed", "int", 0, lo=0, hi=2**31 - 1, step=1, widget="number", label="Seed",
                help="Seeds the random matrices W⁰ ~ N(0, 1/H)."),
    *[state.field(f"gain_{n}", "float", 1.0, lo=0.0, hi=3.0, step=0.05, label=f"gain on {n}",
                  help=f"{n} = gain · {n}⁰" + (" — its spectral radius is ≈ this gain" if n == "W_hh" else ""))
      for n in GAINS],
    state.field("cells", "text", "", label="edited cells"),
]


def seeded(H, seed, gains):
    """{W_xh (H,1), W_hh (H,H), b_h (H,), W_hy (1,H)}: gain · W⁰ with W⁰ from the seed, b_h = 0."""
    p = rnnviz.RNNParams.random(H, seed=seed)
    out = {n: g * getattr(p, n) for n, g in zip(GAINS, gains)}
    out["b_h"] = np.zeros(H)
    return out


def parse_cells(text, base):
    """{name: array} = base with the cells of "name:i[:j]=v;…" written in; ValueError naming a bad cell."""
    mats = {n: np.array(a, dtype=np.float64) for n, a in base.items()}
    for item in filter(None, (s.strip() for s in text.split(";"))):
        try:
            where, v = item.split("=")
            name, *ij = where.split(":")
            v = float(v)
            if not np.isfinite(v):
                raise ValueError
            mats[name][tuple(int(i) for i in ij)] = v
        except (ValueError, KeyError, IndexError, TypeError):
            raise ValueError(f"cell '{item[:30]}' is not name:row[:col]=number for these shapes") from None
    return mats


def format_cells(mats, base):
    """The cells where mats differ from base, as "name:i:j=v;…" (10 significant digits)."""
    items = []
    for n, a in mats.items():
        for ij in zip(*np.nonzero(a != base[n])):
            items.append(f"{n}:{':'.join(str(int(i)) for i in ij)}={a[ij]:.10g}")
    return ";".join(items)


def _grid_state(H, seed, gains, base):
    """The matrices the editors start from; new seed/gains/H clear the edits (they were for other W⁰)."""
    sig = (H, seed, gains)
    grid = st.session_state.get(_GRID)
    if grid is None or grid["sig"] != sig:
        text = state.value("cells") if grid is None else ""  # first run of the session: the link's edits
        try:
            shown = parse_cells(text, base)
        except ValueError as e:
            st.warning(f"URL parameter `cells`: {e}; using the seeded matrices.")
            shown = base
        grid = {"sig": sig, "version": (grid or {}).get("version", 0) + 1, "shown": shown}
        st.session_state[_GRID] = grid
    return grid


def _editor(name, a, version):
    """One st.data_editor over a matrix or vector; returns the edited array (same shape)."""
    a2 = a.reshape(a.shape[0], -1)
    cols = [f"{j + 1}" for j in range(a2.shape[1])]
    df = pd.DataFrame(a2, columns=cols, index=[str(i + 1) for i in range(a2.shape[0])])
    st.caption(f"{name} {a.shape}")
    edited = st.data_editor(df, key=f"_grid_{name}_{version}", width="stretch",
                            column_config={c: st.column_config.NumberColumn(c, format="%.3f") for c in cols})
    out = edited.to_numpy(dtype=np.float64, na_value=np.nan).reshape(a.shape)
    if not np.all(np.isfinite(out)):
        st.warning(f"An empty cell in {name} was put back to its previous value.")
        out = np.where(np.isfinite(out), out, a)
    return out


def _fold_edits(grid):
    """Closed editors drop their edits: make the edited matrices the ones the next editors start from."""
    edited = grid.pop("edited", None)
    if edited is not None and any(not np.array_equal(edited[n], grid["shown"][n]) for n in edited):
        grid["shown"] = edited
        grid["version"] += 1  # fresh editor keys over the folded matrices
    return grid["shown"]


def model(H, sb, values):
    """RNNParams for H > 1 from the seed, the gains and b_y in `values` and the grid; None after an st.error."""
    seed, b_y = values["seed"], values["b_y"]
    gains = tuple(values[f"gain_{n}"] for n in GAINS)
    base = seeded(H, seed, gains)
    grid = _grid_state(H, seed, gains, base)
    # The four grids are the sidebar's costliest widgets: build them only while the expander is open.
    with sb.expander("Edit the matrices cell by cell", key="_grid_open", on_change="rerun") as box:
        if box.open:
            mats = {n: _editor(n, grid["shown"][n], grid["version"]) for n in ("W_hh", "W_xh", "b_h", "W_hy")}
            grid["edited"] = mats
        else:
            mats = _fold_edits(grid)
    state.put("cells", format_cells(mats, base))
    try:
        return rnnviz.RNNParams(W_xh=mats["W_xh"], W_hh=mats["W_hh"], b_h=mats["b_h"], W_hy=mats["W_hy"],
                                b_y=[b_y])
    except ValueError as e:
        st.error(f"Model: {e}")
        return None


def set_matrices(p):
    """Show Θ = p in the grid (a gradient step): new editors over p's matrices, b_y on its slider."""
    grid = st.session_state.get(_GRID)
    if grid is None:
        return
    grid["shown"] = {n: np.array(getattr(p, n)) for n in ("W_xh", "W_hh", "b_h", "W_hy")}
    grid.pop("edited", None)
    grid["version"] += 1  # fresh editor keys: the old edits are already inside p
    state.set("b_y", float(p.b_y[0]))


def forget_all():
    """H = 1: the grid and its edits no longer apply."""
    st.session_state.pop(_GRID, None)
    state.forget("cells")
