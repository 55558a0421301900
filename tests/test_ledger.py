"""The claims ledger page matches the stored notebook outputs it cites."""

import json
import re
from pathlib import Path

import ledger
import pytest


def test_every_claim_is_found_in_its_cell():
    for claim in ledger.load_claims():
        ledger.measured(claim)  # raises with the cell's output when the pattern is not there


def test_page_matches_the_stored_outputs():
    page = ledger.PAGE.read_text()
    assert page == ledger.render_page(page), "book/claims_ledger.md is stale: run `make ledger`"


def test_intro_findings_match_the_stored_outputs():
    intro = ledger.INTRO.read_text()
    assert intro == ledger.render_intro(intro), "book/intro.md's findings box is stale: run `make ledger`"
    box = intro.split(ledger.FOUND_START)[1].split(ledger.FOUND_END)[0]
    highlights = [c for c in ledger.load_claims() if c.get("highlight")]
    assert len(highlights) >= 5 and box.count("\n- ") == len(highlights)
    for claim in highlights:  # each figure, read back from the page, is the cell's number as rounded
        shown = claim["highlight"].format(x=ledger.measured(claim)).split("**")[1]
        assert shown in box


ROOT = Path(__file__).resolve().parents[1]
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def _cell_numbers(notebook: str, tag: str) -> list[float]:
    """Every number printed by the cell tagged `tag`, read from the .ipynb without ledger.py's code."""
    nb = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text())
    texts = []
    for cell in nb["cells"]:
        if tag in cell.get("metadata", {}).get("tags", []):
            for out in cell.get("outputs", []):
                texts.append("".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", "")))
    return [float(n) for n in NUMBER.findall("".join(texts))]


def _ledger_rows(page: str) -> list[tuple[str, float, str, str, str]]:
    """(claim, figure, verdict, notebook, tag) of each table row, parsed from the page's Markdown."""
    rows = []
    for line in page.splitlines():
        if line.startswith("| ") and "`ledger-" in line:
            cols = [c.strip() for c in line.strip("|").split("|")]
            notebook = re.search(r"notebooks/(\w+)\.ipynb", cols[5]).group(1)
            tag = re.search(r"`(ledger-[\w-]+)`", cols[5]).group(1)
            rows.append((cols[1], float(cols[3].split()[0]), cols[4].strip("*"), notebook, tag))
    return rows


def _row_problems(page: str) -> list[str]:
    """Rows whose figure is not a number that the cited cell printed (to 3 significant digits)."""
    problems = []
    for claim, figure, _verdict, notebook, tag in _ledger_rows(page):
        printed = _cell_numbers(notebook, tag)
        if not any(float(f"{n:.3g}") == figure for n in printed):
            problems.append(f"{claim!r}: {figure} is not among the numbers {tag} printed: {printed[:12]}")
    return problems


def test_each_figure_on_the_page_is_printed_by_its_cell():
    """Independent of ledger.py: every row's figure is a number its cell printed, and the row count is right."""
    page = ledger.PAGE.read_text()
    assert len(_ledger_rows(page)) == len(ledger.load_claims())
    assert not _row_problems(page)


def test_the_figure_check_catches_a_wrong_figure():
    """A row whose figure is off by 10% (say, a pattern that reads the wrong number) is caught."""
    page = ledger.PAGE.read_text()
    claim, figure, _v, _nb, _tag = _ledger_rows(page)[0]
    row = next(line for line in page.splitlines() if line.startswith("| ") and claim in line)
    shown = row.split("|")[4].split()[0]
    tampered = page.replace(row, row.replace(f" {shown} ", f" {float(shown) * 1.1:.3g} ", 1))
    assert tampered != page and _row_problems(tampered)


def test_verdicts_follow_the_rules_in_claims_yml():
    for (claim_text, figure, shown, _nb, _tag), claim in zip(_ledger_rows(ledger.PAGE.read_text()),
                                                            ledger.load_claims(), strict=True):
        assert claim_text == claim["claim"]
        assert shown == ledger.verdict(claim, figure), claim_text


def test_bad_claims_file_is_reported(tmp_path, monkeypatch):
    bad = tmp_path / "claims.yml"
    bad.write_text("- claim: incomplete\n")
    monkeypatch.setattr(ledger, "CLAIMS", bad)
    with pytest.raises(ValueError, match="lacks"):
        ledger.load_claims()


def test_missing_tag_is_reported():
    with pytest.raises(LookupError, match="expected one cell tagged 'no-such-tag'"):
        ledger.cell_output("01_eager_and_graph", "no-such-tag")
