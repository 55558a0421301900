"""Notebook hygiene: what a reader sees in the stored notebooks, and the book's structure.

nbval proves that the stored outputs reproduce; these tests prove that the stored outputs are the
ones a reader should see (one clean top-to-bottom run, no errors outside cells meant to fail, no log
noise, no machine paths, figures present) and that every chapter follows the chapter skeleton.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
BUDGETS = json.loads((ROOT / "tests" / "runtime_budgets.json").read_text())
RAISES = {"raises-exception", "nbval-raises-exception"}
NOISE = re.compile(r"oneDNN custom operations|cuInit|cuda_(platform|dnn|blas|fft)|absl::InitializeLog|"
                   r"WARNING: All log messages before absl|computation placer|TF-TRT|"
                   r"This TensorFlow binary is optimized")
CELL_FILE = re.compile(r"(/[\w.-]+)*/ipykernel_\d+/\d+\.py")
# An absolute path of the machine that ran the notebook. Library paths are stored elided
# (".../site-packages/keras/...", tests/booktool.py), as TensorFlow elides long ones ("...b/python3.11/").
MACHINE_PATH = re.compile(r"(?<![\w.])/(work|root|home/\w+|tmp|usr|opt|srv|var|content)/|\.venv/")


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


def _code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def _tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _text(output: dict) -> str:
    if output["output_type"] == "stream":
        return "".join(output["text"])
    if output["output_type"] == "error":
        return output["ename"] + ": " + output["evalue"] + "\n" + "\n".join(output.get("traceback", []))
    return "".join(output.get("data", {}).get("text/plain", ""))


def _toc_files(node) -> list[str]:
    files = []
    if isinstance(node, dict):
        if "file" in node:
            files.append(node["file"])
        for value in node.values():
            files += _toc_files(value)
    elif isinstance(node, list):
        for value in node:
            files += _toc_files(value)
    return files


ids = [p.stem for p in NOTEBOOKS]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks in notebooks/"


def test_toc_and_notebooks_agree():
    listed = [TOC["root"], *_toc_files(TOC.get("parts", []))]
    for entry in listed:
        candidates = [ROOT / f"{entry}{ext}" for ext in ("", ".md", ".ipynb")]
        assert any(c.is_file() for c in candidates), f"_toc.yml lists {entry}, which does not exist"
    for nb in NOTEBOOKS:
        assert f"notebooks/{nb.stem}" in listed, f"{nb.name} is not in _toc.yml"
    pages = sorted(p.relative_to(ROOT).with_suffix("").as_posix() for p in (ROOT / "book").glob("*.md"))
    for page in pages:
        assert page in listed, f"{page}.md is not in _toc.yml"


def test_names_follow_the_chapter_plan():
    for nb in NOTEBOOKS:
        assert nb.stem in BUDGETS, f"{nb.name}: not a planned chapter name (see tests/runtime_budgets.json)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_one_clean_top_to_bottom_run(path):
    counts = [c["execution_count"] for c in _code_cells(_load(path))]
    assert None not in counts, f"{path.name}: {counts.count(None)} code cell(s) never executed"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: execution counts {counts} are not 1..n"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_outputs_are_what_a_reader_should_see(path):
    nb = _load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3", f"{path.name}: kernel must be python3"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        where = f"{path.name} cell {i}"
        for out in cell.get("outputs", []):
            # No output names where this machine keeps its files. An error quotes the kernel's cell
            # files (/tmp/ipykernel_<pid>/<n>.py) as every Jupyter user sees them; nbval sanitizes them.
            text = _text(out)
            if out["output_type"] == "error":  # the kernel's cell files, as TensorFlow quotes them
                text = CELL_FILE.sub("<cell>", text)
            if out["output_type"] == "error":
                assert _tags(cell) & RAISES, f"{where}: error output in a cell not tagged raises-exception"
            if out["output_type"] == "stream" and out["name"] == "stderr":
                pytest.fail(f"{where}: stderr stored in the notebook:\n{text[:500]}")
            assert not NOISE.search(text), f"{where}: TensorFlow log noise in the output"
            assert not MACHINE_PATH.search(text), f"{where}: a path of this machine in the output:\n{text[:300]}"
            assert "image/svg+xml" not in out.get("data", {}), f"{where}: SVG figure (use PNG)"
        if _tags(cell) & RAISES:
            assert any(o["output_type"] == "error" for o in cell.get("outputs", [])), \
                f"{where}: tagged raises-exception but raised nothing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_figure_cell_has_a_png(path):
    for i, cell in enumerate(_code_cells(_load(path))):
        source = "".join(cell["source"])
        if re.search(r"plt\.show\(\)|\.savefig\(", source):
            pngs = [o for o in cell["outputs"] if "image/png" in o.get("data", {})]
            assert pngs, f"{path.name} code cell {i}: draws a figure but stores no PNG"


def _stated_runtime(path: Path) -> int:
    markdown = "\n".join("".join(c["source"]) for c in _load(path)["cells"] if c["cell_type"] == "markdown")
    runtime = re.search(r"Runtime:\**\s*about (\d+) s on 2 CPU cores", markdown)
    assert runtime, f"{path.name}: no 'Runtime: about N s on 2 CPU cores' line"
    return int(runtime.group(1))


def test_intro_chapter_table_gives_each_budget_and_stated_runtime():
    """The intro's chapter table: its Budget column is runtime_budgets.json, its Measured column the
    runtime each chapter states (which the skeleton test keeps within the budget)."""
    rows = re.findall(r"^\|[^|\n]*\| \[[^]]+\]\(\.\./notebooks/(\w+)\.ipynb\) \|[^|\n]*\| (\d+) s \| (\d+) s \|$",
                      (ROOT / "book" / "intro.md").read_text(), flags=re.M)
    assert [r[0] for r in rows] == [p.stem for p in NOTEBOOKS], "the intro's table lists every chapter once"
    for stem, budget, measured in rows:
        assert int(budget) == BUDGETS[stem], f"intro: {stem} budget {budget} s, runtime_budgets.json {BUDGETS[stem]} s"
        stated = _stated_runtime(ROOT / "notebooks" / f"{stem}.ipynb")
        assert int(measured) == stated, f"intro: {stem} measured {measured} s, the chapter states {stated} s"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_chapter_skeleton(path):
    nb = _load(path)
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    h1 = re.findall(r"^# \S", markdown, flags=re.M)
    assert len(h1) == 1, f"{path.name}: needs exactly one H1 title, found {len(h1)}"
    assert "What you will learn" in markdown, f"{path.name}: no 'What you will learn'"
    assert _stated_runtime(path) <= BUDGETS[path.stem], f"{path.name}: stated runtime exceeds its budget"
    for heading in ("## Summary", "## Exercises", "## Further reading"):
        assert re.search(rf"^{heading}\b", markdown, flags=re.M), f"{path.name}: no '{heading}' section"
    cells = _code_cells(nb)
    assert "parameters" in _tags(cells[0]), f"{path.name}: the first code cell must be tagged parameters"
    # the set-up cell itself is checked against its template in tests/test_setup_cell.py
    assert "nbval-ignore-output" in _tags(cells[1]), f"{path.name}: set-up cell output is machine-specific"
    solutions = [c for c in cells if "hide-cell" in _tags(c)]
    assert solutions, f"{path.name}: exercise solutions belong in cells tagged hide-cell"
    # hide-input folds the code but leaves the answer (the output) in view
    shown = [i for i, c in enumerate(cells) if "hide-input" in _tags(c) or "hide-output" in _tags(c)]
    assert not shown, f"{path.name}: code cells {shown} hide only half of a solution; tag them hide-cell"
    silent = [i for i, c in enumerate(cells) if "hide-cell" in _tags(c) and not c.get("outputs")]
    assert not silent, f"{path.name}: solution cells {silent} show nothing; print or assert the answer"


def test_sanitize_file_is_well_formed():
    """nbval silently ignores a `replace:` with nothing after it: every section needs both lines."""
    text = (ROOT / "tests" / "nbval_sanitize.cfg").read_text()
    sections = re.split(r"^\[.+\]$", text, flags=re.M)[1:]
    assert sections
    for body in sections:
        assert re.search(r"^regex: \S", body, flags=re.M) and re.search(r"^replace: \S", body, flags=re.M), body


# Chapters whose measurements or full runs gain from a GPU: Colab offers one when they open.
GPU_CHAPTERS = {"06_memory_and_mixed_precision", "07_xla", "10_case_image_classification",
                "11_case_bert_text_classification"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_colab_offers_a_gpu_where_it_helps(path):
    meta = _load(path)["metadata"]
    if path.stem in GPU_CHAPTERS:
        assert meta.get("accelerator") == "GPU" and meta.get("colab", {}).get("gpuType"), \
            f"{path.name}: add Colab's accelerator metadata (accelerator: GPU, colab.gpuType)"
    else:
        assert "accelerator" not in meta, f"{path.name}: asks Colab for a GPU it does not use"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_compared_outputs_hold_nothing_machine_specific(path):
    """nbval compares these outputs on every reader's CPU: no core counts, CPU names or flags in them."""
    machine = re.compile(r"\b\d+[- ]cores?\b|\bAMD\b|EPYC|Xeon|avx512|avx2|\bamx\b|oneDNN uses|"
                         r"cpu_count", re.I)
    for i, cell in enumerate(_code_cells(_load(path))):
        if i == 1 or "nbval-ignore-output" in _tags(cell):
            continue
        for out in cell.get("outputs", []):
            text = _text(out)
            assert not machine.search(text), f"{path.name} code cell {i}: machine-specific compared output:\n" \
                                             f"{machine.search(text).group(0)!r} in {text[:300]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_chapters_leave_no_temp_folders(path):
    """Scratch files go to helpers.scratch_dir (removed when the kernel exits), not to a bare mkdtemp."""
    for i, cell in enumerate(_code_cells(_load(path))):
        for line in "".join(cell["source"]).splitlines():
            if re.search(r"tempfile\.(mkdtemp|mkstemp)\((?![^)]*dir=)", line):
                pytest.fail(f"{path.name} code cell {i}: {line.strip()!r}: use helpers.scratch_dir")


CODE_WIDTH = 80  # the book's code column holds 81 characters at 1280 px (sphinx-book-theme)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_code_fits_the_page(path):
    """No code line wider than the page's code column (the set-up cell's repository line excepted)."""
    wide = []
    for i, cell in enumerate(_code_cells(_load(path))):
        for line in "".join(cell["source"]).splitlines():
            if len(line) > CODE_WIDTH and not (i == 1 and line.lstrip().startswith("repo = ")):
                wide.append(f"cell {i}: {line[:60]}... ({len(line)} chars)")
    assert not wide, f"{path.name}: {len(wide)} code line(s) over {CODE_WIDTH} characters:\n" + "\n".join(wide[:10])


def _exits(exc: ast.expr) -> bool:
    """`raise SystemExit(...)`: a worker script ending its process, not a rewritten error."""
    name = exc.func if isinstance(exc, ast.Call) else exc
    return isinstance(name, ast.Name) and name.id == "SystemExit"


def _error_filters(source: str) -> list[int]:
    """Lines where an `except` block raises a new exception: a chapter-made error filter."""
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    lines = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.ExceptHandler):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Raise) and inner.exc is not None and not _exits(inner.exc):
                    lines.append(inner.lineno)
    return lines


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_chapters_show_errors_as_raised(path):
    """Readers see TensorFlow's own error message: no chapter catches an error to raise a rewritten one.

    What differs between machines in a message (frames, counters, paths) is nbval's business
    (tests/nbval_sanitize.cfg), not the chapter's. A bare `raise` (re-raising the same error) is fine.
    """
    found = []
    for i, cell in enumerate(_code_cells(_load(path))):
        found += [f"code cell {i}, line {n}" for n in _error_filters("".join(cell["source"]))]
    assert not found, f"{path.name}: an except block raises a new error (an error filter): {found}"


def test_error_filter_check_catches_a_filter():
    """The check above fires on the kind of wrapper the book once had, and not on plain handling."""
    wrapper = "try:\n    f()\nexcept ValueError as err:\n    raise type(err)(str(err)[:80]) from None\n"
    plain = "try:\n    f()\nexcept ValueError as err:\n    print('caught:', err)\n    raise\n"
    exit_ = "try:\n    f()\nexcept ValueError:\n    raise SystemExit(2) from None\n"
    assert _error_filters(exit_) == []
    assert _error_filters(wrapper) == [4]
    assert _error_filters(plain) == []
