"""ui.state: the declarative field list round-trips through the URL; bad values fall back with a notice."""
import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from apptest_util import link, move, slider_value

from ui import state
import ui.sidebar  # noqa: F401  (registers the sidebar's fields)
import ui.forward_view  # noqa: F401  (registers the forward page's view fields)

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_every_field_round_trips_through_url_text():
    fields = list(state.FIELDS.values())
    values = {}
    for f in fields:  # a non-default value of the right kind for each field
        if f.kind == "float":
            values[f.name] = f.lo + (f.hi - f.lo) / 3
        elif f.kind == "int":
            values[f.name] = int(f.lo + (f.hi - f.lo) // 3)
        elif f.kind == "choice":
            values[f.name] = f.choices[-1]
        elif f.kind == "bool":
            values[f.name] = not f.default
        else:
            values[f.name] = "1, 2.5, -3"
    query = state.dump(fields, values)
    assert set(query) == {f.name for f in fields if values[f.name] != f.default}
    loaded, notices = state.load(fields, query)
    assert notices == []
    assert loaded == values


@pytest.mark.parametrize("name, raw, why", [
    ("W_hh", "nan", "not a finite number"), ("W_hh", "inf", "not a finite number"),
    ("W_hh", "99", "outside"), ("W_hh", "abc", "not a number"),
    ("H", "9", "not one of"), ("T", "3.5", "not a whole number"), ("loss_on", "some", "not one of")])
def test_invalid_value_falls_back_to_default_with_a_notice_naming_it(name, raw, why):
    f = state.FIELDS[name]
    loaded, notices = state.load([f], {name: raw})
    assert loaded[name] == f.default
    assert len(notices) == 1 and f"`{name}=" in notices[0] and why in notices[0]


def test_unknown_keys_are_ignored():
    loaded, notices = state.load(list(state.FIELDS.values()), {"nonsense": "1", "W_hh": "0.25"})
    assert notices == [] and "nonsense" not in loaded and loaded["W_hh"] == 0.25


def test_default_values_are_left_out_of_the_url():
    assert state.dump(list(state.FIELDS.values()), {n: f.default for n, f in state.FIELDS.items()}) == {}


def test_float_url_text_is_exact():
    f = state.FIELDS["W_xh"]
    v = 0.7934521234567891
    assert state.parse(f, state.to_url(f, v)) == v


def forward_app(query=None):
    at = AppTest.from_file(APP, default_timeout=30)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/forward.py").run()
    assert not at.exception
    return at


def test_a_menu_of_round_numbers_reads_and_writes_links_as_it_shows_them():
    f = state.Field("lr", "choice", 0.01, choices=(1e-4, 0.01, 10.0))
    assert [state.to_url(f, c) for c in f.choices] == ["0.0001", "0.01", "10"]  # ?lr=10, not 10.0
    assert state.parse(f, "10") == 10.0 and state.parse(f, "10.0") == 10.0      # a control sends str(10.0)
    with pytest.raises(ValueError, match=r"'abc' is not one of 0.0001, 0.01, 10$"):
        state.parse(f, "abc")


def test_app_writes_moved_widgets_to_the_url_and_a_fresh_session_restores_them():
    at = forward_app()
    move(at, "W_hh", -0.7)
    move(at, "loss_on", "last")
    move(at, "T", 11)
    assert not at.exception
    query = link(at)
    assert {"W_hh", "loss_on", "T"} <= set(query)
    again = forward_app(query)
    assert slider_value(again, "W_hh") == -0.7
    assert slider_value(again, "loss_on") == "last"
    assert slider_value(again, "T") == 11
    assert not again.warning


def test_a_setting_the_page_stops_showing_leaves_the_link_and_others_stay():
    at = forward_app({"H": "3", "cells": "W_hh:0:1=0.5", "bptt_k": "4"})
    assert link(at)["cells"] == "W_hh:0:1=0.5" and link(at)["H"] == "3"
    move(at, "H", 1)  # scalar sliders: the matrix edits are forgotten, and so is their parameter
    assert "cells" not in link(at) and "H" not in link(at)  # H = 1 is the default
    assert link(at)["bptt_k"] == "4"  # the BPTT page's, not shown here: left for when it opens


def test_invalid_url_values_show_a_warning_and_use_defaults():
    at = forward_app({"W_xh": "nan", "H": "12", "T": "-4", "whatever": "x"})
    text = " ".join(w.value for w in at.warning)
    for name in ("W_xh", "H", "T"):
        assert f"`{name}=" in text
    assert "whatever" not in text
    assert slider_value(at, "W_xh") == state.FIELDS["W_xh"].default
    assert slider_value(at, "H") == "1"
    assert math.isclose(slider_value(at, "T"), 9)
    assert not {"W_xh", "H", "T"} & set(link(at)) and link(at)["whatever"] == "x"  # bad ones leave the link
