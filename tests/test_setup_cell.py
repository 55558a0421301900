"""One set-up cell for every chapter, generated from one template, pinned to the tested helpers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import booktool
import pytest

ROOT = booktool.ROOT
IDS = [p.stem for p in booktool.NOTEBOOKS]


def _nb(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.mark.parametrize("path", booktool.NOTEBOOKS, ids=IDS)
def test_setup_cell_is_the_template(path):
    nb = _nb(path)
    pin = booktool.pinned(nb)
    assert pin, f"{path.name}: the set-up cell pins no helpers commit; run `make setup-cells`"
    url, ref = pin
    assert url == booktool.config_url(), f"{path.name}: set-up installs from {url}, _config.yml says " \
                                         f"{booktool.config_url()}; run `make retarget` or `make setup-cells`"
    expected = booktool.render(url, ref, booktool.chapter_call(nb))
    assert "".join(booktool.setup_cell(nb)["source"]) == expected, \
        f"{path.name}: set-up cell differs from tests/booktool.py TEMPLATE; run `make setup-cells`"
    assert max(len(line) for line in expected.splitlines() if "repo = " not in line) <= 80


def test_every_chapter_pins_the_same_commit():
    refs = {booktool.pinned(_nb(p)) for p in booktool.NOTEBOOKS}
    assert len(refs) == 1, f"chapters pin different helpers commits: {refs}; run `make setup-cells`"


def test_pinned_commit_holds_the_helpers_under_test():
    """What Colab installs (helpers at the pinned commit) is what this checkout tests."""
    _, ref = booktool.pinned(_nb(booktool.NOTEBOOKS[0]))
    known = subprocess.run(["git", "cat-file", "-e", f"{ref}^{{commit}}"], cwd=ROOT, capture_output=True)
    assert known.returncode == 0, f"the pinned commit {ref} is not in this repository's history"
    diff = subprocess.run(["git", "diff", "--stat", ref, "--", *booktool.HELPERS_PATHS], cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    assert not diff, (f"helpers/ changed since the pinned commit {ref[:12]}:\n{diff}\n"
                      "commit the change, then `make setup-cells` and commit the notebooks")


def test_render_rejects_bad_input():
    with pytest.raises(ValueError, match="full 40-character commit hash"):
        booktool.render(booktool.PLACEHOLDER, "main", "setup_notebook()")
    with pytest.raises(ValueError, match="setup_notebook"):
        booktool.render(booktool.PLACEHOLDER, "0" * 40, "print()")


def _copy_project(tmp_path: Path) -> Path:
    dest = tmp_path / "book"
    for name in ["_config.yml", *booktool.URL_FILES]:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "notebooks", dest / "notebooks")
    return dest


def test_retarget_rewrites_every_copy_of_the_url(tmp_path, monkeypatch):
    dest = _copy_project(tmp_path)
    old = booktool.config_url()
    monkeypatch.setattr(booktool, "ROOT", dest)
    monkeypatch.setattr(booktool, "NOTEBOOKS", sorted((dest / "notebooks").glob("*.ipynb")))
    _, ref = booktool.pinned(_nb(booktool.NOTEBOOKS[0]))
    monkeypatch.setattr(booktool, "helpers_ref", lambda: ref)
    booktool.retarget("someone/tf-book")
    old_path = old.removeprefix("https://github.com/")
    leftovers = [str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file() and old_path in p.read_text()]
    assert not leftovers, f"the old repository is still named in {leftovers}"
    assert booktool.config_url() == "https://github.com/someone/tf-book"
    for path in booktool.NOTEBOOKS:
        assert booktool.pinned(_nb(path)) == ("https://github.com/someone/tf-book", ref)
    with pytest.raises(SystemExit, match="OWNER/NAME"):
        booktool.retarget("not a repo")


def test_placeholder_is_not_publishable(monkeypatch):
    monkeypatch.setattr(booktool, "config_url", lambda: booktool.PLACEHOLDER)
    with pytest.raises(SystemExit, match="make retarget REPO=owner/name"):
        booktool.check_publishable()


def test_pages_workflow_refuses_the_placeholder():
    workflow = (ROOT / ".github" / "workflows" / "book.yml").read_text()
    assert "booktool.py check-publishable" in workflow


@pytest.mark.slow
def test_a_failed_install_is_one_clear_line(tmp_path):
    """Opened alone where the repository cannot be reached, the cell says what failed, no traceback."""
    nb = _nb(booktool.NOTEBOOKS[0])
    source = "".join(booktool.setup_cell(nb)["source"]).split("from helpers import")[0]
    script = tmp_path / "cell.py"
    script.write_text(source)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "TFBOOK"))}
    env["GIT_TERMINAL_PROMPT"] = "0"
    # IPython, as in a notebook; `helpers` made invisible so that the bootstrap runs; the pinned
    # repository is the placeholder (or unreachable offline), so pip fails as it would in Colab.
    code = ("import importlib.util as u; find = u.find_spec; "
            "u.find_spec = lambda name, *a: None if name == 'helpers' else find(name, *a); "
            f"exec(compile(open({str(script)!r}).read(), 'cell', 'exec'))")
    ipython = Path(sys.executable).parent / "ipython"
    result = subprocess.run([str(ipython), "--quick", "--colors=NoColor", "-c", code], capture_output=True,
                            text=True, cwd=tmp_path, env=env, timeout=300)
    out = result.stdout + result.stderr
    assert "SetupError: could not install the book's helpers from git+https://github.com/" in out, out
    assert "Traceback" not in out and "File " not in out, out


def test_missing_offline_data_is_a_clear_stop(tmp_path, monkeypatch, capsys):
    """Without the Debian package, `make data` (and so `make test`) stops with what to install."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    with pytest.raises(SystemExit, match="make test needs the offline data: .*apt-get install dataset-fashion-mnist"):
        booktool.link_data(str(tmp_path / "absent"))
    assert not (tmp_path / "keras").exists()


@pytest.mark.parametrize("path", booktool.NOTEBOOKS, ids=IDS)
def test_notebook_is_normalised(path):
    """No execution timestamps or editor state: re-running a chapter rewrites only what it prints."""
    assert path.read_text() == json.dumps(booktool.normalised(_nb(path)), indent=1, ensure_ascii=False) + "\n", \
        f"{path.name} is not normalised: run `make normalise` (make execute does it)"


def test_normalise_strips_volatile_metadata(tmp_path):
    nb = {"cells": [{"cell_type": "code", "id": "a", "execution_count": 1, "outputs": [], "source": ["1"],
                     "metadata": {"execution": {"iopub.status.busy": "2026-11-27T09:35:17Z"}, "tags": ["x"],
                                  "lines_to_next_cell": 2}}],
          "metadata": {"kernelspec": {"name": "python3"}, "language_info": {"name": "python", "version": "3.11.7"},
                       "widgets": {}}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb))
    assert booktool.normalise(check=True, notebooks=[path]) == ["n.ipynb"]
    booktool.normalise(notebooks=[path])
    assert booktool.normalise(check=True, notebooks=[path]) == []
    clean = json.loads(path.read_text())
    assert clean["cells"][0]["metadata"] == {"tags": ["x"]}
    assert clean["metadata"] == {"kernelspec": {"name": "python3"}, "language_info": {"name": "python"}}


# An error as a kernel on this machine raises it, and the same error as the book stores it.
RAW_ERROR = (
    "Graph execution error:\n\n"
    "Detected at node Log defined at (most recent call last):\n"
    '  File "<frozen runpy>", line 198, in _run_module_as_main\n\n'
    '  File "/work/main/.venv/lib/python3.11/site-packages/ipykernel/kernelbase.py", line 678, in shell_main\n\n'
    '  File "/root/.pyenv/versions/3.11.7/lib/python3.11/asyncio/events.py", line 80, in _run\n\n'
    '  File "/work/main/.cache/tmp/ipykernel_3977/2910937536.py", line 4, in <module>\n\n'
    '  File "/usr/local/lib/python3.12/dist-packages/keras/src/layers/layer.py", line 901, in __call__\n\n'
    '  File "/work/main/.cache/tmp/ipykernel_3977/2528212410.py", line 2, in entropy\n\n'
    "  Stack trace of op's creation (\"->\": inferred user code):\n"
    "    + ... (Omitted 9 frames)\n"
    "    + ...b/python3.11/site-packages/ipykernel/kernelbase.py (L678) shell_main\n"
    " -> |   \n"
    "    + /work/main/.cache/tmp/ipykernel_3977/2910937536.py (L4) <module>\n"
    " -> |   \n"
    "    + ...1/site-packages/tensorflow/python/framework/ops.py (L1221) from_node_def\n"
    "    |   \n\n"
    " : Tensor had -Inf values\n"
    "\t [[{{node Log/CheckNumericsV2}}]] [Op:__inference_entropy_444]"
)


def test_normalise_elides_where_this_machine_keeps_its_files():
    stored = booktool.elide_paths(RAW_ERROR)
    assert "/work/" not in stored and "/root/" not in stored and "/usr/" not in stored
    assert '"/tmp/ipykernel_3977/2910937536.py", line 4, in <module>' in stored  # as Jupyter shows it
    assert '".../site-packages/ipykernel/kernelbase.py", line 678' in stored
    assert '".../lib/python3.11/asyncio/events.py", line 80' in stored
    assert '".../dist-packages/keras/src/layers/layer.py", line 901' in stored
    assert "...b/python3.11/site-packages/ipykernel/kernelbase.py (L678)" in stored  # TF's own elision
    assert booktool.elide_paths(stored) == stored


def _sanitized(text: str) -> str:
    import re

    from nbval.plugin import get_sanitize_patterns  # nbval's own parser, applied as nbval applies it

    for regex, replace in get_sanitize_patterns((booktool.ROOT / "tests" / "nbval_sanitize.cfg").read_text()):
        text = re.sub(regex, replace, text)
    return text


def test_sanitize_maps_the_raw_and_the_stored_error_alike():
    """nbval compares a fresh error (this machine's paths) with the stored one (elided paths)."""
    elsewhere = (RAW_ERROR.replace("/work/main/.venv/lib/python3.11", "/opt/venv/lib/python3.12")
                 .replace("/work/main/.cache/tmp/ipykernel_3977", "/tmp/ipykernel_12")
                 .replace("_444]", "_9]").replace('  File "<frozen runpy>", line 198, in _run_module_as_main\n\n', ""))
    stored = _sanitized(booktool.elide_paths(RAW_ERROR))
    assert _sanitized(RAW_ERROR) == stored == _sanitized(elsewhere)
    # what the reader is meant to read survives: their own frames, the op, the message
    assert stored.count('File "<CELL>", line') == 2 and "in entropy" in stored
    assert "Tensor had -Inf values" in stored and "__inference_entropy_<N>" in stored


def test_sanitize_keeps_a_changed_message_different():
    """The rules remove frames and counters, not content: another line number or message still differs."""
    stored = _sanitized(booktool.elide_paths(RAW_ERROR))
    assert _sanitized(RAW_ERROR.replace("line 2, in entropy", "line 3, in entropy")) != stored
    assert _sanitized(RAW_ERROR.replace("-Inf values", "NaN values")) != stored
