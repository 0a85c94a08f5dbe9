"""What every page does first: go through app.py (even on a shared link a fresh server sees first), and
keep what imports allocated out of the garbage collector's way."""
import gc
import sys

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def through_app():
    """Hand a page that Streamlit ran on its own back to app.py's st.navigation.

    With a folder named pages/ beside app.py, Streamlit starts in its old multipage mode: until some
    session has run app.py (whose st.navigation switches the mode off for the whole server), a deep
    link such as /bptt runs pages/bptt.py alone, without app.py's page list and layout. Switching the
    mode off here and rerunning makes that first run go through app.py, which then opens the same page.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    freeze_imports()


_frozen_at = 0  # len(sys.modules) when freeze_imports last froze


def freeze_imports():
    """After a run that imported new modules: collect once, then gc.freeze() what is left.

    Streamlit's own after-run collection is off (.streamlit/config.toml), so collection is Python's: a
    full pass scans every tracked object, torch's, plotly's and pandas' module-level ones included (~80 ms
    here), and one landed inside a slider move every 10–20 moves. Frozen objects are still freed by
    reference counting; the collector just stops rescanning them. Only import-time objects are frozen
    (once per process per new import), so a long session's own garbage is still collected.
    """
    global _frozen_at
    if len(sys.modules) > _frozen_at:
        gc.collect()
        gc.freeze()
        _frozen_at = len(sys.modules)
