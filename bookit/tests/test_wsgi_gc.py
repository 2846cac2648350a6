"""The production WSGI module tunes the garbage collector (bookit/wsgi.py, issue 15)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wsgi_module_freezes_what_is_loaded_and_raises_the_young_threshold():
    code = "import gc, bookit.wsgi; print(gc.get_threshold()[0], gc.get_freeze_count() > 10000)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "bookit.settings"},
    ).stdout
    assert out.split() == ["7000", "True"]
