"""The live-training page through AppTest, and its worker: lifecycle, independence, thread hygiene."""
import os
import threading
import time
from pathlib import Path

import pytest
import torch
from streamlit.runtime.caching import clear_session_resource_cache
from streamlit.testing.v1 import AppTest

from rnnviz.train import train
from rnnviz.train_config import TrainConfig
from apptest_util import decode, live_figures
from ui.training_worker import TrainingWorker

torch.set_num_threads(1)  # the model is tiny: a second thread only waits (badly, on a busy machine)

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "training.py")
APPTEST_SESSION = "test session id"  # the session id AppTest's script runner uses


@pytest.fixture
def at():
    at = AppTest.from_file(PAGE, default_timeout=60)
    yield at.run()
    clear_session_resource_cache(APPTEST_SESSION)  # release the session: its worker stops


def loss_points(at):
    """Epochs drawn on the loss chart."""
    for spec in live_figures(at):
        if spec["layout"]["title"]["text"].startswith("Loss"):
            return len(decode(spec["data"][0]["x"]))
    raise AssertionError("no loss chart on the page")


def progress_text(at):
    return at.get("progress")[0].proto.text


def training_threads():
    return [t for t in threading.enumerate() if t.name.startswith("rnnviz-training-")]


def training_processes():
    """Pids of this process's children running rnnviz.train_process, zombies included (from /proc)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue  # it exited while we looked
        if ppid == os.getpid() and b"rnnviz.train_process" in cmdline:
            pids.append(int(stat.parent.name))
    return pids


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_page_renders_seed_004_defaults(at):
    assert not at.exception and not at.error
    assert len(live_figures(at)) == 5 and loss_points(at) == 0
    assert "epoch 0/50" in progress_text(at)
    assert "W_{hh}" in at.latex[0].value


def test_step_adds_one_epoch_and_reset_clears_the_history(at):
    at.button(key="train_step").click().run()
    assert not at.exception and loss_points(at) == 1 and "epoch 1/50" in progress_text(at)
    at.button(key="train_step").click().run()
    assert loss_points(at) == 2
    at.button(key="train_reset").click().run()
    assert not at.exception and loss_points(at) == 0 and "epoch 0/50" in progress_text(at)


def test_changing_a_setting_with_history_asks_for_a_reset(at):
    at.button(key="train_step").click().run()
    at.radio(key="train_cell").set_value("concat").run()
    assert any("Reset" in w.value for w in at.warning)
    assert loss_points(at) == 1 and "W_{hh}" in at.latex[0].value  # the run goes on with its own settings
    at.button(key="train_reset").click().run()
    assert not at.warning and loss_points(at) == 0 and "v_t" in at.latex[0].value


def test_settings_come_from_the_url():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update(train_cell="concat", train_epochs="300", train_lr="10", train_clip="false")
    at.run()
    assert not at.exception and "epoch 0/300" in progress_text(at) and "v_t" in at.latex[0].value
    assert at.select_slider(key="train_lr").value == 10.0 and at.toggle(key="train_clip").value is False
    clear_session_resource_cache(APPTEST_SESSION)


def test_bad_csv_shows_an_error_not_a_traceback(at):
    at.selectbox(key="train_dataset").select("csv").run()
    at.file_uploader(key="train_csv_file").upload("prices.csv", b"price\n1\n2\nabc\n", "text/csv").run()
    assert not at.exception
    assert any("row 4 of column 'price' is 'abc'" in e.value for e in at.error)


def test_released_session_leaves_no_worker_thread_or_process(at):
    at.number_input(key="train_epochs").set_value(5000).run()
    at.button(key="train_play").click().run()
    assert len(training_threads()) == 1
    [pid] = training_processes()
    assert wait_until(lambda: "epoch 0/" not in progress_text(at.run()), timeout=60)  # it trains
    clear_session_resource_cache(APPTEST_SESSION)  # what Streamlit does when the tab disconnects
    assert training_threads() == [] and training_processes() == []
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # exited and reaped


def test_two_workers_train_independently_and_reproduce_their_runs():
    a, b = TrainingWorker(), TrainingWorker()
    cfg_a, cfg_b = TrainConfig(epochs=6), TrainConfig(epochs=6, seed=7, cell="concat")
    a.reset(cfg_a)
    b.reset(cfg_b)
    a.play()
    b.play()
    a.join(60)
    b.join(60)
    for worker, cfg in ((a, cfg_a), (b, cfg_b)):
        got = [(r.train_loss, r.val_loss) for r in worker.snapshot().records]
        assert got == [(r.train_loss, r.val_loss) for r in train(cfg)]
        worker.close()
    assert training_processes() == []


def test_play_while_the_process_starts_trains_once_it_is_up():
    worker = TrainingWorker()
    assert worker.snapshot().starting and not worker.ready  # importing torch takes it far longer than this
    worker.reset(TrainConfig(epochs=3))
    worker.play()
    assert worker.running  # queued: the process reads its commands once it is up
    worker.join(60)
    snap = worker.snapshot()
    assert not snap.starting and snap.done and [r.epoch for r in snap.records] == [1, 2, 3]
    worker.close()


def test_pause_keeps_the_run_and_play_continues_it_identically():
    worker = TrainingWorker()
    worker.reset(TrainConfig(epochs=40))
    worker.step()
    worker.play()
    assert wait_until(lambda: len(worker.snapshot().records) >= 5, timeout=60)
    worker.pause()
    paused = len(worker.snapshot().records)
    assert not worker.running and paused < 40
    time.sleep(0.2)
    assert len(worker.snapshot().records) == paused  # nothing trains while paused
    worker.play()
    worker.join(60)
    got = [r.train_loss for r in worker.snapshot().records]
    assert got == [r.train_loss for r in train(TrainConfig(epochs=40))]
    worker.close()


def test_worker_stops_when_its_session_is_no_longer_alive():
    alive = threading.Event()
    alive.set()
    worker = TrainingWorker(alive=alive.is_set)
    worker.reset(TrainConfig(epochs=100_000))
    worker.play()
    assert wait_until(lambda: worker.snapshot().records, timeout=60)
    alive.clear()
    assert wait_until(lambda: training_threads() == [] and training_processes() == [])
    assert not worker.running and worker.process.returncode == 0  # it stopped when asked, not terminated
    assert len(worker.snapshot().records) < 100_000


def test_divergence_is_reported_and_the_page_keeps_working(at):
    at.radio(key="train_optimizer").set_value("sgd")
    at.select_slider(key="train_lr").set_value(10.0)
    at.toggle(key="train_clip").set_value(False).run()
    for _ in range(5):  # it diverges at epoch 2; Step is disabled once it has
        if at.button(key="train_step").disabled:
            break
        at.button(key="train_step").click().run()
    assert not at.exception
    assert any("diverged" in e.value and "lower the learning rate or turn clipping on" in e.value for e in at.error)
    assert at.button(key="train_step").disabled and at.button(key="train_play").disabled
    at.button(key="train_reset").click().run()
    assert not at.error and loss_points(at) == 0


def test_downloads_appear_once_there_is_a_run(at):
    assert not at.get("download_button")
    at.button(key="train_step").click().run()
    assert len(at.get("download_button")) == 3
