"""The Chinese edition (简体中文): the same pages and notebooks, the prose translated through Sphinx's
own gettext mechanism. Code cells and their stored outputs are not translated; they are the same cells.

    python tests/i18n.py update [DOC ...]  # extract the English, merge it into locales/zh_CN/LC_MESSAGES
    python tests/i18n.py check    # exit 1 unless every catalog is complete and in step with the English
    python tests/i18n.py build    # build the Chinese edition into _build/html/zh_CN (warnings are errors)
    python tests/i18n.py status   # messages, translated, fuzzy and untranslated per catalog

After changing English text: `make translations` (update), translate what it reports as untranslated or
fuzzy (a changed sentence comes back fuzzy, with the old translation as a starting point: fix it, then
delete the `#, fuzzy` line), and `make test` checks the result. Two kinds of message need no translator:
those with nothing to translate (numbers, code, link targets), which `update` copies, and the cells
`make ledger` generates from tests/claims.yml, whose Chinese comes from the `unit_zh` and `highlight_zh`
fields there, so that a re-run with new numbers needs no new translation.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LANGUAGE = "zh_CN"
CATALOGS = ROOT / "locales" / LANGUAGE / "LC_MESSAGES"
HTML = ROOT / "_build" / "html"
ZH_HTML = HTML / LANGUAGE
WORK = ROOT / ".cache" / "i18n"
TITLE_ZH = "TensorFlow 最佳实践：可执行的一本书"
JB = Path(sys.executable).parent / "jupyter-book"
HEADER_DATE = datetime(2026, 12, 1, tzinfo=timezone.utc)
# The pages whose translation is finished: `check` (and `make test`) requires these catalogs to be
# complete and in step with the English. The other pages are shown in English in the Chinese edition
# until their catalogs are translated and added here; `status` counts what is left.
TRANSLATED = [
    "book/how_to_run", "book/project_layout", "book/intro", "book/glossary", "book/references",
    "book/checklist", "book/errata", "book/pitfalls", "book/claims_ledger",
    "notebooks/01_eager_and_graph", "notebooks/02_tf_function_pitfalls",
    "notebooks/03_custom_layers_and_models", "notebooks/04_debugging", "notebooks/05_tf_data",
    "notebooks/06_memory_and_mixed_precision", "notebooks/07_xla", "notebooks/08_profiling",
    "notebooks/09_distribution", "notebooks/10_case_image_classification",
    "notebooks/11_case_bert_text_classification", "notebooks/12_case_dqn_cartpole",
]
HEADER_COMMENT = ("# Chinese (zh_CN) edition of {doc}: the prose of the English page, translated.\n"
                  "# Maintained with `make translations` (tests/i18n.py); see book/how_to_run.md.")

_CODE = re.compile(r"``[^`]+``|`[^`]+`")
_LINK = re.compile(r"\]\([^)]*\)")
_LETTERS = re.compile(r"[A-Za-z]")
# A duration in seconds ("45 s", a cell of the intro's chapter table) reads the same in Chinese.
_SECONDS = re.compile(r"\d+(\.\d+)? s")


def nothing_to_translate(msgid: str) -> bool:
    """Numbers, durations in seconds, inline code and link targets only: the Chinese is the English."""
    return bool(_SECONDS.fullmatch(msgid)) or not _LETTERS.search(_LINK.sub("]", _CODE.sub("", msgid)))


def _build(builder_args: list[str], config: Path | None, out: Path) -> subprocess.CompletedProcess:
    cmd = [str(JB), "build", str(ROOT), *builder_args, "--path-output", str(out), "-W", "--keep-going"]
    if config is not None:
        cmd += ["--config", str(config)]
    return subprocess.run(cmd, capture_output=True, text=True)


def _warnings(result: subprocess.CompletedProcess) -> str:
    lines = [ln for ln in (result.stdout + result.stderr).splitlines() if "WARNING" in ln or "ERROR" in ln]
    return "\n".join(lines) or (result.stdout + result.stderr)[-3000:]


def extract(out: Path) -> dict[str, Catalog]:
    """The English messages of every page and notebook, one template per document (Sphinx gettext)."""
    result = _build(["--builder", "custom", "--custom-builder", "gettext"], None, out)
    if result.returncode:
        raise RuntimeError("extracting the English messages failed:\n" + _warnings(result))
    pot_dir = out / "_build" / "gettext"
    templates = {}
    for pot in sorted(pot_dir.rglob("*.pot")):
        with pot.open("rb") as f:
            templates[pot.relative_to(pot_dir).with_suffix("").as_posix()] = read_po(f)
    if not templates:
        raise RuntimeError(f"no message templates in {pot_dir}")
    return templates


def _generated() -> dict[str, str]:
    """English → Chinese for what `make ledger` writes (the numbers change with every run)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import ledger

    return ledger.translations()


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=LANGUAGE)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for message in catalog:
        # Babel flags any msgid with "%" before a letter ("50% less") as python-format, which no
        # Chinese sentence can match, and `msgfmt --check-format` then fails: this prose has no
        # format strings.
        message.flags.discard("python-format")
    with path.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False, sort_output=False, ignore_obsolete=True)


def update(only: list[str] | None = None) -> dict[str, tuple[int, int, int]]:
    """Merge the current English messages into the catalogs (all, or the documents in `only`, e.g.
    "notebooks/05_tf_data"); returns the status of each."""
    generated = _generated()
    WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        templates = extract(Path(tmp))
    unknown = sorted(set(only or []) - set(templates))
    if unknown:
        raise ValueError(f"no such page or chapter: {', '.join(unknown)} (known: {', '.join(templates)})")
    if not only:
        for stale in set(_catalog_paths()) - {CATALOGS / f"{d}.po" for d in templates}:
            stale.unlink()  # a page that no longer exists
    for doc, template in templates.items():
        if only and doc not in only:
            continue
        path = CATALOGS / f"{doc}.po"
        catalog = _read(path) if path.is_file() else Catalog(locale=LANGUAGE, project="tf-best-practices-book")
        catalog.update(template, no_fuzzy_matching=False)
        catalog.obsolete.clear()
        # a fixed header: no dates or names that change the file on every update
        catalog.fuzzy = False
        catalog.creation_date = catalog.revision_date = HEADER_DATE
        catalog.header_comment = HEADER_COMMENT.format(doc=doc)
        catalog.last_translator = catalog.language_team = "the book's authors"
        catalog.version = "1"
        catalog.msgid_bugs_address = "the book's issue tracker"
        for message in catalog:
            if not message.id:
                continue
            if message.id in generated:
                message.string, message.flags = generated[message.id], set()
            elif nothing_to_translate(message.id):  # also when it came back fuzzy ("45 s" -> "50 s")
                message.string = message.id
                message.flags.discard("fuzzy")
        _write(path, catalog)
    return status()


def _catalog_paths() -> list[Path]:
    return sorted(CATALOGS.rglob("*.po"))


def status() -> dict[str, tuple[int, int, int]]:
    """(messages, fuzzy, untranslated) per catalog."""
    out = {}
    for path in _catalog_paths():
        messages = [m for m in _read(path) if m.id]
        fuzzy = sum(1 for m in messages if m.fuzzy)
        untranslated = sum(1 for m in messages if not m.string)
        out[path.relative_to(CATALOGS).with_suffix("").as_posix()] = (len(messages), fuzzy, untranslated)
    return out


def problems(templates: dict[str, Catalog]) -> list[str]:
    """Why the catalogs are not a complete translation of the current English text (empty: they are)."""
    found = [f"{doc}: listed in TRANSLATED but not a page of the book" for doc in TRANSLATED if doc not in templates]
    generated = _generated()
    for doc, template in templates.items():
        if doc not in TRANSLATED:
            continue  # still shown in English: `status` counts it
        path = CATALOGS / f"{doc}.po"
        if not path.is_file():
            found.append(f"{doc}: no catalog (run `make translations`)")
            continue
        catalog = _read(path)
        for message in template:
            if not message.id:
                continue
            have = catalog.get(message.id, message.context)
            if have is None or not have.string:
                found.append(f"{doc}: untranslated: {message.id[:100]!r}")
            elif have.fuzzy:
                found.append(f"{doc}: fuzzy (the English changed): {message.id[:100]!r}")
            elif message.id in generated and have.string != generated[message.id]:
                found.append(f"{doc}: generated by `make ledger`, stale: {message.id[:100]!r}")
    extra = set(_catalog_paths()) - {CATALOGS / f"{d}.po" for d in templates}
    found += [f"{p.relative_to(ROOT)}: a catalog for a page that does not exist" for p in sorted(extra)]
    return found


def check() -> list[str]:
    WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        return problems(extract(Path(tmp)))


def zh_config() -> Path:
    """_config.yml with the language set: the Chinese edition's configuration (written under .cache)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["title"] = TITLE_ZH
    config.setdefault("sphinx", {}).setdefault("config", {})["language"] = LANGUAGE
    # locale_dirs is relative to the configuration's folder when the config is not in the book's root
    config["sphinx"]["config"]["locale_dirs"] = [str(ROOT / "locales")]
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "_config.zh_CN.yml"
    path.write_text("# generated by tests/i18n.py from _config.yml: do not edit\n" + yaml.safe_dump(config, allow_unicode=True))
    return path


# The part captions of _toc.yml, which the message catalogs do not reach.
CAPTIONS_ZH = {
    "Getting started": "入门", "Foundations": "基础", "Input pipelines": "数据管道", "Performance": "性能",
    "Scaling out": "扩展到多设备", "Case studies": "案例研究", "Reference": "参考",
}


def zh_toc(captions: dict[str, str] = CAPTIONS_ZH) -> Path:
    """_toc.yml with Chinese part captions (written under .cache): the Chinese edition's sidebar."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    for part in toc.get("parts", []):
        if part.get("caption") not in captions:
            raise ValueError(f"_toc.yml caption {part.get('caption')!r} has no Chinese in i18n.CAPTIONS_ZH")
        part["caption"] = captions[part["caption"]]
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "_toc.zh_CN.yml"
    path.write_text("# generated by tests/i18n.py from _toc.yml: do not edit\n" + yaml.safe_dump(toc, allow_unicode=True))
    return path


def build() -> Path:
    """Build the Chinese edition and put it beside the English one, in _build/html/zh_CN."""
    out = WORK / "zh_CN"
    result = _build(["--toc", str(zh_toc())], zh_config(), out)
    if result.returncode:
        raise RuntimeError("the Chinese edition did not build cleanly:\n" + _warnings(result))
    if ZH_HTML.exists():
        shutil.rmtree(ZH_HTML)
    shutil.copytree(out / "_build" / "html", ZH_HTML)
    return ZH_HTML


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        table = update(argv[1:] or None)
    elif argv == ["status"]:
        table = status()
    elif argv == ["check"]:
        found = check()
        for line in found[:40]:
            print(line)
        if found:
            print(f"{len(found)} problem(s) in the Chinese catalogs: translate them (see `python tests/i18n.py`)")
            return 1
        print(f"Chinese catalogs: the {len(TRANSLATED)} translated pages are complete and in step with the English "
              "(`status` counts the rest)")
        return 0
    elif argv == ["build"]:
        print(f"Chinese edition: {build().relative_to(ROOT)}/index.html")
        return 0
    else:
        print(__doc__)
        return 2
    total = [0, 0, 0]
    for doc, (n, fuzzy, untranslated) in table.items():
        total = [total[0] + n, total[1] + fuzzy, total[2] + untranslated]
        print(f"{doc:45s} {n:5d} messages  {fuzzy:4d} fuzzy  {untranslated:4d} untranslated")
    print(f"{'all catalogs':45s} {total[0]:5d} messages  {total[1]:4d} fuzzy  {total[2]:4d} untranslated")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (ValueError, RuntimeError, LookupError) as err:
        sys.exit(f"tests/i18n.py: {err}")
