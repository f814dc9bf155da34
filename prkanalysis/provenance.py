"""Checksums of the evidence files recorded in ``data/datapackage.json``.

Every resource in the Frictionless descriptor carries ``hash`` (``"sha256:<hex>"``) and
``bytes`` (file size). The loader refuses a file whose digest differs, so after a deliberate
edit of a CSV the descriptor must be refreshed: ``make rehash`` (or
``python -m prkanalysis.provenance``) calls :func:`update_hashes`.

Only :func:`update_hashes` writes, and only the descriptor; the CSV files are never touched.

Example:
    >>> from prkanalysis.provenance import stale_resources
    >>> stale_resources()  # the committed descriptor matches the committed files
    []
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from prkanalysis import config
from prkanalysis.errors import DataValidationError

__all__ = ["file_record", "is_safe_path", "main", "sha256_file", "stale_resources",
           "update_hashes"]

_PREFIX = "sha256:"


def sha256_file(path: str | Path) -> str:
    """Return the sha256 digest of a file's bytes as 64 lowercase hex characters.

    The file is read in 1 MiB blocks, so large files do not need to fit in memory. The
    descriptor stores the digest with a ``"sha256:"`` prefix; this function returns it bare.

    Args:
        path: The file to hash.

    Returns:
        The hex digest (no prefix).

    Raises:
        DataValidationError: If ``path`` is not an existing file (names the file).

    Example:
        >>> import tempfile, os
        >>> with tempfile.NamedTemporaryFile(delete=False) as f:
        ...     _ = f.write(b"abc")
        >>> sha256_file(f.name)[:16]
        'ba7816bf8f01cfea'
        >>> os.unlink(f.name)
    """
    p = Path(path)
    if not p.is_file():
        raise DataValidationError("file to hash does not exist", file=p.name)
    h = hashlib.sha256()
    with p.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_record(path: str | Path) -> dict[str, Any]:
    """Return the ``hash`` and ``bytes`` entries a resource should carry for a file.

    Args:
        path: The data file.

    Returns:
        ``{"hash": "sha256:<hex>", "bytes": <size in bytes>}``.

    Example:
        >>> import tempfile, os
        >>> with tempfile.NamedTemporaryFile(delete=False) as f:
        ...     _ = f.write(b"abc")
        >>> rec = file_record(f.name)
        >>> rec["bytes"], rec["hash"][:15]
        (3, 'sha256:ba7816bf')
        >>> os.unlink(f.name)
    """
    p = Path(path)
    return {"hash": _PREFIX + sha256_file(p), "bytes": p.stat().st_size}


def _read(descriptor: Path) -> dict[str, Any]:
    if not descriptor.is_file():
        raise DataValidationError("descriptor not found", file=descriptor.name)
    try:
        desc = json.loads(descriptor.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataValidationError(f"descriptor is not valid JSON: {exc}",
                                  file=descriptor.name) from None
    resources = desc.get("resources") if isinstance(desc, dict) else None
    if not isinstance(resources, list) or not resources:
        raise DataValidationError("descriptor has no 'resources' list", file=descriptor.name)
    for i, res in enumerate(resources):
        if not isinstance(res, dict) or not res.get("name") or not res.get("path"):
            raise DataValidationError(f"resource #{i} lacks a 'name' or a 'path'",
                                      file=descriptor.name)
        if not isinstance(res["path"], str) or not is_safe_path(res["path"]):
            raise DataValidationError(
                f"resource {res['name']!r}: path {res['path']!r} is not safe (it must be "
                "relative to the descriptor's folder, without '..', '~', variables or a "
                "URL scheme)", file=descriptor.name)
    return desc


def is_safe_path(path: str) -> bool:
    """The Frictionless safe-path rule: relative, no ``..``, no ``~``, no variables, no URL.

    Example:
        >>> is_safe_path("leak_rates.csv"), is_safe_path("../../etc/passwd")
        (True, False)
    """
    from urllib.parse import urlparse

    p = path.replace("\\", "/")
    return not (
        Path(p).is_absolute()
        or p.startswith(("/", "~"))
        or ".." in Path(p).parts
        or "$" in p
        or re.search(r"%.+%", p) is not None
        or urlparse(p).scheme != ""
        or "\x00" in p
    )


def stale_resources(descriptor: str | Path = config.DATAPACKAGE) -> list[str]:
    """List the resources whose recorded ``hash`` or ``bytes`` no longer match their file.

    Reads only; nothing is written.

    Args:
        descriptor: Path of ``datapackage.json``; file paths inside it are resolved
            relative to its folder.

    Returns:
        Resource names, in descriptor order, whose file changed (empty when all match).

    Raises:
        DataValidationError: If the descriptor is missing or malformed, or a listed file
            does not exist.

    Example:
        >>> stale_resources()
        []
    """
    descriptor = Path(descriptor)
    desc = _read(descriptor)
    stale: list[str] = []
    for res in desc["resources"]:
        current = file_record(descriptor.parent / str(res["path"]))
        if res.get("hash") != current["hash"] or res.get("bytes") != current["bytes"]:
            stale.append(str(res["name"]))
    return stale


def update_hashes(descriptor: str | Path = config.DATAPACKAGE) -> list[str]:
    """Recompute ``hash`` and ``bytes`` of every resource and rewrite the descriptor.

    For each resource, the file at ``<descriptor folder>/<path>`` is hashed (sha256) and
    measured; ``hash`` is set to ``"sha256:<hex>"`` and ``bytes`` to its size. Everything
    else in the descriptor is kept as is, in the same key order. The descriptor is written
    (UTF-8, two-space indent, trailing newline) only when something changed.

    Args:
        descriptor: Path of ``datapackage.json`` (default: the project's).

    Returns:
        Names of the resources whose ``hash`` or ``bytes`` changed, in descriptor order.

    Raises:
        DataValidationError: If the descriptor is missing or malformed, or a listed file
            does not exist.

    Example:
        >>> update_hashes()  # nothing changed since the last rehash
        []
    """
    descriptor = Path(descriptor)
    desc = _read(descriptor)
    changed: list[str] = []
    for res in desc["resources"]:
        current = file_record(descriptor.parent / str(res["path"]))
        if res.get("hash") != current["hash"] or res.get("bytes") != current["bytes"]:
            changed.append(str(res["name"]))
            res.update(current)
    if changed:
        descriptor.write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n",
                              encoding="utf-8")
    return changed


def main() -> int:
    """Refresh the checksums of ``data/datapackage.json`` and print what changed.

    Returns:
        The process exit code (0).
    """
    changed = update_hashes(config.DATAPACKAGE)
    if changed:
        print("updated hash and bytes for: " + ", ".join(changed))
    else:
        print("all checksums already match")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
