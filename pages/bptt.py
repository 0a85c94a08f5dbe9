"""Backpropagation through time: where ∂L/∂Θ comes from, step by step, checked against torch.autograd."""
import streamlit as st

import rnnviz
from rnnviz import PARAM_NAMES
from ui import bptt_view as V, controls, figures_bptt as F, state
from ui.boot import through_app
from ui.live import described, live_chart, live_latex
from ui.sidebar import model_and_sequence

through_app()  # a shared link opened first on a fresh server still goes through app.py

state.field("bptt_mode", "choice", "full BPTT", choices=("full BPTT", "truncated to k steps"),
            label="Gradient shown", widget="segmented")
state.field("bptt_k", "int", 1, lo=1, hi=rnnviz.MAX_T, label="Truncation k (steps each L_t flows back)",
            help="When truncated (and in the table below): k = 1 is seed 003's one-step formula; k = T is full BPTT")
state.field("bptt_rows", "choice", "all", choices=("all",) + PARAM_NAMES, label="Rows", widget="segmented")
state.field("bptt_t", "int", 2, lo=1, hi=rnnviz.MAX_T, label="Step t for seed 003's formulas")
state.field("bptt_unit", "int", 1, lo=1, hi=rnnviz.MAX_H, label="Hidden unit i")

st.title("Backpropagation through time")
for name in ("bptt_mode", "bptt_k", "bptt_rows", "bptt_t", "bptt_unit"):
    state.value(name)  # read the URL now, so the sidebar's notice lists a bad value of ours too


def page(setup):
    """Everything under the title: reruns alone when a weight slider moves (see model_and_sequence)."""
    p, T, H = setup.params, setup.x.shape[0], setup.params.H
    on = "every step" if setup.loss_on == "all" else "the last step"
    st.caption(f"{setup.label} · T = {T}, H = {H} · loss on {on}")
    live_latex(V.EQUATIONS, key="bptt_equations")

    # ui/controls panels (one page element each, native inputs): a Streamlit widget re-renders on every move
    # k only while truncated: full BPTT has no k (the table below still compares with the last k set)
    full = state.current("bptt_mode") == "full BPTT"
    view = controls.panel(["bptt_mode"] + ([] if full else ["bptt_k"]), key="bptt_truncation",
                          overrides={"bptt_k": {"hi": max(T, 2)}})
    k = view.get("bptt_k") or state.current("bptt_k", hi=max(T, 2))
    truncate = None if view["bptt_mode"] == "full BPTT" else k
    if truncate is None:
        st.caption("Full BPTT lets every L_t flow back to step 1, so there is no k to set: pick "
                   "*truncated to k steps* for the truncation k slider.")
    try:
        args = (p, setup.x, setup.target, setup.h0)
        g_full = rnnviz.bptt(*args, loss_on=setup.loss_on)
        g = g_full if truncate is None else rnnviz.bptt(*args, truncate=truncate, loss_on=setup.loss_on)
    except ValueError as e:
        st.error(str(e))
        return

    # headings share one markdown element with the text under them: fewer elements re-rendered per move
    V.totals(g, "### ∂L/∂Θ" + ("" if truncate is None else f" (truncated to k = {truncate})"))

    check = st.container()  # filled last: torch's loop (~50 ms at T = 100) runs while the browser draws the charts

    st.markdown("### Which step contributes what\n\nΘ is shared by every step, so ∂L/∂Θ is a sum over t of each step's use of it. "
                "Each row is one parameter entry; its last column **Σ_t** is the total above.")
    rows = controls.panel(["bptt_rows"], key="bptt_rows_panel")["bptt_rows"]
    names = PARAM_NAMES if rows == "all" else (rows,)
    live_chart(described(F.contribution_heatmap(g, names), alt=V.contributions_alt(g, names)), key="bptt_contributions")
    live_chart(described(F.dh_bars(g), alt=V.dh_alt(g)), key="bptt_dh")

    st.subheader("How far each loss reaches back")
    live_chart(F.reach_heatmap(g_full.reach(), truncate), key="bptt_reach")

    st.markdown(f"### Truncated BPTT beside full BPTT\n\nTruncation k lets each L_t flow back through at most k cells. "
                f"{f'The table compares k = {k}; pick *truncated to k steps* above to change k.' if truncate is None else ''}")
    kk = truncate or k
    g_k = g if truncate is not None else rnnviz.bptt(*args, truncate=kk, loss_on=setup.loss_on)
    st.dataframe(F.truncation_table(g_k, g_full), hide_index=True, width="stretch",
                 height=min(38 + 35 * len(F.entries(g.as_dict())), 420))

    st.subheader("Seed 003's one-step formulas, corrected, with live numbers")
    st.info(V.SEED_SLIPS)
    pick = controls.panel(["bptt_t"] + (["bptt_unit"] if H > 1 else []), key="bptt_seed_panel",
                          overrides={"bptt_t": {"hi": max(T, 2)}, "bptt_unit": {"hi": H}})
    t, i = min(pick["bptt_t"], T), pick.get("bptt_unit", 1) - 1
    if setup.loss_on == "last" and t < T:
        st.caption(f"The loss is on the last step only, so L_{t} is not part of L; below is the gradient of "
                   f"L_{t} itself, as seed 003 writes it.")
    try:  # ∂L_t/∂θ of L_t alone, one step back (seed 003's formula) and along every path: like with like
        one_step, every_path = (rnnviz.bptt(*args, truncate=k, loss_on=t) for k in (1, None))
        V.seed003(one_step, every_path, t, i, setup.h0)
    except ValueError as e:
        st.error(str(e))
    with check:
        V.autograd_check(g, setup)


model_and_sequence(page, max_T=500)
