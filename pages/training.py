"""Live training: watch an RNN learn seed 004's sine wave, or race RNN, LSTM and GRU on the adding problem."""
import streamlit as st

from ui import race_views
from ui import train_controls as controls
from ui import train_views as views
from ui.boot import through_app
from ui.training_pool import session_run

through_app()  # a shared link opened first on a fresh server still goes through app.py

st.title("Live training")
TASKS = {
    "series": "Seed 004's task: from a window of T values of a series, predict the next one.",
    "adding": "The adding problem: T steps of two inputs, a value u_t drawn from [0, 1] and a marker m_t that is 1 "
              "at exactly two steps (one in each half). At the last step, answer the sum of the two marked values: "
              "the first mark may be T − 1 steps back, so only a cell that remembers can do it.",
}

run = session_run()
run.seconds_per_epoch = controls.speed()
cfg, error = controls.settings()
if error:
    st.error(error)
if cfg is not None and cfg != run.config and (run.config is None or not run.snapshot().records):
    try:  # nothing trained yet: the settings apply at once
        run.reset(cfg)
    except ValueError as e:
        st.error(f"These settings can't be trained: {e}")
        cfg = None
if run.config is None:
    st.info("Fix the settings in the sidebar to start.")
    st.stop()

st.caption(TASKS[run.config.task] + " The models train in a background worker shared with the server's other "
           "sessions, so you can keep using the page while they learn.")
race_views.equations(run.config)
race_views.loss_caption(run.config, run.task)
if cfg is not None and cfg != run.config:
    st.warning("The settings changed while this run has history. Press **Reset** to start a new run with them "
               "(Play and Step continue the current run with its own settings).", icon="⚠️")

if "train_reset_error" in st.session_state:
    st.error(st.session_state.pop("train_reset_error"))
controls.buttons(run, cfg)
views.live(run, run.running or run.starting)
if not run.running:
    views.downloads(run)
