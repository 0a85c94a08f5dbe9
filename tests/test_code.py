"""ui/code.py: a Python listing cut into Prism's token kinds, and the HTML st.markdown gets."""
import pytest

from ui.code import python_html, tokens

SRC = 'def fib(n):  # n ≥ 0\n    if n < 2:\n\n        return "a<b"\n    return fib(n - 1) + fib(n - 2.5e-1)'


def test_the_tokens_join_back_to_the_source_and_get_prisms_kinds():
    toks = tokens(SRC)
    assert "".join(text for _, text in toks) == SRC
    kinds = {text: kind for kind, text in toks if not text.isspace()}
    assert kinds["def"] == kinds["if"] == kinds["return"] == "keyword"
    assert [k for k, t in toks if t == "fib"] == ["function", "plain", "plain"]  # defined, then two calls
    assert kinds["# n ≥ 0"] == "comment" and kinds['"a<b"'] == "string"
    assert kinds["2.5e-1"] == kinds["2"] == "number"
    assert kinds["<"] == kinds["-"] == kinds["+"] == "operator" and kinds["("] == kinds[":"] == "punctuation"


def test_the_html_is_one_escaped_line_with_no_pre_or_code_element():
    html = python_html(SRC)
    assert "\n" not in html and html.count("<br>") == SRC.count("\n")  # a blank line stays inside the block
    assert "<pre" not in html and "<code" not in html
    assert '<span class="rz-string">&quot;a&lt;b&quot;</span>' in html
    assert '<span class="rz-function">fib</span>' in html


@pytest.mark.parametrize("src", ["", "x", "\n\n", "é = 1 ** 2"])
def test_any_text_survives(src):
    assert "".join(t for _, t in tokens(src)) == src
    python_html(src)
