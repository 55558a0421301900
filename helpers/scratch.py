"""Scratch folders that a chapter leaves behind nowhere.

A chapter that writes files (saved models, TFRecord shards, worker scripts, profiles) asks for a folder
with :func:`scratch_dir`. The folder is removed when the Python process ends, normally or after a
failed cell (the kernel's shutdown runs the clean-up), so a test run leaves nothing in the temp folder.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from pathlib import Path

__all__ = ["scratch_dir"]

_made: list[Path] = []


def _remove_all() -> None:
    while _made:
        shutil.rmtree(_made.pop(), ignore_errors=True)


atexit.register(_remove_all)


def scratch_dir(name: str = "tfbook") -> Path:
    """A new empty folder under the system temp folder, removed when this process exits.

    ``name`` becomes the folder's prefix (letters, digits, ``-`` and ``_`` only).
    """
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", name):
        raise ValueError(f"name must be 1-40 letters, digits, '-' or '_', got {name!r}")
    path = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    _made.append(path)
    return path
