"""Streamlit's fade of out-of-date elements, kept for slow runs only.

    fade.install()   # once per run, in app.py: an element with no box

While a script runs, Streamlit marks each element the run has not redrawn yet as stale, and its CSS fades
a stale element to opacity .33 with a transition that waits 0.5 s (`opacity 1s ease-in 0.5s`). So every
rerun, even one that ends in 60 ms, starts a CSS transition on every element it is about to redraw (a
dozen on the forward page), and the browser's animation and compositing work for them sits on the path of
every slider move. Here stale elements keep their full opacity and start no transition until a run has
lasted 0.5 s, when this element's script marks the page (<html data-rz-slow>); then they fade as
Streamlit's own style has them, from that moment. (Paired A/B, 120 moves on /forward at T = 100, H = 8:
a move takes 0.870 and 0.888 of the time it took without this.)
"""
import streamlit as st

SLOW_AFTER_MS = 500  # Streamlit's own delay before a stale element starts to fade

FADE_JS = """
let app = null, timer = null, last = null, slowAfter;  // (slowAfter: set by every update, before any follow)
function follow(state) {  // the run's state → <html data-rz-slow> once it has run slowAfter ms
  if (state === last) return;  // (an attribute set again to the same state is no new run)
  last = state;
  clearTimeout(timer);
  if (state === 'running')
    timer = setTimeout(() => { document.documentElement.dataset.rzSlow = ''; }, slowAfter);
  else
    delete document.documentElement.dataset.rzSlow;
}
const watch = new MutationObserver(() => follow(app.getAttribute('data-test-script-state')));
export default function ({ parentElement, data }) {
  slowAfter = data.slow_after_ms;
  if (!parentElement.querySelector(':scope > .rz-fade'))  // a mark that this element's script has run
    parentElement.appendChild(Object.assign(document.createElement('span'), {className: 'rz-fade'}));
  const now = document.querySelector('[data-testid="stApp"]');
  if (now && now !== app) {
    app = now;
    watch.disconnect();
    watch.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    follow(app.getAttribute('data-test-script-state'));
  }
}
"""

FADE_CSS = """
[class*="st-key-rnnviz_fade"] { display: none; }  /* no box and no gap in the layout */
html:not([data-rz-slow]) [data-testid="stElementContainer"][data-stale="true"] { opacity: 1; transition: none; }
html[data-rz-slow] [data-testid="stElementContainer"][data-stale="true"] { transition-delay: 0s; }
"""

_fade = st.components.v2.component("rnnviz.fade", js=FADE_JS, css=FADE_CSS, isolate_styles=False)


def install():
    """Mount the element whose script follows the run's state (mounted again on every full run)."""
    _fade(key="rnnviz_fade", data={"slow_after_ms": SLOW_AFTER_MS})
