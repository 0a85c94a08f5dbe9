"""Forward pass / unroller (work in progress)."""
import streamlit as st

import rnnviz
from ui.sidebar import model_and_sequence

st.title("Forward pass")
setup = model_and_sequence(max_T=500)
if setup is not None:
    run = rnnviz.forward(setup.params, setup.x, setup.h0)
    st.write(f"h_1 = {run.h[0, 0]:.6f}")
