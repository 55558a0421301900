"""The Chinese edition: complete catalogs in step with the English text (the build and the browser check of
the Chinese pages are in test_book.py)."""

from __future__ import annotations

import i18n
import ledger
import pytest
from babel.messages.catalog import Catalog


def test_catalogs_are_complete_and_in_step_with_the_english():
    """Every message of a translated page's current English text has a translation that is not fuzzy."""
    found = i18n.check()
    assert not found, f"{len(found)} problem(s); run `make translations` and translate:\n" + "\n".join(found[:30])


def test_every_page_and_chapter_has_a_catalog():
    docs = set(i18n.status())
    assert {"book/intro", "book/claims_ledger", "notebooks/01_eager_and_graph",
            "notebooks/12_case_dqn_cartpole"} <= docs


def test_the_chinese_sidebar_translates_every_part_caption(monkeypatch, tmp_path):
    monkeypatch.setattr(i18n, "WORK", tmp_path)
    toc = i18n.yaml.safe_load(i18n.zh_toc().read_text())
    assert [p["caption"] for p in toc["parts"]][:2] == ["入门", "基础"]
    with pytest.raises(ValueError, match="has no Chinese"):
        i18n.zh_toc({"Getting started": "入门"})


def test_every_page_and_chapter_is_in_the_translated_list():
    """The whole book is translated: every page with a catalog is one that `check` holds to completeness."""
    assert set(i18n.status()) == set(i18n.TRANSLATED)


@pytest.mark.parametrize(("msgid", "free"), [
    ("14.9", True),
    ("45 s", True),  # the intro's table: a chapter's budget or runtime
    ("45 steps", False),
    ("[01](../notebooks/01_eager_and_graph.ipynb) `ledger-eager-vs-graph`", True),
    ("`tf.function`", True),
    ("**holds**", False),
    ("1.5-3x", False),  # "x" is a letter: a translator decides (it stays "1.5-3x" or becomes "1.5-3 倍")
    ("Graph mode is faster", False),
])
def test_nothing_to_translate(msgid, free):
    assert i18n.nothing_to_translate(msgid) is free


def _catalogs(english: list[str], chinese: dict[str, str], fuzzy: set[str] = frozenset()):
    template = Catalog()
    for msgid in english:
        template.add(msgid)
    catalog = Catalog(locale="zh_CN")
    for msgid, msgstr in chinese.items():
        catalog.add(msgid, msgstr, flags={"fuzzy"} if msgid in fuzzy else ())
    return template, catalog


def test_a_changed_english_sentence_fails_the_check(monkeypatch, tmp_path):
    template, catalog = _catalogs(["The graph is faster.", "Graph mode"],
                                  {"The graph was faster.": "图更快。", "Graph mode": "图模式"})
    monkeypatch.setattr(i18n, "CATALOGS", tmp_path)
    monkeypatch.setattr(i18n, "_generated", lambda: {})
    monkeypatch.setattr(i18n, "TRANSLATED", ["page"])
    i18n._write(tmp_path / "page.po", catalog)
    found = i18n.problems({"page": template})
    assert found == ["page: untranslated: 'The graph is faster.'"]


def test_fuzzy_and_missing_catalogs_fail_the_check(monkeypatch, tmp_path):
    template, catalog = _catalogs(["Graph mode"], {"Graph mode": "图模式"}, fuzzy={"Graph mode"})
    monkeypatch.setattr(i18n, "CATALOGS", tmp_path)
    monkeypatch.setattr(i18n, "_generated", lambda: {})
    monkeypatch.setattr(i18n, "TRANSLATED", ["page", "other", "gone"])
    i18n._write(tmp_path / "page.po", catalog)
    found = i18n.problems({"page": template, "other": template})
    assert "gone: listed in TRANSLATED but not a page of the book" in found
    assert "page: fuzzy (the English changed): 'Graph mode'" in found
    assert "other: no catalog (run `make translations`)" in found


def test_generated_ledger_text_is_translated_from_claims_yml():
    """Each ledger row's measured cell and each intro highlight has its Chinese, with the same number."""
    generated = ledger.translations()
    claims = ledger.load_claims()
    assert len([c for c in claims if c.get("unit_zh")]) == len(claims), "every claim needs unit_zh"
    highlights = [c for c in claims if c.get("highlight")]
    assert all(c.get("highlight_zh") for c in highlights), "every highlight needs highlight_zh"
    for claim in claims:
        x = ledger.fmt(ledger.measured(claim))
        assert generated[f"{x} {claim['unit']}"].startswith(x)


def test_update_names_an_unknown_page(monkeypatch):
    monkeypatch.setattr(i18n, "extract", lambda out: {"book/intro": Catalog()})
    monkeypatch.setattr(i18n, "_generated", lambda: {})
    with pytest.raises(ValueError, match="no such page or chapter: notebooks/nope"):
        i18n.update(["notebooks/nope"])


def test_a_page_not_yet_translated_is_not_required(monkeypatch, tmp_path):
    template, catalog = _catalogs(["Graph mode"], {})
    monkeypatch.setattr(i18n, "CATALOGS", tmp_path)
    monkeypatch.setattr(i18n, "_generated", lambda: {})
    monkeypatch.setattr(i18n, "TRANSLATED", [])
    assert i18n.problems({"page": template}) == []


def test_no_catalog_claims_a_format_string():
    """Babel marks "50% less" as python-format, and `msgfmt --check-format` then rejects any Chinese
    translation of it; the book's prose has no format strings, so `update` writes no such flag."""
    flagged = [f"{path.relative_to(i18n.CATALOGS)}:{n}" for path in sorted(i18n.CATALOGS.rglob("*.po"))
               for n, line in enumerate(path.read_text().splitlines(), 1)
               if line.startswith("#,") and "python-format" in line]
    assert not flagged, "python-format flags (run `make translations`):\n" + "\n".join(flagged[:20])
