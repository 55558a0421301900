"""Repository-wide pytest hooks: per-notebook nbval wall time and the book's runtime budget."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).parent
BUDGETS = json.loads((ROOT / "tests" / "runtime_budgets.json").read_text())
BOOK_BUDGET_S = BUDGETS.pop("_book_total_s")

_started: dict[str, float] = {}
_wall: dict[str, float] = defaultdict(float)


def pytest_runtest_setup(item):
    if str(item.fspath).endswith(".ipynb"):
        _started[item.nodeid] = time.perf_counter()


def pytest_runtest_teardown(item):
    if item.nodeid in _started:
        _wall[Path(str(item.fspath)).stem] += time.perf_counter() - _started.pop(item.nodeid)


def pytest_terminal_summary(terminalreporter):
    if not _wall:
        return
    tr = terminalreporter
    tr.section("nbval wall time per notebook (2 CPU cores is the reference machine)")
    total = 0.0
    for name in sorted(_wall):
        budget = BUDGETS.get(name)
        total += _wall[name]
        flag = "" if budget is None or _wall[name] <= budget else "  OVER BUDGET"
        tr.write_line(f"{name:40s} {_wall[name]:7.1f} s   budget {budget if budget else '?':>4} s{flag}")
    tr.write_line(f"{'whole book':40s} {total:7.1f} s   budget {BOOK_BUDGET_S:>4} s"
                  + ("  OVER BUDGET" if total > BOOK_BUDGET_S else ""))
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "nbval_times.json").write_text(json.dumps(dict(_wall), indent=1, sort_keys=True))
