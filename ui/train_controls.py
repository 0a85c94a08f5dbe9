"""Widgets of the live-training page. Each returns plain values; the settings become one TrainConfig.

Every setting is bound to the URL (`bind="query-params"`, e.g. ?train_cell=concat&train_lr=0.1), so a link
reproduces the run, seed included. Options are plain names because a bound widget puts its label in the URL.
Help texts come from TrainConfig's field list, the same list that makes the CLI's flags.
"""
import streamlit as st

from rnnviz.datasets import DATASETS, TASKS, csv_column, csv_columns, default_column
from rnnviz.train_config import CELLS, OPTIMIZERS, TASK_DEFAULTS, TrainConfig, config_fields

HELP = {f.name: f.metadata["help"] for f in config_fields()}
DEFAULT = TrainConfig()
CELL_LABELS = {"elman": "nn.RNN + Linear on h_T", "concat": "seed 004: i2h, i2o on [x_t, h_{t−1}]",
               "lstm": "nn.LSTM + Linear on h_T", "gru": "nn.GRU + Linear on h_T"}
TASK_LABELS = {"series": "next value of a series (seed 004)", "adding": "the adding problem: a test of memory"}
LRS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCHES = (8, 16, 32, 64, 128, 256, 512)
NORMS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
SPEEDS = {"1 epoch/s": 1.0, "5 epochs/s": 0.2, "20 epochs/s": 0.05, "full speed": 0.0}


def _g(x):
    """0.01, 10, 1e-04: the label shown, and what the URL holds (?train_lr=10)."""
    return f"{x:g}"


def _bound(widget, label, name, **kw):
    """A widget keyed `train_<name>`, initialised from and written to the URL."""
    return widget(label, key=f"train_{name}", help=HELP.get(name), bind="query-params", **kw)


def settings():
    """The settings widgets (in the sidebar) → (TrainConfig or None, error message or None)."""
    with st.sidebar:
        st.subheader("Settings")
        task = _bound(st.radio, "Task", "task", options=TASKS, captions=[TASK_LABELS[t] for t in TASKS],
                      on_change=_task_defaults)
        dataset, values, error = "sine", None, None
        if task == "series":
            dataset = _bound(st.selectbox, "Dataset", "dataset", options=DATASETS, index=DATASETS.index("sine"))
            values, error = _csv_values() if dataset == "csv" else (None, None)
        race = _bound(st.toggle, "Race: RNN vs LSTM vs GRU", "race", value=False)
        cell = _bound(st.radio, "Cell", "cell", options=CELLS, captions=[CELL_LABELS[c] for c in CELLS],
                      disabled=race)
        s = dict(task=task, dataset=dataset, values=values, cell=cell, race=race)
        default = TrainConfig.for_task(task)  # a link with ?train_task=adding opens on the adding problem's
        s["hidden"] = _bound(st.slider, "Hidden size H", "hidden", min_value=1, max_value=64, value=default.hidden)
        s["window"] = _bound(st.slider, "Length T (window, or the adding problem's sequence)", "window",
                             min_value=1, max_value=200, value=default.window)
        s["optimizer"] = _bound(st.radio, "Optimizer", "optimizer", options=OPTIMIZERS, horizontal=True)
        s["lr"] = _bound(st.select_slider, "Learning rate", "lr", options=LRS, value=DEFAULT.lr, format_func=_g)
        s["batch_size"] = _bound(st.select_slider, "Batch size", "batch_size", options=BATCHES,
                                 value=default.batch_size)
        s["epochs"] = _bound(st.number_input, "Epochs", "epochs", min_value=1, max_value=5000,
                             value=default.epochs, step=10)
        s["clip"] = _bound(st.toggle, "Gradient clipping", "clip", value=DEFAULT.clip)
        s["max_norm"] = _bound(st.select_slider, "Clip at max-norm θ", "max_norm", options=NORMS,
                               value=DEFAULT.max_norm, disabled=not s["clip"], format_func=_g)
        s["seed"] = _bound(st.number_input, "Random seed", "seed", min_value=0, max_value=2**31 - 1,
                           value=DEFAULT.seed)
    if error or (dataset == "csv" and values is None):
        return None, error
    try:
        return TrainConfig(**s), None
    except ValueError as e:
        return None, str(e)


def _task_defaults():
    """A new task starts from its own defaults (the adding problem: T = 50, H = 16, batch 64, 30 epochs)."""
    for name, value in {**{k: getattr(DEFAULT, k) for k in TASK_DEFAULTS["adding"]},
                        **TASK_DEFAULTS[st.session_state["train_task"]]}.items():
        st.session_state[f"train_{name}"] = value


def _csv_values():
    """The person's CSV column as a tuple of floats → (values or None, error or None)."""
    upload = st.file_uploader("CSV file (first row: column names)", type=["csv", "txt"], key="train_csv_file")
    if upload is None:
        st.info("Upload a CSV file to train on one of its columns.")
        return None, None
    try:
        text = upload.getvalue()
        columns = csv_columns(text)
        column = st.selectbox("Column", columns, index=columns.index(default_column(text)), key="train_csv_column",
                              help="By default the first numeric column that is not an index such as t or date")
        return tuple(csv_column(text, column)), None
    except ValueError as e:
        return None, f"That CSV can't be used: {e}"


def speed():
    """How fast the worker may go, in seconds per epoch: slow enough to watch, or full speed."""
    with st.sidebar:
        label = st.select_slider("Speed", options=list(SPEEDS), value="20 epochs/s", key="train_speed",
                                 help="Pacing only: the run is the same at any speed.", bind="query-params")
    return SPEEDS[label]


def buttons(worker, cfg):
    """▶ Play / ⏸ Pause / ⏭ Step / ↺ Reset. They act in callbacks, before the script redraws the page."""
    running, done = worker.running, worker.snapshot().done
    cols = st.columns(4)
    cols[0].button("Play", icon=":material/play_arrow:", key="train_play", on_click=worker.play, disabled=running or done, type="primary",
                   width="stretch")
    cols[1].button("Pause", icon=":material/pause:", key="train_pause", on_click=worker.pause, disabled=not running, width="stretch")
    cols[2].button("Step", icon=":material/skip_next:", key="train_step", on_click=worker.step, disabled=done, help="Train one epoch",
                   width="stretch")
    cols[3].button("Reset", icon=":material/restart_alt:", key="train_reset", on_click=_reset, args=(worker, cfg or worker.config),
                   help="Start again with the settings shown", width="stretch")


def _reset(worker, cfg):
    try:
        worker.reset(cfg)
    except ValueError as e:
        st.session_state["train_reset_error"] = f"These settings can't be trained: {e}"
