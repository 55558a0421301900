"""Offline data: make the canonical Keras loaders find packaged copies instead of downloading.

The tested path of the book never downloads. Fashion-MNIST ships in the Debian package
``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``); linking its four files into the
Keras cache makes ``keras.datasets.fashion_mnist.load_data()`` return the real arrays unchanged.
On a machine without the package (Colab, say) nothing is linked and Keras downloads as usual.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PACKAGED_DATASETS", "keras_cache_dir", "use_packaged_data"]

# Keras loader name -> (cache sub-folder used by the loader, packaged folder, files the loader reads)
PACKAGED_DATASETS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "fashion_mnist": (
        "fashion-mnist",
        "/usr/share/datasets/fashion-mnist",
        ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"),
    ),
}


def keras_cache_dir() -> Path:
    """The folder Keras caches datasets in: ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets"


def use_packaged_data(name: str, *, source: str | os.PathLike | None = None, require: bool = False) -> bool:
    """Link a packaged copy of dataset ``name`` into the Keras cache, if one is on this machine.

    Returns True when the Keras loader will now read local files, False when no packaged copy exists
    (the loader will then download, which needs the internet). With ``require=True`` a missing copy
    is an error instead. ``source`` overrides the packaged folder (used by the tests).
    """
    if name not in PACKAGED_DATASETS:
        raise ValueError(f"no packaged copy known for dataset {name!r}; known: {sorted(PACKAGED_DATASETS)}")
    subdir, default_source, files = PACKAGED_DATASETS[name]
    src = Path(source) if source is not None else Path(default_source)
    missing = [f for f in files if not (src / f).is_file()]
    if missing:
        if require:
            raise FileNotFoundError(
                f"packaged {name} not found: {src} lacks {missing}. On Debian/Ubuntu install it with "
                f"`apt-get install dataset-fashion-mnist` (`.ci/run` does), or run where Keras can download."
            )
        return False
    dest = keras_cache_dir() / subdir
    dest.mkdir(parents=True, exist_ok=True)
    for f in files:
        target = dest / f
        if target.is_symlink() and target.resolve() == (src / f).resolve():
            continue
        if target.exists() or target.is_symlink():
            target.unlink()
        target.symlink_to((src / f).resolve())
    return True
