"""PyTorch shapes (seed 002): a real torch.nn.RNN built from the chosen sizes, its x, out, h_n and weights."""
import pandas as pd
import streamlit as st

from ui import state
from ui.boot import through_app
from ui.figures_shapes import extent, tensor_figure
from ui.shapes import Sizes, code, engine_check, last_step_checks, param_rows, problems, run_torch

through_app()  # a shared link opened first on a fresh server still goes through app.py

BIG = 1_000_000  # the widgets accept absurd sizes so the page can say why they are absurd
FIELDS = [state.field("nn_batch", "int", 1, lo=1, hi=BIG, widget="number", label="batch B"),
          state.field("nn_steps", "int", 4, lo=1, hi=BIG, widget="number", label="time steps T"),
          state.field("nn_features", "int", 2, lo=1, hi=BIG, widget="number", label="features I"),
          state.field("nn_hidden", "int", 3, lo=1, hi=BIG, widget="number", label="hidden size H"),
          state.field("nn_layers", "int", 1, lo=1, hi=100, widget="number", label="layers L"),
          state.field("nn_bidirectional", "bool", False, label="bidirectional"),
          state.field("nn_batch_first", "bool", True, label="batch_first")]


@st.cache_data(max_entries=32, show_spinner=False)
def run(s: Sizes):
    return run_torch(s, seed=0)


st.title("PyTorch shapes: what `nn.RNN` takes and returns")
st.markdown("Pick the sizes: the page builds a real `torch.nn.RNN`, runs it on random input and draws "
            "every tensor with its shape (blue = positive, red = negative). Hover a cell for its index and "
            "meaning.")
cols = st.columns(6, vertical_alignment="bottom")
B, T, I, H, L = (state.widget(f, container=c) for f, c in zip(FIELDS[:5], cols))
bidirectional, batch_first = (state.widget(f, container=cols[5]) for f in FIELDS[5:])
state.show_notices()
s = Sizes(B=B, T=T, I=I, H=H, L=L, bidirectional=bidirectional, batch_first=batch_first)
too_big = problems(s)
r = None if too_big else run(s)
st.code(code(s, r), language="python", wrap_lines=True)  # no sideways scroll on a phone
for msg in too_big:
    st.error(f"Too big to build here: {msg}", icon=":material/block:")
if r:
    tensors = {"x": r.x, "out": r.out, "h_n": r.h_n}
    box = tuple(max(e) for e in zip(*(extent(a.shape) for a in tensors.values())))  # same cell size in all
    for col, (name, a) in zip(st.columns(3, gap="medium"), tensors.items()):
        col.plotly_chart(tensor_figure(a, name, s, box), width="stretch", config={"displayModeBar": False},
                         key=f"fig_{name}")
    st.markdown(f"`out` holds **every step** of the **last layer** ({'both directions side by side, ' if s.D > 1 else ''}"
                f"D·H = {s.D * H} numbers a step); `h_n` holds the **last step** of **every layer and direction**: "
                f"D·L = {s.D * L} slabs. `h_n` is (D·L, B, H) whether or not `batch_first` is set.")
    checks = " · ".join(f"`{a} == {b}` (max |diff| {d:.1e})" for a, b, d in last_step_checks(s, r))
    st.caption(f"Where they overlap they agree: {checks}")

st.header("Inside the cell: two biases")
left, right = st.columns(2, gap="large")
with left:
    st.markdown("PyTorch (seed 002), row vectors, a bias per branch:")
    st.latex(r"h_t = \tanh\left(x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh}\right)")
with right:
    st.markdown("rnnviz, column vectors, one bias:")
    st.latex(r"h_t = \tanh\left(W_{xh}\,x_t + W_{hh}\,h_{t-1} + b_h\right)")
    st.latex(r"W_{xh} = W_{ih}, \quad b_h = b_{ih} + b_{hh}")
st.markdown("The same numbers: $x_t W_{ih}^\\top$ as a row is $W_{ih} x_t$ as a column, so "
            "$W_{xh}$ = `weight_ih_l0` (H, I) and $W_{hh}$ = `weight_hh_l0` (H, H). The two biases are always "
            "added together, so only their sum matters: PyTorch learns one redundant bias vector per layer "
            "and direction.")
if r:
    diff = engine_check(s, r)
    if diff is not None:
        st.success(f"rnnviz's `forward` with these weights (b_h = bias_ih_l0 + bias_hh_l0) reproduces layer 0's "
                   f"forward states of sequence 0 to {diff:.1e} (PyTorch computes in float32).", icon=":material/check_circle:")
    rows = param_rows(s, r.params)
    st.subheader(f"Parameters: {sum(row['numbers'] for row in rows):,} numbers in {len(rows)} tensors")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height="content")
