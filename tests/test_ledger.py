"""The claims ledger page matches the stored notebook outputs it cites."""

import re

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


def test_figures_on_the_page_agree_with_cells_within_tolerance():
    """Independent of the renderer: read each row's figure back and compare with the cell's number."""
    rows = [r for r in ledger.PAGE.read_text().splitlines() if r.startswith("| ") and "`ledger-" in r]
    claims = ledger.load_claims()
    assert len(rows) == len(claims)
    for row, claim in zip(rows, claims, strict=True):
        figure = float(re.split(r"\s*\|\s*", row)[4].split()[0])
        assert figure == pytest.approx(ledger.measured(claim), rel=0.01), row
        assert f"**{ledger.verdict(claim, figure)}**" in row, row


def test_bad_claims_file_is_reported(tmp_path, monkeypatch):
    bad = tmp_path / "claims.yml"
    bad.write_text("- claim: incomplete\n")
    monkeypatch.setattr(ledger, "CLAIMS", bad)
    with pytest.raises(ValueError, match="lacks"):
        ledger.load_claims()


def test_missing_tag_is_reported():
    with pytest.raises(LookupError, match="expected one cell tagged 'no-such-tag'"):
        ledger.cell_output("01_eager_and_graph", "no-such-tag")
