"""Honest timing: warm-up, repeats, median, and ratios measured in one run.

Everything here is a thin layer over :mod:`timeit`. The rules the book follows:

* warm up first (tracing, XLA compilation, caches and allocators are not what you want to time);
* repeat, and report the median with its spread (the inter-quartile range);
* compare two variants only from one run, with their repeats interleaved so that a busy
  neighbour or a clock change hits both alike.
"""

from __future__ import annotations

import statistics
import timeit
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["Timing", "format_seconds", "time_it", "compare", "speedup", "bar_chart"]


def format_seconds(seconds: float) -> str:
    """Format a duration with a readable unit: ``format_seconds(0.00012) == '120 µs'``."""
    if not isinstance(seconds, (int, float)) or seconds != seconds or seconds < 0:
        raise ValueError(f"format_seconds needs a non-negative number of seconds, got {seconds!r}")
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


@dataclass(frozen=True)
class Timing:
    """Per-call durations (seconds) of one variant, one entry per repeat."""

    label: str
    times: tuple[float, ...]
    number: int = 1

    def __post_init__(self) -> None:
        if not self.times:
            raise ValueError(f"Timing {self.label!r} has no measurements")

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def iqr(self) -> tuple[float, float]:
        """25th and 75th percentile (equal to the single value when there is one repeat)."""
        if len(self.times) < 2:
            return (self.times[0], self.times[0])
        q = statistics.quantiles(self.times, n=4, method="inclusive")
        return (q[0], q[2])

    def __str__(self) -> str:
        lo, hi = self.iqr
        return (
            f"{self.label}: median {format_seconds(self.median)} per call "
            f"(IQR {format_seconds(lo)}-{format_seconds(hi)}, {len(self.times)} repeats x {self.number} calls)"
        )


def _check(fn: Callable[[], object], warmup: int, repeats: int, number: int | None) -> None:
    if not callable(fn):
        raise TypeError(f"expected a callable taking no arguments, got {type(fn).__name__}")
    if not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"warmup must be an integer >= 0, got {warmup!r}")
    if not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be an integer >= 1, got {repeats!r}")
    if number is not None and (not isinstance(number, int) or number < 1):
        raise ValueError(f"number must be None (choose automatically) or an integer >= 1, got {number!r}")


def _auto_number(timer: timeit.Timer, target: float) -> int:
    """Calls per repeat so that one repeat lasts at least ``target`` seconds (like ``timeit.autorange``)."""
    number = 1
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= target or number >= 1_000_000:
            return number
        # grow towards the target instead of the 1-2-5 ladder: fewer wasted calls for slow functions
        number = max(number * 2, int(number * target / max(elapsed, 1e-9) * 1.2))


def time_it(
    fn: Callable[[], object],
    *,
    label: str = "",
    warmup: int = 1,
    repeats: int = 7,
    number: int | None = None,
    min_repeat_time: float = 0.05,
) -> Timing:
    """Time ``fn()``: ``warmup`` untimed calls, then ``repeats`` timed runs of ``number`` calls each.

    ``number=None`` picks the number of calls so that each repeat lasts at least ``min_repeat_time``
    seconds. Returns a :class:`Timing` with the per-call duration of every repeat.
    """
    name = label or getattr(fn, "__name__", "fn")
    return compare({name: fn}, warmup=warmup, repeats=repeats, number=number,
                   min_repeat_time=min_repeat_time)[name]


def compare(
    variants: Mapping[str, Callable[[], object]],
    *,
    warmup: int = 1,
    repeats: int = 7,
    number: int | None = None,
    min_repeat_time: float = 0.05,
) -> dict[str, Timing]:
    """Time several variants in one run, interleaving their repeats (A B C A B C ...).

    Each variant is warmed up first, then gets its own number of calls per repeat (chosen so that a
    repeat lasts ``min_repeat_time`` unless ``number`` is given). Returns ``{label: Timing}`` in the
    order given, ready for :func:`speedup` and :func:`bar_chart`.
    """
    if not isinstance(variants, Mapping) or not variants:
        raise ValueError("compare needs a non-empty mapping {label: callable}")
    for fn in variants.values():
        _check(fn, warmup, repeats, number)
    timers = {label: timeit.Timer(fn) for label, fn in variants.items()}
    for timer in timers.values():
        if warmup:
            timer.timeit(warmup)
    numbers = {label: number or _auto_number(t, min_repeat_time) for label, t in timers.items()}
    times: dict[str, list[float]] = {label: [] for label in timers}
    for _ in range(repeats):
        for label, timer in timers.items():
            times[label].append(timer.timeit(numbers[label]) / numbers[label])
    return {label: Timing(label, tuple(times[label]), numbers[label]) for label in timers}


def speedup(timings: Mapping[str, Timing], baseline: str, candidate: str) -> float:
    """How many times faster ``candidate`` is than ``baseline`` (ratio of medians, from one run)."""
    for name in (baseline, candidate):
        if name not in timings:
            raise KeyError(f"no timing called {name!r}; measured: {sorted(timings)}")
    return timings[baseline].median / timings[candidate].median


def bar_chart(timings: Mapping[str, Timing], *, title: str, ax=None, relative_to: str | None = None):
    """Horizontal bar chart of median time per call with IQR whiskers; returns the matplotlib Axes.

    With ``relative_to`` the bars are labelled with their speed-up over that variant.
    """
    import matplotlib.pyplot as plt

    if not timings:
        raise ValueError("bar_chart needs at least one Timing")
    if relative_to is not None and relative_to not in timings:
        raise KeyError(f"relative_to={relative_to!r} is not among the timings: {sorted(timings)}")
    labels = list(timings)
    medians = [timings[k].median for k in labels]
    scale, unit = next(((s, u) for s, u in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")) if max(medians) >= s),
                       (1e-9, "ns"))
    lows = [(timings[k].median - timings[k].iqr[0]) / scale for k in labels]
    highs = [(timings[k].iqr[1] - timings[k].median) / scale for k in labels]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.6 * len(labels) + 1.4))
    y = range(len(labels))
    ax.barh(y, [m / scale for m in medians], xerr=[lows, highs], color="#4C72B0", capsize=3)
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()
    ax.set_xlabel(f"median time per call ({unit}), whiskers: IQR")
    ax.set_title(title)
    if relative_to is not None:
        base = timings[relative_to].median
        for i, m in enumerate(medians):  # label just right of the whisker
            ax.annotate(f" {base / m:.2g}x", (m / scale + highs[i], i), va="center", fontsize=9)
        ax.set_xlim(right=max(m / scale + h for m, h in zip(medians, highs, strict=True)) * 1.18)
    ax.figure.tight_layout()
    return ax
