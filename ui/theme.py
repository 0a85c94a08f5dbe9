"""The app's light/dark look, focus ring, focus after a button acts, chart labels: one element, in app.py.

    theme.install()   # once per run, in app.py: an element with no box

Streamlit picks the theme (the browser's light/dark preference, or its Settings menu; .streamlit/config.toml
sets the two) and gives custom elements CSS variables (`--st-text-color`, `--st-background-color`, …). Everything
drawn here takes its colours from them: this element's script marks the page `<html data-rz-theme="light|dark">`
and keeps `window.rzTheme` ({dark, text, bg} as [r, g, b]) for ui/live.py's charts, and tells them when the
theme changes (a `rz-theme` event: a CSS transition on a colour that follows `--st-text-color` notices the
switch). Its stylesheet gives every control a focus ring in the text colour (≥ 3:1 on either background),
colours code (ui/code.py's listings and st.code's tokens) from a palette per theme with ≥ 4.5:1 contrast,
and lifts captions, disabled labels and text in the primary colour to ≥ 4.5:1. Its script keeps focus on
a control that a rerun disables or draws again (Play → Pause); labels every Plotly chart for screen readers
(role figure, an aria-label built from its title, axes and series, plus what its page adds through
ui.live.live_chart's `alt`); shrinks st.latex maths wider than a phone's column (to 60 %, ≥ 11.6 px: beyond
that it scrolls in its own box; ui/live.py's live_latex lines wrap first) and makes every box that scrolls
sideways focusable, so a keyboard can scroll it. Per-node formulas without a mouse: a live chart with hover
labels takes focus and its arrow keys walk the points, each label drawn as on hover and read out (a live
region); the home page's call trees (ui/recursion.py) show a node's formula while it has focus (Tab, then
arrow keys; a tap or a click) or the pointer. (Streamlit's own "Skip to main content" link is the first tab stop.)
"""
import streamlit as st
from ui.web import read as _web

THEME_CSS, THEME_JS = _web("theme.css"), _web("theme.js")

_theme = st.components.v2.component("rnnviz.theme", js=THEME_JS, css=THEME_CSS, isolate_styles=False)


def install():
    """Mount the element (again on every full run; it keeps its state in the browser)."""
    _theme(key="rnnviz_theme", data={})
