"""The browser side of the app's own elements (ui/live.py, ui/controls.py, ui/theme.py): their JavaScript and CSS
in files of their own, so an editor, a linter and a reader see them as what they are."""
from pathlib import Path


def read(name):
    """The text of ui/web/<name>, as the element sends it to the browser."""
    return (Path(__file__).parent / name).read_text(encoding="utf-8")
