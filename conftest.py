"""Repository-wide pytest hooks: per-notebook nbval wall time and the book's runtime budget."""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).parent
# The caches the tests write stay inside the project, also when pytest is run without make (which
# sets the same variables): keras writes ~/.keras/keras.json on import unless KERAS_HOME is set.
# IPython's history (the notebooks' kernels) and Chromium's profile (the browser check) likewise.
for _name, _folder in (("KERAS_HOME", "keras"), ("TFBOOK_CACHE", "tfbook"), ("MPLCONFIGDIR", "matplotlib"),
                       ("IPYTHONDIR", "ipython"), ("XDG_CONFIG_HOME", "xdg/config"),
                       ("XDG_CACHE_HOME", "xdg/cache")):
    os.environ.setdefault(_name, str(ROOT / ".cache" / _folder))
BUDGETS = json.loads((ROOT / "tests" / "runtime_budgets.json").read_text())
BOOK_BUDGET_S = BUDGETS.pop("_book_total_s")
# A chapter may run this much over its budget before the run fails (a busy machine, a slow disk); the
# whole book may not run over its total at all.
TOLERANCE = 0.25
# The budgets are for the reference machine (2 cores, the CPU's own instruction set). A run that
# slows the kernels on purpose (`make test-avx2` caps oneDNN at AVX2) prints the table but fails
# nothing on time: TFBOOK_BUDGETS=report.
ENFORCED = os.environ.get("TFBOOK_BUDGETS", "enforce") != "report"

_started: dict[str, float] = {}
_wall: dict[str, float] = defaultdict(float)
_over: list[str] = []


def pytest_runtest_setup(item):
    if str(item.fspath).endswith(".ipynb"):
        _started[item.nodeid] = time.perf_counter()


def pytest_runtest_teardown(item):
    if item.nodeid in _started:
        _wall[Path(str(item.fspath)).stem] += time.perf_counter() - _started.pop(item.nodeid)


def _budget_report() -> list[str]:
    """Lines of the wall-time table; fills _over with what ran over its budget (beyond the tolerance)."""
    lines, total = [], 0.0
    _over.clear()
    for name in sorted(_wall):
        budget = BUDGETS.get(name)
        total += _wall[name]
        over = budget is not None and _wall[name] > budget * (1 + TOLERANCE)
        if over:
            _over.append(f"{name}: {_wall[name]:.0f} s, budget {budget} s (+{TOLERANCE:.0%})")
        flag = "  OVER BUDGET" if over else ("  over, within tolerance" if budget and _wall[name] > budget else "")
        lines.append(f"{name:40s} {_wall[name]:7.1f} s   budget {budget if budget else '?':>4} s{flag}")
    complete = len(_wall) == len(BUDGETS)
    if complete and total > BOOK_BUDGET_S:
        _over.append(f"whole book: {total:.0f} s, budget {BOOK_BUDGET_S} s")
    lines.append(f"{'whole book' if complete else 'notebooks run':40s} {total:7.1f} s   budget {BOOK_BUDGET_S:>4} s"
                 + ("  OVER BUDGET" if complete and total > BOOK_BUDGET_S else ""))
    return lines


def pytest_sessionfinish(session, exitstatus):
    if _wall:
        _budget_report()
        if _over and ENFORCED and session.exitstatus == 0:
            session.exitstatus = 1  # a notebook over its budget fails the run


def pytest_terminal_summary(terminalreporter):
    if not _wall:
        return
    tr = terminalreporter
    tr.section("nbval wall time per notebook (2 CPU cores is the reference machine)")
    for line in _budget_report():
        tr.write_line(line)
    if _over and ENFORCED:
        tr.write_line("FAILED: over the runtime budget: " + "; ".join(_over), red=True)
    elif _over:
        tr.write_line("over the runtime budget, not enforced in this run (TFBOOK_BUDGETS=report): "
                      + "; ".join(_over))
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "nbval_times.json").write_text(json.dumps(dict(_wall), indent=1, sort_keys=True))
