"""The book's own maintenance commands: one set-up cell template, one repository URL.

    python tests/booktool.py setup-cells          # rewrite every chapter's set-up cell from TEMPLATE
    python tests/booktool.py retarget OWNER/NAME  # point the book at your fork (URL, Colab links, set-up)
    python tests/booktool.py check-publishable    # exit 1 while the repository URL is the placeholder
    python tests/booktool.py link-data            # link the packaged Fashion-MNIST into KERAS_HOME
    python tests/booktool.py normalise [--check] [NB ...]  # strip volatile metadata (after every execution)

The repository URL lives in `_config.yml` (`repository.url`) and nowhere else by hand: `retarget`
rewrites every copy of it (README, book pages, set-up cells). The set-up cell installs `helpers` at a
pinned commit: the last commit that changed `helpers/` or `pyproject.toml`. A commit hash is the same in
every fork, so a retargeted copy installs the same code. After changing `helpers/`, commit, then run
`make setup-cells` and commit the notebooks (the hygiene test fails until both are done).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PLACEHOLDER = "https://github.com/your-org/tf-best-practices-book"
# Files (besides _config.yml and the set-up cells) that quote the repository URL.
URL_FILES = ["README.md", "book/how_to_run.md", "book/intro.md"]
HELPERS_PATHS = ["helpers", "pyproject.toml"]

# {url}: repository URL; {ref}: pinned commit; {call}: the chapter's own setup_notebook(...) call.
# The error class renders as one line in IPython (`_render_traceback_`), not as a traceback.
TEMPLATE = '''\
# Set-up, the same in every chapter (generated: `make setup-cells`). Opened
# alone, as in Colab, it first installs the book's `helpers` package.
import importlib.util, os, subprocess, sys
if importlib.util.find_spec("helpers") is None:
    class SetupError(Exception):
        def _render_traceback_(self):
            return [f"SetupError: {{self}}"]
    repo = "git+{url}"
    ref = "{ref}"  # last change to helpers/
    src = os.environ.get("TFBOOK_SOURCE") or f"{{repo}}@{{ref}}"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                        "--no-deps", src], capture_output=True, text=True)
    if r.returncode:
        why = (r.stderr.strip().splitlines() or ["no message"])[-1]
        raise SetupError(f"could not install the book's helpers from {{src}} "
                         f"({{why}}). Set TFBOOK_SOURCE to the book's repository "
                         "(a git+https URL or a local folder) and run again.")
    importlib.invalidate_caches()
from helpers import setup_notebook

HW = {call}'''

CALL = re.compile(r"^HW = (setup_notebook\(.*\))\s*\Z", re.M | re.S)
REF = re.compile(r'repo = "git\+(?P<url>https://github\.com/[\w.-]+/[\w.-]+)"\n\s*ref = "(?P<ref>[0-9a-f]{40})"')


def config_url() -> str:
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]


def helpers_ref() -> str:
    """The last commit that changed the helpers package: what the set-up cell pins."""
    out = subprocess.run(["git", "log", "-1", "--format=%H", "--", *HELPERS_PATHS], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.strip()
    if not re.fullmatch(r"[0-9a-f]{40}", out):
        raise SystemExit("no commit changes helpers/ yet: commit the helpers package first")
    return out


def render(url: str, ref: str, call: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{40}", ref):
        raise ValueError(f"ref must be a full 40-character commit hash, got {ref!r}")
    if not call.startswith("setup_notebook("):
        raise ValueError(f"call must be a setup_notebook(...) call, got {call!r}")
    return TEMPLATE.format(url=url, ref=ref, call=call)


def setup_cell(nb: dict) -> dict:
    """The set-up cell: the second code cell (the first holds the parameters)."""
    return [c for c in nb["cells"] if c["cell_type"] == "code"][1]


def chapter_call(nb: dict) -> str:
    source = "".join(setup_cell(nb)["source"])
    match = CALL.search(source) or re.search(r"^(setup_notebook\(.*\))\s*\Z", source, re.M | re.S)
    if not match:
        raise ValueError("the set-up cell has no `HW = setup_notebook(...)` line")
    return match.group(1)


def pinned(nb: dict) -> tuple[str, str] | None:
    match = REF.search("".join(setup_cell(nb)["source"]))
    return (match["url"], match["ref"]) if match else None


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines:
        lines[-1] = lines[-1].rstrip("\n")
    return lines


def write_notebook(path: Path, nb: dict) -> None:
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


def setup_cells(url: str | None = None, ref: str | None = None, notebooks=None) -> int:
    url, ref = url or config_url(), ref or helpers_ref()
    notebooks = NOTEBOOKS if notebooks is None else notebooks
    changed = 0
    for path in notebooks:
        nb = json.loads(path.read_text())
        cell = setup_cell(nb)
        new = _lines(render(url, ref, chapter_call(nb)))
        if cell["source"] != new:
            cell["source"] = new
            write_notebook(path, nb)
            changed += 1
    print(f"set-up cells: {changed} of {len(notebooks)} notebooks rewritten (helpers at {ref[:12]})")
    return changed


def retarget(repo: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}", repo):
        raise SystemExit(f"retarget needs OWNER/NAME of a GitHub repository, got {repo!r}")
    old, new = config_url(), f"https://github.com/{repo}"
    config = ROOT / "_config.yml"
    text = config.read_text()
    if f"url: {old}" not in text:
        raise SystemExit(f"_config.yml: no line 'url: {old}' to rewrite")
    config.write_text(text.replace(f"url: {old}", f"url: {new}", 1))
    old_path, new_path = old.removeprefix("https://github.com/"), repo
    for name in URL_FILES:
        path = ROOT / name
        if path.is_file():
            path.write_text(path.read_text().replace(old, new).replace(f"github/{old_path}/", f"github/{new_path}/"))
    setup_cells(url=new)
    print(f"retargeted {old} -> {new}")


def check_publishable() -> None:
    if config_url() == PLACEHOLDER:
        raise SystemExit(f"_config.yml still names the placeholder {PLACEHOLDER}: the Colab buttons and "
                         "set-up cells would point nowhere. Run `make retarget REPO=owner/name` first.")
    print(f"publishable: {config_url()}")


def link_data(source: str | None = None) -> None:
    """The tests' offline data: a clear error, not a download, when the Debian package is missing."""
    import os

    from helpers.data import keras_cache_dir, use_packaged_data

    try:
        use_packaged_data("fashion_mnist", source=source, require=True)
    except FileNotFoundError as err:
        raise SystemExit(f"make test needs the offline data: {err}") from None
    print(f"Fashion-MNIST: the Debian package, linked into {keras_cache_dir()} "
          f"(KERAS_HOME={os.environ.get('KERAS_HOME', 'unset')})")


CELL_METADATA = ("tags",)  # what a cell keeps; execution timestamps and editor state go
NOTEBOOK_METADATA = ("kernelspec", "language_info", "accelerator", "colab")


# Where this machine's files sit is no part of a stored output: the folders in front of a library
# file, the standard library and the kernel's cell files are elided (as TensorFlow itself elides long
# paths with "..."), so an error message in the book reads the same whoever executed it. The file
# names, line numbers and function names are kept. tests/nbval_sanitize.cfg maps both forms alike.
PATH_PREFIXES = [
    (re.compile(r"(?<![\w.])(?:/[\w.+-]+)+/((?:site|dist)-packages)/"), r".../\1/"),
    (re.compile(r"(?<![\w.])(?:/[\w.+-]+)+/(lib/python3\.\d+)/"), r".../\1/"),
    (re.compile(r"(?<![\w.])(?:/[\w.+-]+)*/(ipykernel_\d+/\d+\.py)"), r"/tmp/\1"),
]


def elide_paths(text: str) -> str:
    for pattern, replacement in PATH_PREFIXES:
        text = pattern.sub(replacement, text)
    return text


def _elided(value):
    """A stored text, a string or a list of lines as Jupyter writes it, with the paths elided."""
    return [elide_paths(line) for line in value] if isinstance(value, list) else elide_paths(value)


def _elided_output(out: dict) -> dict:
    out = dict(out)
    if out["output_type"] == "stream":
        out["text"] = _elided(out["text"])
    elif out["output_type"] == "error":
        out["evalue"] = _elided(out["evalue"])
        out["traceback"] = _elided(out["traceback"])
    elif "text/plain" in out.get("data", {}):
        out["data"] = {**out["data"], "text/plain": _elided(out["data"]["text/plain"])}
    return out


def normalised(nb: dict) -> dict:
    """The notebook without what changes on every run or machine (in the spirit of TF docs' nbfmt)."""
    out = dict(nb)
    out["metadata"] = {k: nb["metadata"][k] for k in NOTEBOOK_METADATA if k in nb["metadata"]}
    if "language_info" in out["metadata"]:
        out["metadata"]["language_info"] = {k: v for k, v in nb["metadata"]["language_info"].items()
                                            if k != "version"}  # the interpreter's patch release
    cells = []
    for cell in nb["cells"]:
        cell = dict(cell)
        cell["metadata"] = {k: cell["metadata"][k] for k in CELL_METADATA if cell["metadata"].get(k)}
        if cell["cell_type"] == "code":
            cell["outputs"] = [_elided_output(o) for o in cell["outputs"]]
        cells.append(cell)
    out["cells"] = cells
    return out


def normalise(check: bool = False, notebooks=None) -> list[str]:
    """Rewrite the notebooks normalised; with check=True only list those that are not."""
    notebooks = NOTEBOOKS if notebooks is None else notebooks
    dirty = []
    for path in notebooks:
        text = path.read_text()
        want = json.dumps(normalised(json.loads(text)), indent=1, ensure_ascii=False) + "\n"
        if text != want:
            dirty.append(path.name)
            if not check:
                path.write_text(want)
    print(("not normalised: " if check else "normalised: ") + (", ".join(dirty) or "none"))
    return dirty


def main(argv: list[str]) -> None:
    if argv[:1] == ["setup-cells"] and len(argv) == 1:
        setup_cells()
    elif argv[:1] == ["retarget"] and len(argv) == 2:
        retarget(argv[1])
    elif argv == ["check-publishable"]:
        check_publishable()
    elif argv[:1] == ["normalise"]:
        check = "--check" in argv[1:]
        paths = [Path(a).resolve() for a in argv[1:] if a != "--check"]
        missing = [str(p) for p in paths if p.suffix != ".ipynb" or not p.is_file()]
        if missing:
            raise SystemExit(f"normalise: not a notebook: {', '.join(missing)}")
        if normalise(check=check, notebooks=paths or None) and check:
            raise SystemExit(1)
    elif argv[:1] == ["link-data"] and len(argv) <= 2:
        link_data(*argv[1:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
