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
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COLAB_VENV = Path(os.environ.get("TFBOOK_COLAB_VENV", ROOT / ".venv-colab"))
WHEELHOUSE = Path(os.environ.get("TFBOOK_WHEELHOUSE", ROOT / ".cache" / "wheelhouse"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BUDGETS = json.loads((ROOT / "tests" / "runtime_budgets.json").read_text())
TIMES = ROOT / "_build" / "colab_times.json"

pytestmark = [pytest.mark.colab, pytest.mark.slow]


def _python(venv: Path) -> Path:
    return venv / "bin" / "python"


@pytest.fixture(scope="module")
def colab_site() -> str:
    TIMES.unlink(missing_ok=True)  # this run's times only
    python = _python(COLAB_VENV)
    assert python.is_file(), f"{COLAB_VENV} is missing: run `make test-colab` (it builds it)"
    assert WHEELHOUSE.is_dir(), f"{WHEELHOUSE} is missing: run `make test-colab` (it fills it)"
    code = "import sysconfig, tensorflow as tf, keras; print(sysconfig.get_paths()['purelib'], tf.__version__, " \
           "keras.__version__)"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    site, tf_version, keras_version = subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                                                     check=True, env=env).stdout.split()
    assert (tf_version, keras_version) == ("2.20.0", "3.13.2"), "the Colab venv does not hold Colab's versions"
    return site


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_chapter_runs_alone_on_colabs_stack(notebook, colab_site, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([str(_python(COLAB_VENV)), "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = subprocess.run([str(_python(venv)), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "colab_stack.pth").write_text(colab_site + "\n")  # Colab's packages, pip included
    probe = subprocess.run([str(_python(venv)), "-c", "import importlib.util as u; print(u.find_spec('helpers'))"],
                           capture_output=True, text=True, check=True, cwd=tmp_path)
    assert probe.stdout.strip() == "None", "helpers must not be importable before the set-up cell runs"

    folder = tmp_path / "content"  # Colab's working folder holds nothing of the book
    folder.mkdir()
    shutil.copy(notebook, folder / notebook.name)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST", "JUPYTER", "PYTHON", "VIRTUAL_ENV", "PIP_"))}
    env.update(TFBOOK_COLAB="1", TFBOOK_SOURCE=str(ROOT), PIP_NO_INDEX="1", PIP_FIND_LINKS=str(WHEELHOUSE),
               PIP_DISABLE_PIP_VERSION_CHECK="1", PATH=f"{venv / 'bin'}:{env.get('PATH', '')}")
    budget = BUDGETS[notebook.stem]
    start = time.perf_counter()
    result = subprocess.run([str(_python(venv)), str(ROOT / "tests" / "run_alone.py"), notebook.name,
                             str(max(600, 4 * budget))], capture_output=True, text=True, cwd=folder, env=env,
                            timeout=6 * budget + 300)
    elapsed = time.perf_counter() - start
    times = json.loads(TIMES.read_text()) if TIMES.is_file() else {}
    times[notebook.stem] = {"seconds": round(elapsed, 1), "passed": result.returncode == 0}
    TIMES.parent.mkdir(exist_ok=True)
    TIMES.write_text(json.dumps(times, indent=1, sort_keys=True))
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]

    executed = json.loads((folder / notebook.name.replace(".ipynb", ".executed.ipynb")).read_text())
    setup_out = "".join("".join(o.get("text", "")) for o in [c for c in executed["cells"]
                                                             if c["cell_type"] == "code"][1]["outputs"])
    assert "TensorFlow 2.20.0 | Keras 3.13.2" in setup_out, setup_out
    assert "Colab: yes" in setup_out and "Note: you run tensorflow 2.20.0" in setup_out, setup_out
    installed = subprocess.run([str(_python(venv)), "-c", "import helpers, os; print(os.path.dirname(helpers.__file__))"],
                               capture_output=True, text=True, check=True, cwd=tmp_path).stdout.strip()
    assert Path(installed).is_relative_to(venv), f"helpers came from {installed}, not from the set-up cell"
