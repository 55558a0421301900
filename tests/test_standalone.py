"""A chapter opened alone, as Colab opens it: one .ipynb file, no checkout, no `helpers` installed.

Chapter 1 runs in an empty folder, in a throw-away environment that sees every package of the book's
venv except `helpers`. The set-up cell must then install `helpers` itself, from the source named by
TFBOOK_SOURCE (here: this checkout; in Colab: the GitHub repository at the pinned commit).
"""

from __future__ import annotations

import sys

import pytest
from alone import ROOT, helpers_installed_in, overlay_venv, run_alone

CHAPTER = ROOT / "notebooks" / "01_eager_and_graph.ipynb"


@pytest.mark.slow
def test_chapter_runs_when_opened_alone(tmp_path):
    python = overlay_venv(sys.executable, tmp_path)
    result, _ = run_alone(python, CHAPTER, tmp_path, timeout=600)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert helpers_installed_in(python, tmp_path), "helpers did not come from the set-up cell's install"
