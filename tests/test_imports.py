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
