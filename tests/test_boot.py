"""ui/boot.freeze_imports: import-time objects are frozen out of the collector's scans, once per new import."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_freeze_imports_freezes_again_only_after_new_imports():
    code = ("import gc, sys\n"
            "from ui.boot import freeze_imports\n"
            "freeze_imports(); first = gc.get_freeze_count()\n"
            "freeze_imports(); again = gc.get_freeze_count()\n"
            "assert 'colorsys' not in sys.modules\n"
            "import colorsys\n"
            "garbage = [[] for _ in range(1000)]\n"
            "freeze_imports(); after_import = gc.get_freeze_count()\n"
            "print(first, again, after_import)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    first, again, after_import = map(int, out.stdout.split())
    assert first > 10_000  # streamlit's and the app's module-level objects
    assert again == first  # nothing new imported: nothing more frozen
    assert after_import > first  # a new module's objects (and what the session holds) are frozen too
