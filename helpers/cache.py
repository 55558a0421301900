"""A cache for expensive artefacts (exported SavedModels, encoder features) that cannot go stale.

A cached artefact is found by a key made of everything it was built from: the bytes of its input
files (weights, vocabulary), any other values it depends on (texts, a sequence length), and the
*source code* of the functions and classes that built it. Change one line of the export code and the
key changes, so a stale export is never reused; nobody has to remember to bump a version number.

The cache lives in ``$TFBOOK_CACHE``; without it, in ``.cache/tfbook`` of the book's checkout when the
helpers are imported from one (so a test run never writes under ``~``), else (helpers installed from
a wheel, as in Colab) in ``$XDG_CACHE_HOME/tfbook`` or ``~/.cache/tfbook``. It is only an
optimisation: delete it at any time, and the next run rebuilds what it needs.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["cache_root", "cached_arrays", "cached_dir", "source_digest"]


def cache_root() -> Path:
    """The cache folder (created if missing)."""
    root = os.environ.get("TFBOOK_CACHE")
    if not root:
        checkout = Path(__file__).resolve().parent.parent
        if (checkout / "pyproject.toml").is_file() and (checkout / "notebooks").is_dir():
            root = os.path.join(checkout, ".cache", "tfbook")
        else:
            base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
            root = os.path.join(base, "tfbook")
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _functions_of(obj) -> list:
    """The functions whose source defines ``obj``: itself, or a class's own methods by name."""
    if inspect.isclass(obj):
        found = []
        for name, member in sorted(vars(obj).items()):
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            if isinstance(member, property):
                member = member.fget
            if inspect.isfunction(member):
                found.append((f"{obj.__qualname__}.{name}", member))
        if not found:
            raise TypeError(f"class {obj.__qualname__} defines no functions whose source could be hashed")
        return found
    if inspect.isfunction(obj) or inspect.ismethod(obj):
        return [(obj.__qualname__, obj)]
    raise TypeError(f"cannot hash the source of {obj!r}: pass functions, classes, paths, str or bytes")


def source_digest(*parts) -> str:
    """SHA-256 (hex) of everything an artefact was built from, in order.

    Each part is one of: a function or class (its source code: for a class, the source of every
    function it defines, so it also works for classes defined in a notebook), an ``os.PathLike``
    (the file's bytes), ``bytes``, or ``str`` (any other value, e.g. ``repr`` of a setting).
    """
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, os.PathLike):
            with open(part, "rb") as f:
                digest.update(b"file\0" + hashlib.file_digest(f, "sha256").digest())
        elif isinstance(part, bytes):
            digest.update(b"bytes\0" + hashlib.sha256(part).digest())
        elif isinstance(part, str):
            digest.update(b"str\0" + hashlib.sha256(part.encode()).digest())
        else:
            for name, func in _functions_of(part):
                source = inspect.getsource(func)
                digest.update(b"code\0" + name.encode() + b"\0" + hashlib.sha256(source.encode()).digest())
    return digest.hexdigest()


def _check_key(key: str) -> None:
    if not key or os.sep in key or key.startswith("."):
        raise ValueError(f"a cache key is a plain file name, got {key!r}")


def cached_dir(key: str, build: Callable[[Path], None], *, root: str | os.PathLike | None = None
               ) -> tuple[Path, bool]:
    """The folder cached under ``key``, built by ``build(folder)`` when missing.

    Returns ``(folder, built)``: ``built`` is True when this call ran ``build``. ``build`` writes into
    a staging folder that is renamed into place only when it returns, so a failed or interrupted
    build never leaves a half-written artefact under the key.
    """
    _check_key(key)
    root = Path(root) if root is not None else cache_root()
    root.mkdir(parents=True, exist_ok=True)
    target = root / key
    if target.is_dir():
        return target, False
    staging = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=root))
    try:
        build(staging)
        try:
            os.replace(staging, target)
        except OSError:  # another process finished the same build first: keep its copy
            if not target.is_dir():
                raise
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target, True


def cached_arrays(key: str, compute: Callable[[], dict], *, root: str | os.PathLike | None = None
                  ) -> tuple[dict, bool]:
    """NumPy arrays cached under ``key`` (one ``.npz`` file), computed by ``compute()`` when missing.

    Returns ``(arrays, computed)``. The file is written to a temporary name and renamed, so a
    reader never sees a partial file.
    """
    import numpy as np

    _check_key(key)
    root = Path(root) if root is not None else cache_root()
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"{key}.npz"
    if target.is_file():
        with np.load(target, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}, False
    arrays = {name: np.asarray(value) for name, value in compute().items()}
    fd, tmp = tempfile.mkstemp(prefix=f".{key}-", suffix=".npz", dir=root)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return arrays, True
