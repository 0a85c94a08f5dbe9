"""A short Python listing as HTML, coloured as st.code colours it, without st.code's highlighter.

    st.markdown(code.python_html(src), unsafe_allow_html=True)

st.code loads Streamlit's syntax-highlighting bundle (Prism with its languages), and evaluating it held
chromium's main thread ~0.3 s on a cold start (a CPU profile of the home page's first load). The home
page shows two five-line snippets and is the page the cold start draws, so it colours them here, with
the token kinds Prism gives Python. No copy button; pages/shapes.py keeps st.code for the code a learner
copies. The colours are not here: each span gets a class per token kind (`rz-keyword`, …) that ui/theme.py's
stylesheet colours for the theme on screen (light or dark, ≥ 4.5:1), the palette it gives st.code's tokens.
"""
import keyword
import re
from html import escape

_TOKEN = re.compile(r"""(?P<comment>\#[^\n]*)
    | (?P<string>'[^'\n]*'|"[^"\n]*")
    | (?P<number>\b\d+(?:\.\d*)?(?:[eE][-+]?\d+)?\b)
    | (?P<name>[A-Za-z_]\w*)
    | (?P<punctuation>[()\[\]{}:,.;])
    | (?P<operator>[-+*/%<>=!&|^~@]+)
    | (?P<plain>\s+|.)""", re.VERBOSE)

_BLOCK = ("border-radius: 8px; padding: 16px; margin: 0 0 16px; overflow-x: auto; "  # (a long line wraps: a phone)
          "font-family: 'Source Code Pro', monospace; font-size: 14px; line-height: 1.6; white-space: pre-wrap; "
          "overflow-wrap: anywhere")


def tokens(src):
    """[(kind, text)]: the source cut into Prism's Python token kinds; the texts join back to `src`."""
    out, after_def = [], False
    for m in _TOKEN.finditer(src):
        kind, text = m.lastgroup, m.group()
        if kind == "name":
            kind = "function" if after_def else "keyword" if keyword.iskeyword(text) else "plain"
            after_def = text in ("def", "class")
        elif kind != "plain":
            after_def = False
        out.append((kind, text))
    return out


def python_html(src):
    """`src` as one line of HTML: a block of coloured spans, escaped. A <div>, not <pre>/<code>, which
    st.markdown hands to the same highlighter; line breaks as <br>, since a blank line would end
    markdown's HTML block."""
    spans = "".join(escape(text) if kind == "plain" else f'<span class="rz-{kind}">{escape(text)}</span>'
                    for kind, text in tokens(src))
    return f'<div class="rz-code" style="{_BLOCK}">{spans.replace(chr(10), "<br>")}</div>'
