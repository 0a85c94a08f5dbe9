"""The training pool's scheduler: every playing run gets one epoch per round, paced runs wait their turn."""
from collections import Counter

from rnnviz.train_pool import RoundRobin


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
