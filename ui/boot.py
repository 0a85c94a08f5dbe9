"""Every page runs through app.py, even when a shared link is the first request a fresh server sees."""
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
