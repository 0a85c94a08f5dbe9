"""Live training: watch an RNN learn seed 004's sine wave; play, pause, step, reset, change the settings."""
import streamlit as st

from ui import train_controls as controls
from ui import train_views as views
from ui.boot import through_app
from ui.training_pool import session_run

through_app()  # a shared link opened first on a fresh server still goes through app.py

st.title("Live training")
st.caption("Seed 004's task: from a window of T values of a series, predict the next one. The model trains in a "
           "background worker shared with the server's other sessions, so you can keep using the page while it learns.")
CELLS = {
    "elman": r"h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}), \qquad \hat y = W_{hy} h_T + b_y",
    "concat": r"v_t = [x_t,\, h_{t-1}],\quad h_t = \tanh(W_h v_t + b_h), \qquad \hat y = W_o v_T + b_o",
}

worker = session_run()
worker.seconds_per_epoch = controls.speed()
cfg, error = controls.settings()
if error:
    st.error(error)
if cfg is not None and cfg != worker.config and (worker.config is None or not worker.snapshot().records):
    try:  # nothing trained yet: the settings apply at once
        worker.reset(cfg)
    except ValueError as e:
        st.error(f"These settings can't be trained: {e}")
        cfg = None
if worker.config is None:
    st.info("Fix the settings in the sidebar to start.")
    st.stop()

st.latex(CELLS[worker.config.cell])
if cfg is not None and cfg != worker.config:
    st.warning("The settings changed while this run has history. Press **Reset** to start a new run with them "
               "(Play and Step continue the current run with its own settings).", icon="⚠️")

if "train_reset_error" in st.session_state:
    st.error(st.session_state.pop("train_reset_error"))
controls.buttons(worker, cfg)
views.live(worker, worker.running or worker.starting)
if not worker.running:
    views.downloads(worker)
