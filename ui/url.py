"""The address bar as the shareable link: our fields' URL entries (ui/state.py) written by the browser.

    url.publish("app")   # the last element of a run; url.publish("model") ends a fragment's rerun

A components-v2 element with no visible box: at each run it gets {name: URL text, or null to take the
name out} for every field the session has shown and rewrites the address bar with history.replaceState,
leaving every other parameter (Streamlit's own `embed`, a link's values for a page not yet opened) as it
is. Writing st.query_params instead would, on every slider move, push a browser history entry and send a
message that re-renders the whole Streamlit app. A reload or a copied link then starts from the address
bar, and ui/state.py reads it on each field's first use in the session, as before.
"""
import json

import streamlit as st

from ui import state

URL_JS = """
export default function ({ parentElement, data }) {
  if (!parentElement.querySelector(':scope > .rz-url'))  // a mark that this element's script has run
    parentElement.appendChild(Object.assign(document.createElement('span'), {className: 'rz-url'}));
  // after this update's drawing (charts first); the newest entries win: they are read when it runs
  setTimeout(() => {
    const q = new URLSearchParams(location.search);
    for (const [name, text] of Object.entries(JSON.parse(data.url))) text === null ? q.delete(name) : q.set(name, text);
    const search = q.toString();
    if (search !== location.search.replace(/^[?]/, ''))
      history.replaceState(history.state, '', location.pathname + (search ? '?' + search : '') + location.hash);
  }, 0);
}
"""
KEY = "rnnviz_url"  # every publish's key starts so
_HIDDEN = f'/* no box and no gap in the layout */\n[class*="st-key-{KEY}"] {{ display: none; }}'

_bar = st.components.v2.component("rnnviz.url", js=URL_JS, css=_HIDDEN, isolate_styles=False)


def runs():
    """How many runs have ended with a publish this session: a tag for what holds for one run only."""
    return st.session_state.get("_rnnviz_url_runs", 0)


def publish(where):
    """Send the link's entries to the address bar (an invisible element keyed KEY + `where`)."""
    runs = st.session_state["_rnnviz_url_runs"] = st.session_state.get("_rnnviz_url_runs", 0) + 1
    # the run number makes every publish a change, so every run reaches the element's script: on a page
    # switch Streamlit's frontend writes the address bar itself (from the query string it last knew), and
    # the entries, though unchanged, must go on again. (Whether Streamlit would re-run a component whose
    # data did not change at all was not checked; the number makes it not matter.)
    # the entries go as JSON text: a dict among the data's values makes Streamlit test it for a dataframe,
    # and that test imports pandas and pyarrow (~0.3 s warm, on the home page's first run: the cold start)
    _bar(key=f"{KEY}_{where}", data={"url": json.dumps(state.url_entries()), "run": runs})
