import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_engine_imports_neither_streamlit_nor_plotly():
    code = ("import pkgutil, importlib, sys, rnnviz\n"
            "mods = [m.name for m in pkgutil.iter_modules(rnnviz.__path__) if m.name != '__main__']\n"
            "for m in mods: importlib.import_module('rnnviz.' + m)\n"
            "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('streamlit', 'plotly'))\n"
            "print(len(mods), bad)\n"
            "assert not bad, bad\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.split()[0]) >= 6   # the check really imported the engine's modules


def test_the_home_page_first_run_imports_neither_numpy_pandas_nor_torch():
    """The cold start is `streamlit run` → the home page drawn, and its first run is part of it: numpy (43 MB
    read on an empty page cache), pandas with pyarrow (130 MB, ~0.3 s warm) and torch (~2 s) wait for the
    pages that use them."""
    code = ("import sys\n"
            "from streamlit.testing.v1 import AppTest\n"
            f"at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=60).run()\n"
            "assert not at.exception, at.exception\n"
            "print(at.title[0].value)\n"
            "print(sorted(m for m in ('numpy', 'pandas', 'pyarrow', 'torch') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    title, imported = out.stdout.splitlines()[-2:]
    assert title.startswith("rnnviz")   # the home page really ran
    assert imported == "[]"
