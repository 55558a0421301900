"""Helpers shared by the chapters of the executable TensorFlow best-practices book.

Small on purpose: set-up (:mod:`helpers.env`), honest timing (:mod:`helpers.measure`) and offline
data (:mod:`helpers.data`). Importing this package does not import TensorFlow.
"""

from helpers.data import use_packaged_data
from helpers.env import in_colab, quiet_stderr, setup_notebook
from helpers.measure import Timing, bar_chart, compare, format_seconds, speedup, time_it

__all__ = [
    "Timing", "bar_chart", "compare", "format_seconds", "in_colab", "quiet_stderr", "setup_notebook", "speedup",
    "time_it", "use_packaged_data",
]
