"""Every chapter, opened alone on Colab's versions, runs top to bottom through the set-up's Colab branch.

`make test-colab` builds `.venv-colab` from requirements-colab.txt (TensorFlow 2.20, Keras 3.13, ...) and
a wheelhouse of what the set-up installs in Colab, then runs this file. For each chapter: a throw-away
environment that sees the Colab packages but not `helpers`, an empty folder holding only the notebook,
TFBOOK_COLAB=1 (the set-up takes its Colab branch), TFBOOK_SOURCE = this checkout (instead of GitHub)
and pip limited to the wheelhouse (offline). Outputs are not compared with the stored ones; no cell may
fail and every assertion in the chapter must hold.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from alone import ROOT, WHEELHOUSE, helpers_installed_in, overlay_venv, run_alone

COLAB_VENV = Path(os.environ.get("TFBOOK_COLAB_VENV", ROOT / ".venv-colab"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BUDGETS = json.loads((ROOT / "tests" / "runtime_budgets.json").read_text())
TIMES = ROOT / "_build" / "colab_times.json"

pytestmark = [pytest.mark.colab, pytest.mark.slow]


@pytest.fixture(scope="module")
def colab_python() -> Path:
    TIMES.unlink(missing_ok=True)  # this run's times only
    python = COLAB_VENV / "bin" / "python"
    assert python.is_file(), f"{COLAB_VENV} is missing: run `make test-colab` (it builds it)"
    assert WHEELHOUSE.is_dir(), f"{WHEELHOUSE} is missing: run `make test-colab` (it fills it)"
    code = "import tensorflow as tf, keras; print(tf.__version__, keras.__version__)"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    versions = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True,
                              env=env).stdout.split()
    assert versions == ["2.20.0", "3.13.2"], "the Colab venv does not hold Colab's versions"
    return python


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_chapter_runs_alone_on_colabs_stack(notebook, colab_python, tmp_path):
    python = overlay_venv(colab_python, tmp_path)  # Colab's packages, pip included
    budget = BUDGETS[notebook.stem]
    start = time.perf_counter()
    result, executed_path = run_alone(python, notebook, tmp_path, timeout=max(600, 4 * budget),
                                      TFBOOK_COLAB="1")
    elapsed = time.perf_counter() - start
    times = json.loads(TIMES.read_text()) if TIMES.is_file() else {}
    times[notebook.stem] = {"seconds": round(elapsed, 1), "passed": result.returncode == 0}
    TIMES.parent.mkdir(exist_ok=True)
    TIMES.write_text(json.dumps(times, indent=1, sort_keys=True))
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]

    executed = json.loads(executed_path.read_text())
    setup_out = "".join("".join(o.get("text", "")) for o in [c for c in executed["cells"]
                                                             if c["cell_type"] == "code"][1]["outputs"])
    assert "TensorFlow 2.20.0 | Keras 3.13.2" in setup_out, setup_out
    assert "Colab: yes" in setup_out and "Note: you run tensorflow 2.20.0" in setup_out, setup_out
    assert helpers_installed_in(python, tmp_path), "helpers did not come from the set-up cell's install"
