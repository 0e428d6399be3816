"""Issue 17: `make run` said nothing for two minutes while it installed. Each step now prints
what it does, in order, before the server starts (checked on the Makefile's own recipe, with a
virtualenv that does not exist yet, i.e. a first run)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_announces_each_step_before_serving(tmp_path):
    result = subprocess.run(  # noqa: S603
        ["make", "-n", "run", f"VENV={tmp_path / 'venv'}"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    out = result.stdout
    steps = [out.find(f"[{n}/5]") for n in range(1, 6)]
    assert all(i >= 0 for i in steps), out
    assert steps == sorted(steps)
    assert steps[-1] < out.find("runserver")
    # The package install lists packages as it goes (no -q on pip).
    assert "pip install -q" not in out
