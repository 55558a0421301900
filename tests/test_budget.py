"""The runtime budget fails the run: a chapter beyond its budget (plus tolerance), or the whole book."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _conftest():
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Session:
    exitstatus = 0


def test_a_chapter_over_budget_fails_the_run():
    c = _conftest()
    name, budget = next(iter(c.BUDGETS.items()))
    c._wall[name] = budget * (1 + c.TOLERANCE) + 1
    session = _Session()
    c.pytest_sessionfinish(session, 0)
    assert session.exitstatus == 1 and c._over and c._over[0].startswith(name)


def test_within_tolerance_passes_and_says_so():
    c = _conftest()
    name, budget = next(iter(c.BUDGETS.items()))
    c._wall[name] = budget * (1 + c.TOLERANCE / 2)
    session = _Session()
    c.pytest_sessionfinish(session, 0)
    assert session.exitstatus == 0 and not c._over
    assert "over, within tolerance" in c._budget_report()[0]


def test_the_whole_book_over_its_total_fails():
    c = _conftest()
    for name, budget in c.BUDGETS.items():  # every chapter within its budget; their sum is not
        c._wall[name] = budget
    assert sum(c.BUDGETS.values()) > c.BOOK_BUDGET_S
    session = _Session()
    c.pytest_sessionfinish(session, 0)
    assert session.exitstatus == 1 and [o.split(':')[0] for o in c._over] == ["whole book"]


def test_a_report_only_run_prints_the_overrun_and_passes(monkeypatch):
    """`make test-avx2` (kernels slowed on purpose) reports the budgets without failing on them."""
    monkeypatch.setenv("TFBOOK_BUDGETS", "report")
    c = _conftest()
    name, budget = next(iter(c.BUDGETS.items()))
    c._wall[name] = budget * (1 + c.TOLERANCE) + 1
    session = _Session()
    c.pytest_sessionfinish(session, 0)
    assert session.exitstatus == 0 and c._over and c._over[0].startswith(name)
