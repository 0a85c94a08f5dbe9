"""LSTM & GRU: the gated cells computing gate by gate on live numbers, and why their gradients do not vanish."""
import streamlit as st

from ui import figures_gates as F, gates_view as V, state
from ui.boot import through_app
from ui.figures import unrolled_min_width
from ui.figures_decay import sci
from ui.forward_view import NO_CHART, step_controls
from ui.gates_model import comparison, model
from ui.live import described, live_chart, live_latex
from ui.sidebar import model_and_sequence

through_app()  # a shared link opened first on a fresh server still goes through app.py

st.title("LSTM & GRU: gates, step by step")
state.value("t")  # read the URL now, so the sidebar's notice lists a bad value of ours too


def page(setup):
    """Everything under the title: reruns alone when a weight slider moves (see model_and_sequence)."""
    p, T = setup.params, len(setup.x)
    cell = p.cell.name
    try:
        runs = comparison(setup)           # {cell: (params, run)}, the page's cell and the other two
    except ValueError as e:
        st.error(str(e))
        return
    run = runs[cell][1]
    live_latex(V.equations(cell), key="gate_equations")
    st.caption(f"**{cell}** · {setup.label} · T = {T} · H = {p.H} · target_t = the next value of the sequence")
    t = step_controls(T)
    live_chart(described(F.gates_diagram(run, cell, step=t), min_width=unrolled_min_width(T),  # (phones)
                         alt=f"{cell} unrolled over T = {T} steps, step t = {t} highlighted. Step t's gate-by-gate "
                             "formulas with their numbers are written out just below the chart."),
               key="gates_diagram", config=NO_CHART)
    st.caption(V.DIAGRAM_CAPTION[cell] + (" Hover a cell for its value." if p.H > 1 or T > F.TEXT_MAX_T else ""))
    live_latex(V.step_lines(cell, p, run, setup.target, t), key="gate_step_lines")

    st.subheader("How gates fix vanishing gradients")
    curves = V.connectivity_curves(runs)
    K = T - 1
    live_chart(described(F.connectivity_figure(curves, cell), table=("k", "text"),
                         alt=f"At k = {K}: " + ", ".join(f"{c} {sci(v[K])}" for c, v in curves.items())
                             + ". Every k in the data table below."), key="connectivity", config=NO_CHART)
    st.markdown(V.summary(curves, T))
    log_forget, log_c = V.belt_curves(*runs["LSTM"])
    live_chart(described(F.belt_figure(log_forget, log_c), table=("k", "text")), key="belt", config=NO_CHART)
    st.markdown(V.belt_summary(log_forget, log_c, runs["LSTM"][1].gates["f"]))
    st.markdown(V.EXPLANATION)
    st.page_link("pages/vanishing.py", label="The RNN's Jacobian product on the vanishing page",
                 icon=":material/trending_down:")


model_and_sequence(page, max_T=500, model=model)
