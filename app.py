"""rnnviz: an interactive, exact view of how a recurrent neural network computes and learns."""
import streamlit as st

from ui import fade, theme, url
from ui.training_pool import visit

# an About entry shows the (minimal) menu, and with it Streamlit's light/dark/system theme selector
st.set_page_config(page_title="rnnviz", page_icon=":material/replay:", layout="wide",
                   menu_items={"About": "rnnviz: an exact, interactive view of how an RNN computes and learns."})

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/forward.py", title="Forward pass", icon=":material/arrow_forward:", url_path="forward"),
    st.Page("pages/bptt.py", title="Backprop through time", icon=":material/arrow_back:", url_path="bptt"),
    st.Page("pages/vanishing.py", title="Vanishing & exploding", icon=":material/trending_down:", url_path="vanishing"),
    st.Page("pages/gates.py", title="LSTM & GRU", icon=":material/call_split:", url_path="gates"),
    st.Page("pages/training.py", title="Live training", icon=":material/model_training:", url_path="training"),
    st.Page("pages/shapes.py", title="PyTorch shapes", icon=":material/view_in_ar:", url_path="shapes"),
]

visit()  # the training workers load PyTorch while the class arrives, not after its first Play
try:
    st.navigation(PAGES).run()
finally:  # (a page may end its run with st.stop())
    fade.install()  # Streamlit's fade of out-of-date elements, for runs slower than 0.5 s only
    theme.install()  # colours from the light/dark theme, focus ring and keeping, chart labels
    url.publish("app")  # the shareable link, written into the address bar
