"""rnnviz: an interactive, exact view of how a recurrent neural network computes and learns."""
import streamlit as st

st.set_page_config(page_title="rnnviz", page_icon="🔁", layout="wide")

PAGES = [
    st.Page("pages/home.py", title="Home", icon="🏠", default=True),
    st.Page("pages/forward.py", title="Forward pass", icon="➡️", url_path="forward"),
    st.Page("pages/bptt.py", title="Backprop through time", icon="⬅️", url_path="bptt"),
    st.Page("pages/vanishing.py", title="Vanishing & exploding", icon="📉", url_path="vanishing"),
    st.Page("pages/training.py", title="Live training", icon="🏋️", url_path="training"),
    st.Page("pages/shapes.py", title="PyTorch shapes", icon="🧊", url_path="shapes"),
]

st.navigation(PAGES).run()
