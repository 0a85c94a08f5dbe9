"""What the page tests share: open a page of the real app through AppTest, read Plotly's JSON and the live
elements (ui/live.py) back."""
import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from ui.live import shown

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_page(page, query=None):
    """The app at `page` ("pages/bptt.py"), with `query` as URL parameters; fails on any exception."""
    at = AppTest.from_file(APP, default_timeout=30)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page(page).run()
    assert not at.exception
    return at


def link(at):
    """The query the address bar shows after the run: the link the page opened with, and on it the entries
    the last ui/url.py element writes (None takes a parameter out). {name: text}."""
    query = {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}
    bars = [d["url"] for d in (json.loads(el.proto.json) for el in at.get("bidi_component")) if "url" in d]
    assert bars, "no ui/url.py element on the page"
    for name, text in json.loads(bars[-1]).items():
        if text is None:
            query.pop(name, None)
        else:
            query[name] = text
    return query


def decode(v, dtype=float):
    """Plotly's JSON keeps numpy arrays as {"dtype", "bdata" (base64), "shape"}; lists stay lists."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        return a.reshape([int(s) for s in str(v["shape"]).split(",")]) if "shape" in v else a
    return np.asarray(v, dtype=dtype)


def type_sequence(at, text):
    """Switch the sidebar to a typed sequence and type `text`; the page must not raise, whatever the text."""
    move(at, "source", "typed")
    at.text_area(key="seq_text").set_value(text).run()
    assert not at.exception
    return at


def live_figures(at):
    """The figures of the page's live charts (ui/live.py), in page order."""
    return [s["figure"] for s in map(shown, at.get("bidi_component")) if "figure" in s]


def live_lines(at):
    """The TeX lines of the page's live maths (ui/live.py), in page order."""
    return [line for s in map(shown, at.get("bidi_component")) for line in s.get("lines", [])]


def move(at, name, v):
    """Move the ui/controls slider `name` to v as its callback does (state.set), rerun; no exception."""
    at.session_state[name] = v
    at.run()
    assert not at.exception
    return at


def shown_field(at, name):
    """What a ui/controls element shows of the field `name`: its label, value, range or choices and names."""
    for el in at.get("bidi_component"):
        data = json.loads(el.proto.json)
        for f in data.get("fields") or [data.get("field") or {}]:
            if f.get("name") == name:
                return f
    raise KeyError(f"no control {name!r} on the page")


def slider_value(at, name):
    """The value a ui/controls slider `name` shows (a choice as its text)."""
    return shown_field(at, name)["value"]
