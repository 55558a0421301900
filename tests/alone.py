"""A chapter opened alone, as Colab opens it: one .ipynb in an empty folder, no `helpers` installed.

Shared by tests/test_standalone.py (the book's own stack) and tests/test_colab_stack.py (Colab's).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WHEELHOUSE = Path(os.environ.get("TFBOOK_WHEELHOUSE", ROOT / ".cache" / "wheelhouse"))


def _python(venv: Path) -> Path:
    return venv / "bin" / "python"


def overlay_venv(base_python: str | Path, where: Path) -> Path:
    """A throw-away venv that sees every package of ``base_python``'s environment except `helpers`.

    The base site-packages is a plain path entry (a .pth line), so the base's own .pth hooks, such as
    the editable install of `helpers`, do not run. Returns the new venv's python.
    """
    base_site = subprocess.run([str(base_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip()
    venv = where / "venv"
    subprocess.run([str(base_python), "-m", "venv", "--without-pip", str(venv)], check=True)
    site = subprocess.run([str(_python(venv)), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "base_env.pth").write_text(base_site + "\n")
    probe = subprocess.run([str(_python(venv)), "-c", "import importlib.util as u; print(u.find_spec('helpers'))"],
                           capture_output=True, text=True, check=True, cwd=where)
    assert probe.stdout.strip() == "None", "helpers must not be importable before the set-up cell runs"
    return _python(venv)


def run_alone(python: Path, notebook: Path, where: Path, *, timeout: int, **extra_env: str):
    """Copy ``notebook`` into an empty folder and run it there with ``python`` (tests/run_alone.py).

    The set-up cell installs `helpers` from this checkout (TFBOOK_SOURCE), with pip limited to the
    local wheelhouse: the tests run offline. Returns (CompletedProcess, executed notebook path).
    """
    folder = where / "content"
    folder.mkdir()
    shutil.copy(notebook, folder / notebook.name)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST", "JUPYTER", "PYTHON", "VIRTUAL_ENV", "PIP_"))}
    env.update(TFBOOK_SOURCE=str(ROOT), PIP_NO_INDEX="1", PIP_FIND_LINKS=str(WHEELHOUSE),
               PIP_DISABLE_PIP_VERSION_CHECK="1", PATH=f"{python.parent}:{env.get('PATH', '')}", **extra_env)
    result = subprocess.run([str(python), str(ROOT / "tests" / "run_alone.py"), notebook.name, str(timeout)],
                            capture_output=True, text=True, cwd=folder, env=env, timeout=timeout + 300)
    return result, folder / notebook.name.replace(".ipynb", ".executed.ipynb")


def helpers_installed_in(python: Path, where: Path) -> bool:
    """True when `helpers`, as ``python`` imports it, lives in that python's own venv."""
    found = subprocess.run([str(python), "-c", "import helpers, os; print(os.path.dirname(helpers.__file__))"],
                           capture_output=True, text=True, check=True, cwd=where).stdout.strip()
    return Path(found).is_relative_to(python.parent.parent)


__all__ = ["WHEELHOUSE", "helpers_installed_in", "overlay_venv", "run_alone"]
