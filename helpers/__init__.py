"""Helpers shared by the chapters of the executable TensorFlow best-practices book.

Small on purpose: set-up (:mod:`helpers.env`), the hardware and the claims that depend on it
(:mod:`helpers.hardware`), honest timing (:mod:`helpers.measure`) and offline data (:mod:`helpers.data`).
Importing this package does not import TensorFlow.
"""

from helpers.data import use_packaged_data
from helpers.env import in_colab, quiet_stderr, setup_notebook
from helpers.hardware import GPU, Hardware, check_claim, describe_hardware
from helpers.measure import Timing, bar_chart, compare, format_seconds, speedup, time_it
from helpers.scratch import scratch_dir
from helpers.training import epoch_log

__all__ = [
    "GPU", "Hardware", "Timing", "bar_chart", "check_claim", "compare", "describe_hardware", "epoch_log", "format_seconds",
    "in_colab", "quiet_stderr", "scratch_dir", "setup_notebook", "speedup", "time_it", "use_packaged_data",
]
