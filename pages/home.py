"""Home: what an RNN is, its equations in engine notation, recursion ↔ unrolling (seed 000), the pages."""
import streamlit as st

from ui.boot import through_app
from ui.code import python_html  # st.code's highlighter costs the cold start ~0.3 s
from ui.recursion import recursion_svg, scalar_chain

through_app()  # a shared link opened first on a fresh server still goes through app.py

st.title("rnnviz: watch a recurrent network compute and learn")
st.markdown(
    "A **recurrent neural network** reads a sequence one step at a time: $x_1, x_2, \\dots, x_T$.  \n"
    "It carries a **hidden state** $h_t$, a vector that summarises everything read so far.  \n"
    "At every step the *same* cell, with the *same* weights, mixes the new input $x_t$ into $h_{t-1}$.  \n"
    "From each $h_t$ it reads an output $y_t$ (here: a guess of the next value) and a loss $L_t$.  \n"
    "It learns by **backpropagation through time**: the chain rule, run backwards along the sequence.")

eq, shapes = st.columns([3, 2], gap="large")
with eq:
    st.latex(r"h_t = \tanh\left(W_{xh}\,x_t + W_{hh}\,h_{t-1} + b_h\right)")
    st.latex(r"y_t = W_{hy}\,h_t + b_y")
    st.latex(r"L_t = \tfrac12\,\lVert y_t - \mathrm{target}_t\rVert^2, \qquad L = \sum_{t=1}^{T} L_t")
with shapes:
    st.markdown(
        "| symbol | shape | in PyTorch |\n|---|---|---|\n"
        "| $W_{xh}$ | (H, I) | `nn.RNN.weight_ih_l0` |\n"
        "| $W_{hh}$ | (H, H) | `nn.RNN.weight_hh_l0` |\n"
        "| $b_h$ | (H,) | `bias_ih_l0 + bias_hh_l0` |\n"
        "| $W_{hy}$ | (O, H) | `nn.Linear(H, O).weight` |\n"
        "| $b_y$ | (O,) | `nn.Linear(H, O).bias` |")
    st.caption("Column vectors, PyTorch's weight shapes; I inputs, H hidden units, O outputs, h₀ = 0 unless set.")

st.header("Recursion, unrolled")
st.markdown("The recurrence is in $h$: $h_t$ is defined through $h_{t-1}$, just as `fib(n)` calls `fib(n-1)`. "
            "Unroll both and the recursion becomes a picture.")
fib_col, rnn_col = st.columns(2, gap="large")
with fib_col:
    st.markdown(python_html("def fib(n):\n    if n < 2:\n        return n            # base case\n"
                            "    return fib(n - 1) + fib(n - 2)"), unsafe_allow_html=True)
    st.latex(r"\begin{aligned}\mathrm{fib}(3) &= \mathrm{fib}(2) + \mathrm{fib}(1)\\"
             r"&= \big(\mathrm{fib}(1) + \mathrm{fib}(0)\big) + \mathrm{fib}(1)\\ &= (1 + 0) + 1 = 2\end{aligned}")
with rnn_col:
    st.markdown(python_html("# f(h, x) = tanh(W_xh x + W_hh h + b_h)\ndef h(t):\n    if t == 0:\n"
                            "        return h0           # base case\n    return f(h(t - 1), x[t])"),
                unsafe_allow_html=True)
    st.latex(r"\begin{aligned}h_3 &= f(h_2, x_3)\\ &= f\big(f(h_1, x_2),\, x_3\big)\\"
             r"&= f\Big(f\big(f(h_0, x_1),\, x_2\big),\, x_3\Big)\end{aligned}")

x = [1.0, 2.0, 3.0]                    # counting 1..3
hs = scalar_chain(0.8, 0.5, 0.0, x)    # seed 003's W_xh, W_hh, b_h; no numpy on the cold start's page
st.markdown(recursion_svg(0.8, 0.5, 0.0, x, hs), unsafe_allow_html=True)  # inline SVG: no Plotly to load
st.caption("Live numbers from seed 003's model (W_xh = 0.8, W_hh = 0.5, b_h = 0, h₀ = 0) on x = 1, 2, 3; "
           "hover, tap or Tab to a node for its formula (arrow keys walk the tree). fib calls itself twice, so its calls branch into a tree; h_t calls "
           "itself once, so unrolling gives a chain of T identical cells that share one set of weights. That "
           "chain is the unrolled network of the next page, and backpropagation walks it backwards. "
           "(Seed 000 says *recursive*; the usual name is *recurrent*: recursive nets are a different model, "
           "over trees.)")

st.header("Explore")
PAGES = [("pages/forward.py", "Forward pass", ":material/arrow_forward:",
          "Drag a weight and every h_t, y_t and L_t updates; step through t."),
         ("pages/bptt.py", "Backprop through time", ":material/arrow_back:",
          "Each step's share of ∂L/∂θ, truncation, and an autograd check."),
         ("pages/vanishing.py", "Vanishing & exploding", ":material/trending_down:",
          "‖∂h_T/∂h_{T−k}‖ on a log axis, the spectral radius, clipping."),
         ("pages/gates.py", "LSTM & GRU", ":material/call_split:",
          "Every gate on live numbers, and why the cell state's gradient need not vanish."),
         ("pages/training.py", "Live training", ":material/model_training:",
          "Watch an RNN learn a sine wave, one step at a time."),
         ("pages/shapes.py", "PyTorch shapes", ":material/view_in_ar:",
          "nn.RNN's x, out, h_n and weight shapes, from a live module.")]
for i, (path, label, icon, blurb) in enumerate(PAGES):
    if i % 3 == 0:
        cols = iter(st.columns(3))
    with next(cols).container(border=True, height="stretch"):
        st.page_link(path, label=f"**{label}**", icon=icon)
        st.caption(blurb)
