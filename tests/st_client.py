"""A headless client of Streamlit's own websocket protocol: one simulated learner, no browser.

It speaks what Streamlit's frontend speaks on /_stcore/stream: BackMsg protobufs up (a rerun with the page,
the query and widget triggers), ForwardMsg protobufs down (new_session, deltas, script_finished, auto_rerun).
Like the frontend it reruns a fragment every auto_rerun interval (a fragment's run_every) until a full run
starts, and it remembers the last element drawn at each place of the page, so a test or benchmark can press a
button by key, move an ui/controls.py slider by key, and read the progress bar.

    async with Learner(base_url, "training") as me:      # connected, first run finished
        await me.click("train_play")                      # a button, by its key
        text = me.progress()                              # the progress bar's text now
"""
import asyncio
import json
import re
import time
import urllib.request

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = {0: "ok", 1: "compile error", 2: "rerun", 3: "ok"}  # ScriptFinishedStatus (3: a fragment's run)


class Learner:
    """One browser tab: a websocket session on `page` of the app at `base_url` (http://host:port)."""

    def __init__(self, base_url, page, query=""):
        self.url = base_url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
        self.page, self.query = page, query
        self.elements = {}        # delta path → (Element proto, fragment id)
        self.finished = []        # (monotonic time, status) of every script run that ended
        self.exceptions = []      # messages of st.exception elements received (tracebacks)
        self.epochs = []          # (monotonic time, epoch) each time the progress bar showed a new epoch
        self.timers = {}          # fragment id → its auto-rerun task
        self.page_hash = ""       # the page's script hash (from st.navigation's message): what reruns name
        self._finished = asyncio.Event()
        self.ws = self._reader = None

    async def __aenter__(self):
        await self.connect()
        return self

    async def __aexit__(self, *exc):
        await self.close()

    async def connect(self, timeout=120):
        """Load the page's HTML (keeping its cookies: a balancer's sticky one), open the session and run the page
        once, as a browser opening the link does; seconds it took."""
        start = time.monotonic()
        cookies = await asyncio.to_thread(self._fetch_cookies, timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=timeout, ping_interval=None, additional_headers=headers)
        self._reader = asyncio.create_task(self._read())
        await self.rerun(timeout=timeout)
        return time.monotonic() - start

    def _fetch_cookies(self, timeout):
        http = self.url.replace("ws", "http", 1).removesuffix("/_stcore/stream")
        with urllib.request.urlopen(f"{http}/{self.page}", timeout=timeout) as response:
            response.read()
            return dict(c.split(";", 1)[0].split("=", 1) for c in response.headers.get_all("Set-Cookie") or ())

    async def close(self):
        """Close the tab: the websocket goes, and with it the session."""
        for task in self.timers.values():
            task.cancel()
        self.timers.clear()
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()

    async def rerun(self, fragment_id="", triggers=(), timeout=60, auto=False):
        """Send a rerun (of the page, or of one fragment) with `triggers` (WidgetState kwargs) and wait until a
        script run has finished after it; seconds from sending to that script_finished."""
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        if self.page_hash:  # (a rerun without it, e.g. one st.rerun() makes, would run the default page)
            cs.page_script_hash = self.page_hash
        else:
            cs.page_name = self.page
        cs.fragment_id, cs.is_auto_rerun = fragment_id, auto
        for t in triggers:
            cs.widget_states.widgets.add(**t)
        self._finished.clear()
        start = time.monotonic()
        await self.ws.send(msg.SerializeToString())
        if auto:
            return None
        await asyncio.wait_for(self._finished.wait(), timeout)
        return time.monotonic() - start

    def find(self, key, kind):
        """The element of type `kind` ("button", "bidi_component", …) whose widget key is `key`: (proto, fragment)."""
        for element, fragment in self.elements.values():
            if element.WhichOneof("type") == kind and getattr(element, kind).id.endswith(key):
                return getattr(element, kind), fragment
        raise KeyError(f"no {kind} keyed {key!r} on the page")

    async def click(self, key, timeout=60):
        """Press the button keyed `key`; seconds until the run it started has finished."""
        button, fragment = self.find(key, "button")
        return await self.rerun(fragment, [dict(id=button.id, trigger_value=True)], timeout)

    async def commit(self, key, values, timeout=60):
        """Move controls of the ui/controls.py element keyed `key` to `values` ({name: value}); seconds to done."""
        panel, fragment = self.find(key, "bidi_component")
        event = json.dumps([{"event": "commit", "value": values}])
        trigger = dict(id=f"$$STREAMLIT_INTERNAL_KEY_{panel.id}__events", json_trigger_value=event)
        return await self.rerun(fragment, [trigger], timeout)

    def progress(self):
        """The text of the page's first progress bar ('' if none)."""
        bars = [e.progress.text for e, _ in self.elements.values() if e.WhichOneof("type") == "progress"]
        return bars[0] if bars else ""

    async def _read(self):
        try:
            async for data in self.ws:
                self._handle(ForwardMsg.FromString(data))
        except (websockets.ConnectionClosed, asyncio.CancelledError):
            pass

    def _handle(self, msg):
        kind = msg.WhichOneof("type")
        if kind == "navigation":  # (st.navigation names the page being run here; new_session may name app.py)
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "new_session":
            if not msg.metadata.run.fragment_ids:  # a full run (a fragment's run names its fragments)
                for task in self.timers.values():  # a full run: the frontend drops every auto-rerun
                    task.cancel()
                self.timers.clear()
        elif kind == "delta":
            delta = msg.delta
            if delta.WhichOneof("type") == "new_element":
                path = tuple(msg.metadata.delta_path)
                self.elements[path] = (delta.new_element, delta.fragment_id)
                element = delta.new_element
                if element.WhichOneof("type") == "exception":
                    self.exceptions.append(element.exception.message)
                elif element.WhichOneof("type") == "progress":
                    match = re.search(r"epoch (\d+)/", element.progress.text)
                    if match and (not self.epochs or int(match.group(1)) != self.epochs[-1][1]):
                        self.epochs.append((time.monotonic(), int(match.group(1))))
        elif kind == "script_finished":
            self.finished.append((time.monotonic(), FINISHED.get(msg.script_finished, str(msg.script_finished))))
            if msg.script_finished != 2:  # not cut short by a newer rerun
                self._finished.set()
        elif kind == "auto_rerun":
            fid, interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
            old = self.timers.pop(fid, None)
            if old is not None:
                old.cancel()
            self.timers[fid] = asyncio.create_task(self._tick(fid, interval))
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                task = self.timers.pop(fid, None)
                if task is not None:
                    task.cancel()

    async def _tick(self, fragment_id, interval):
        """The frontend's setInterval for a fragment's run_every."""
        try:
            while True:
                await asyncio.sleep(interval)
                await self.rerun(fragment_id, auto=True)
        except (asyncio.CancelledError, websockets.ConnectionClosed):
            pass
