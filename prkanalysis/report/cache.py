"""Cache of executed chapters, so that a rebuild with nothing changed is near-instant.

An executed chapter is stored as ``<cache>/<stem>-<key16>.ipynb`` plus a small JSON
sidecar. The key is the sha256 of everything that can change a chapter's outputs:

* the chapter text;
* every Python source file of the ``prkanalysis`` package except the report builder
  itself (relative path and bytes);
* every file of the evidence base ``data/`` (relative path and bytes: the CSVs and
  ``datapackage.json`` with its declared checksums), and of ``tests/fixtures/`` (small real
  files a chapter may read);
* the Python version and the versions of the packages the chapters compute with.

Chapters that fail are never cached. ``--no-cache`` bypasses reading (results are still
written, so the next plain build is warm).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

#: Packages whose versions enter the cache key and the build information.
VERSIONED_PACKAGES: tuple[str, ...] = (
    "prkanalysis",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "pyarrow",
    "frictionless",
    "ipykernel",
    "nbclient",
    "jupytext",
)


def package_versions(names: Iterable[str] = VERSIONED_PACKAGES) -> dict[str, str]:
    """Installed versions, with ``python`` first; a missing package reads ``"not installed"``.

    Example:
        >>> v = package_versions(["numpy"])
        >>> list(v) == ["python", "numpy"] and v["python"].count(".") == 2
        True
    """
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``.

    Example:
        >>> sha256_bytes(b"")[:12]
        'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def tree_digest(root: Path, pattern: str = "*", exclude: Iterable[str] = ()) -> str:
    """sha256 over the relative paths and bytes of the files under ``root`` matching ``pattern``.

    Files are taken in sorted relative-path order; paths containing any of the ``exclude``
    folder names (e.g. ``"__pycache__"``) are skipped. A missing root digests as empty.

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> a = tree_digest(d)
        >>> _ = (d / "x.csv").write_text("1")
        >>> a != tree_digest(d) == tree_digest(d)
        True
    """
    h = hashlib.sha256()
    if not root.is_dir():
        return h.hexdigest()
    skip = set(exclude) | {"__pycache__", ".ipynb_checkpoints"}
    files = sorted(p for p in root.rglob(pattern) if p.is_file())
    for p in files:
        rel = p.relative_to(root)
        if skip.intersection(rel.parts[:-1]):
            continue
        h.update(rel.as_posix().encode() + b"\0")
        h.update(sha256_bytes(p.read_bytes()).encode() + b"\n")
    return h.hexdigest()


@dataclass(frozen=True)
class CacheContext:
    """The build-wide part of every chapter's cache key.

    Attributes:
        package_digest: Digest of the package sources (report builder excluded).
        data_digest: Digest of the evidence base files.
        versions: Python and package versions.
        extra_digest: Digest of further input folders (fixtures), "" if none.
    """

    package_digest: str
    data_digest: str
    versions: tuple[tuple[str, str], ...]
    extra_digest: str = ""

    @classmethod
    def collect(
        cls, package_dir: Path, data_dir: Path, extra_dirs: tuple[Path, ...] = ()
    ) -> CacheContext:
        """Digest ``package_dir`` (``*.py``, without ``report/``), ``data_dir`` and extras now."""
        return cls(
            package_digest=tree_digest(package_dir, "*.py", exclude=("report",)),
            data_digest=tree_digest(data_dir),
            versions=tuple(package_versions().items()),
            extra_digest=sha256_bytes("".join(tree_digest(d) for d in extra_dirs).encode())
            if extra_dirs
            else "",
        )

    def key(self, notebook_text: str) -> str:
        """The cache key of a chapter with this text in this context.

        Example:
            >>> ctx = CacheContext("p", "d", (("python", "3.11.7"),))
            >>> ctx.key("a") == ctx.key("a") != ctx.key("b")
            True
        """
        payload = json.dumps(
            {
                "notebook": sha256_bytes(notebook_text.encode()),
                "package": self.package_digest,
                "data": self.data_digest,
                "extra": self.extra_digest,
                "versions": list(self.versions),
            },
            sort_keys=True,
        )
        return sha256_bytes(payload.encode())


class AttrDict(dict[str, Any]):
    """A dict whose keys are also attributes, like ``nbformat.NotebookNode``.

    Example:
        >>> AttrDict(cell_type="code").cell_type
        'code'
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


@dataclass(frozen=True)
class CacheEntry:
    """A cached executed chapter.

    Attributes:
        notebook: The executed notebook.
        seconds: Execution time of the run that produced it.
        executed_at: UTC ISO timestamp of that run.
    """

    notebook: Any
    seconds: float
    executed_at: str


class NotebookCache:
    """Executed-notebook store in one folder (safe against concurrent writers).

    Example:
        >>> import tempfile, nbformat
        >>> cache = NotebookCache(Path(tempfile.mkdtemp()))
        >>> cache.get("00-a", "k" * 64) is None
        True
        >>> cache.put("00-a", "k" * 64, nbformat.v4.new_notebook(), 1.5, "2026-01-01T00:00:00Z")
        >>> cache.get("00-a", "k" * 64).seconds
        1.5
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, stem: str, key: str) -> tuple[Path, Path]:
        base = self.folder / f"{stem}-{key[:16]}"
        return base.with_suffix(".ipynb"), base.with_suffix(".json")

    def get(self, stem: str, key: str) -> CacheEntry | None:
        """The entry for ``stem`` under ``key``, or ``None`` (unreadable entries are absent).

        An entry whose notebook file no longer matches the sha256 recorded when it was stored
        (a corrupted or hand-edited file) counts as absent, so the chapter runs again.

        The notebook is parsed with :mod:`json` into attribute dictionaries (not through
        ``nbformat``, whose import alone costs seconds), so a warm rebuild stays fast.
        """
        nb_path, meta_path = self._paths(stem, key)
        if not (nb_path.is_file() and meta_path.is_file()):
            return None
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("key") != key:
                return None
            raw = nb_path.read_bytes()
            if meta.get("sha256") != sha256_bytes(raw):  # corrupted or edited: run again
                return None
            nb = json.loads(raw.decode("utf-8"), object_hook=AttrDict)
            if not isinstance(nb, AttrDict) or nb.get("nbformat") != 4 or "cells" not in nb:
                return None
        except (OSError, ValueError):
            return None
        return CacheEntry(nb, float(meta["seconds"]), str(meta["executed_at"]))

    def put(self, stem: str, key: str, notebook: Any, seconds: float, executed_at: str) -> None:
        """Store an executed chapter (nbformat v4 JSON); older entries of it are removed."""
        self.folder.mkdir(parents=True, exist_ok=True)
        nb_path, meta_path = self._paths(stem, key)
        for old in self.folder.glob(f"{stem}-*.*"):
            if old not in (nb_path, meta_path) and old.stem.rsplit("-", 1)[0] == stem:
                old.unlink(missing_ok=True)
        text = json.dumps(notebook, indent=1, ensure_ascii=False)
        meta = {"key": key, "seconds": seconds, "executed_at": executed_at,
                "sha256": sha256_bytes(text.encode("utf-8"))}
        _atomic_write(nb_path, text)
        _atomic_write(meta_path, json.dumps(meta, indent=1))


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
