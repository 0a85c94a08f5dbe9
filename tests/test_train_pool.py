"""The training pool's scheduler: every playing run gets one epoch per round, paced runs wait their turn; a
worker trains a run's first epoch after Play before the other runs' next ones, and ships it at once."""
from collections import Counter, deque

from rnnviz.train_pool import RoundRobin, Worker


def serve(ring, picks, now=0.0, pace=None):
    """Pick `picks` times at time `now`, each served run next due at now + pace[run] (0 when not given)."""
    order = []
    for _ in range(picks):
        run = ring.pick(now)
        if run is None:
            break
        ring.served(run, now + (pace or {}).get(run, 0.0))
        order.append(run)
    return order


def test_runs_take_turns_one_epoch_each():
    ring = RoundRobin()
    for run in "abc":
        ring.add(run)
    assert serve(ring, 9) == list("cbacbacba")  # the newest first, then in turn


def test_counts_stay_within_one_epoch_of_each_other_whatever_joins_or_leaves():
    ring = RoundRobin()
    ring.add("a")
    ring.add("b")
    order = serve(ring, 5)
    ring.add("c")  # starts playing mid-round: served first, then the round goes on
    order += serve(ring, 3)
    assert order == list("babab") + list("cab")
    ring.remove("b")
    later = Counter(serve(ring, 100))
    assert later == {"a": 50, "c": 50}


def test_a_paced_run_waits_for_its_time_and_the_others_go_on():
    ring = RoundRobin()
    ring.add("slow")
    ring.add("fast")
    order = serve(ring, 10, now=0.0, pace={"slow": 1.0})
    assert order[0] == "fast" and order.count("slow") == 1 and order.count("fast") == 9
    assert ring.wait(0.5) == 0.0  # fast is due now
    ring.remove("fast")
    assert ring.wait(0.25) == 0.75 and ring.pick(0.25) is None  # slow is due at 1.0
    assert ring.pick(1.0) == "slow"


def test_nothing_playing_means_block_until_a_command():
    ring = RoundRobin()
    assert ring.wait(0.0) is None and ring.pick(0.0) is None
    ring.add("a")
    ring.remove("a")
    assert ring.wait(0.0) is None and "a" not in ring and len(ring) == 0


class Pipe:
    """The worker's end of the pipe: commands queued by the test, reports kept."""

    def __init__(self, *commands):
        self.inbox, self.sent = deque(commands), []

    def poll(self, timeout=None):
        return bool(self.inbox)

    def recv(self):
        return self.inbox.popleft()

    def send(self, msg):
        self.sent.append(msg)


class Trainer:
    """Counts its epochs; never done."""

    def __init__(self, cfg):
        self.epoch, self.done = 0, False

    def step(self):
        self.epoch += 1
        return self.epoch

    def live(self, heavy):
        return {}


def epochs_trained(worker, turns):
    """Which run each of `turns` epochs went to."""
    before = {name: run.trainer.epoch for name, run in worker.runs.items()}
    order = []
    for _ in range(turns):
        worker.turn()
        now = {name: run.trainer.epoch for name, run in worker.runs.items()}
        order += [name for name in now if now[name] > before.get(name, 0)]
        before = now
    return order


def test_a_new_runs_first_epoch_comes_before_the_running_runs_next_and_ships_at_once():
    pipe = Pipe(*[msg for run in "abc" for msg in (("open", run, None), ("play", run, 0.0))])
    worker = Worker(pipe, Trainer)
    worker.turn()  # the commands
    epochs_trained(worker, 9)  # a, b and c take turns
    pipe.inbox.extend([("open", "d", None), ("play", "d", 0.0)])
    worker.turn()
    pipe.sent.clear()
    assert epochs_trained(worker, 4) == ["d", "c", "b", "a"]  # d first, then the round goes on
    first = [msg for msg in pipe.sent if msg[0] == "epochs"]
    assert first[0][:3] == ("epochs", "d", (1,))  # its first epoch went out before any other epoch was trained
