"""Controls of the live-training page: ui/state fields (URL, validation, notices) drawn by ui/controls panels.

Every setting is a field named `train_<name>` (e.g. ?train_cell=concat&train_lr=0.1), so a link reproduces the
run, seed included; a bad value in a link falls back to its default with a notice. Help texts come from
TrainConfig's field list, the same list that makes the CLI's flags. The settings are three panels (one page
element each, native inputs) and, for a CSV dataset, Streamlit's file uploader between them: fourteen
Streamlit widgets re-rendered on every rerun made a hidden-size move twice the forward page's.
"""
import streamlit as st

from rnnviz.csvdata import read_csv
from rnnviz.datasets import DATASETS, TASKS
from rnnviz.train_config import CELLS, OPTIMIZERS, TASK_DEFAULTS, TrainConfig, config_fields
from ui import controls, state

HELP = {f.name: f.metadata["help"] for f in config_fields()}
DEFAULT = TrainConfig()
CELL_LABELS = {"elman": "nn.RNN + Linear on h_T", "concat": "seed 004: i2h, i2o on [x_t, h_{t−1}]",
               "lstm": "nn.LSTM + Linear on h_T", "gru": "nn.GRU + Linear on h_T"}
TASK_LABELS = {"series": "next value of a series (seed 004)", "adding": "the adding problem: a test of memory"}
LRS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)
BATCHES = (8, 16, 32, 64, 128, 256, 512)
NORMS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
SPEEDS = {"1 epoch/s": 1.0, "5 epochs/s": 0.2, "20 epochs/s": 0.05, "full speed": 0.0}
TASK_SETTINGS = ("hidden", "window", "batch_size", "epochs")  # their defaults depend on the task
_TASK_SHOWN = "_train_task_shown"  # the task of the last run: another one now resets TASK_SETTINGS


def _g(x):
    """0.01, 10, 1e-04: what a choice slider shows (the URL holds the same text, ?train_lr=10)."""
    return f"{x:g}"


def _field(name, kind, label, **spec):
    """The field `train_<name>`, its default from TrainConfig, its help from TrainConfig's field list."""
    return state.field(f"train_{name}", kind, spec.pop("default", getattr(DEFAULT, name, None)), label=label,
                       help=spec.pop("help", HELP.get(name)), **spec)


FIELDS = [
    state.field("train_speed", "choice", "20 epochs/s", choices=SPEEDS, widget="slider", label="Speed",
                help="Pacing only: the run is the same at any speed."),
    _field("task", "choice", "Task", choices=TASKS, names=TASKS, captions=[TASK_LABELS[t] for t in TASKS]),
    _field("dataset", "choice", "Dataset", choices=DATASETS, widget="select"),
    _field("race", "bool", "Race: RNN vs LSTM vs GRU"),
    _field("cell", "choice", "Cell", choices=CELLS, names=CELLS, captions=[CELL_LABELS[c] for c in CELLS]),
    _field("hidden", "int", "Hidden size H", lo=1, hi=64),
    _field("window", "int", "Length T (window, or the adding problem's sequence)", lo=1, hi=200),
    _field("optimizer", "choice", "Optimizer", choices=OPTIMIZERS),
    _field("lr", "choice", "Learning rate", choices=LRS, names=[_g(x) for x in LRS], widget="slider"),
    _field("batch_size", "choice", "Batch size", choices=BATCHES, widget="slider"),
    _field("epochs", "int", "Epochs", lo=1, hi=5000, widget="number"),
    _field("clip", "bool", "Gradient clipping"),
    _field("max_norm", "choice", "Clip at max-norm θ", choices=NORMS, names=[_g(x) for x in NORMS], widget="slider"),
    _field("seed", "int", "Random seed", lo=0, hi=2**31 - 1, widget="number"),
]


def settings():
    """The settings panels (in the sidebar) → (TrainConfig or None, error message or None)."""
    sb = st.sidebar
    sb.subheader("Settings")
    first = ["train_task"] + (["train_dataset"] if state.current("train_task") == "series" else [])
    s = {k[len("train_"):]: v for k, v in controls.panel(first, key="train_task_panel", container=sb).items()}
    if st.session_state.get(_TASK_SHOWN, s["task"]) != s["task"]:  # moved since the last run (a link's is kept)
        _task_defaults(s["task"])
    st.session_state[_TASK_SHOWN] = s["task"]
    s.setdefault("dataset", "sine")
    with sb:
        values, error = _csv_values() if s["dataset"] == "csv" else (None, None)
    # a link with ?train_task=adding opens on the adding problem's defaults
    default = TrainConfig.for_task(s["task"])
    rest = ["train_race", "train_cell", "train_hidden", "train_window", "train_optimizer", "train_lr",
            "train_batch_size", "train_epochs", "train_clip", "train_max_norm", "train_seed"]
    race, clip = state.current("train_race"), state.current("train_clip")
    shown = controls.panel(rest, key="train_settings_panel", container=sb,
                           overrides={f"train_{n}": {"default": getattr(default, n)} for n in TASK_SETTINGS},
                           disabled={"train_cell": race, "train_max_norm": not clip})
    s.update({k[len("train_"):]: v for k, v in shown.items()}, values=values)
    state.show_notices(sb)
    if error or (s["dataset"] == "csv" and values is None):
        return None, error
    try:
        return TrainConfig(**s), None
    except ValueError as e:
        return None, str(e)


def _task_defaults(task):
    """A new task starts from its own defaults (the adding problem: T = 50, H = 16, batch 64, 30 epochs)."""
    for name, value in {**{k: getattr(DEFAULT, k) for k in TASK_DEFAULTS["adding"]}, **TASK_DEFAULTS[task]}.items():
        state.set(f"train_{name}", value)


def _csv_values():
    """The person's CSV column as a tuple of floats → (values or None, error or None)."""
    upload = st.file_uploader("CSV file (first row: column names)", type=["csv", "txt"], key="train_csv_file")
    if upload is None:
        st.info("Upload a CSV file to train on one of its columns.")
        return None, None
    try:
        table = read_csv(upload.getvalue())  # parsed once: the columns, the default and the values
        column = st.selectbox("Column", table.columns, index=table.columns.index(table.default),
                              key="train_csv_column",
                              help="By default the first numeric column that is not an index such as t or date")
        return tuple(table.values(column)), None
    except ValueError as e:
        return None, f"That CSV can't be used: {e}"


def speed():
    """How fast the worker may go, in seconds per epoch: slow enough to watch, or full speed."""
    return SPEEDS[controls.panel(["train_speed"], key="train_speed_panel", container=st.sidebar)["train_speed"]]


def buttons(run, cfg):
    """▶ Play / ⏸ Pause / ⏭ Step / ↺ Reset. They act in callbacks, before the script redraws the page."""
    running, done = run.running, run.snapshot().done
    cols = st.columns(4)
    cols[0].button("Play", icon=":material/play_arrow:", key="train_play", on_click=run.play, disabled=running or done, type="primary",
                   width="stretch")
    cols[1].button("Pause", icon=":material/pause:", key="train_pause", on_click=run.pause, disabled=not running, width="stretch")
    cols[2].button("Step", icon=":material/skip_next:", key="train_step", on_click=run.step, disabled=done, help="Train one epoch",
                   width="stretch")
    cols[3].button("Reset", icon=":material/restart_alt:", key="train_reset", on_click=_reset, args=(run, cfg or run.config),
                   help="Start again with the settings shown", width="stretch")


def _reset(run, cfg):
    try:
        run.reset(cfg)
    except ValueError as e:
        st.session_state["train_reset_error"] = f"These settings can't be trained: {e}"
