"""A chapter opened alone, as Colab opens it: one .ipynb file, no checkout, no `helpers` installed.

The test copies chapter 1 into an empty folder and runs it in a throw-away virtual environment that
sees every package of the book's venv except `helpers` (the editable install's import hook lives in a
.pth file that is not processed there). The set-up cell must then install `helpers` itself, from the
source named by TFBOOK_SOURCE (here: this checkout; in Colab: the GitHub repository).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "notebooks" / "01_eager_and_graph.ipynb"


@pytest.mark.slow
def test_chapter_runs_when_opened_alone(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # every package of the book's venv, as a plain path entry: its .pth hooks (helpers) do not run
    book_site = sysconfig.get_paths()["purelib"]
    Path(purelib, "book_venv.pth").write_text(book_site + "\n")

    probe = subprocess.run([str(python), "-c", "import importlib.util as u; print(u.find_spec('helpers'))"],
                           capture_output=True, text=True, check=True, cwd=tmp_path)
    assert probe.stdout.strip() == "None", "helpers must not be importable before the set-up cell runs"

    folder = tmp_path / "colab"
    folder.mkdir()
    notebook = folder / CHAPTER.name
    shutil.copy(CHAPTER, notebook)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "JUPYTER", "PYTHON"))}
    # pip may use only the local wheelhouse (`make test` fills it): the tests run offline
    env.update(TFBOOK_SOURCE=str(ROOT), PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INDEX="1",
               PIP_FIND_LINKS=str(ROOT / ".cache" / "wheelhouse"))
    result = subprocess.run(
        [str(python), "-m", "nbconvert", "--to", "notebook", "--execute", "--inplace",
         "--ExecutePreprocessor.timeout=600", str(notebook)],
        capture_output=True, text=True, cwd=folder, env=env, timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    installed = subprocess.run([str(python), "-c", "import helpers, os; print(os.path.dirname(helpers.__file__))"],
                               capture_output=True, text=True, check=True, cwd=tmp_path).stdout.strip()
    assert Path(installed).is_relative_to(venv), f"helpers came from {installed}, not from the set-up cell's install"
