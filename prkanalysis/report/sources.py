r"""The report's sources page and the links from every source id to it.

:func:`read_sources` lists every source of ``data/sources.csv`` with its publisher, date,
grade, URL, archived copy (when a column such as ``archive_url`` holds one) and the evidence
rows that cite it (every resource of ``data/datapackage.json`` with a ``source_ids`` column,
named ``resource row-id``). :func:`link_source_ids` turns each source id in the text of an
HTML page into a link to its entry on the sources page (``sources.html#S008``); text inside
tags, links, scripts and styles is left alone.

Example:
    >>> link_source_ids("<p>see S008 and <a href='x'>S009</a></p>", {"S008", "S009"})
    '<p>see <a class="source" href="sources.html#S008">S008</a> and <a href=\'x\'>S009</a></p>'
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

#: Columns of sources.csv read as an archived copy's URL, first match wins.
ARCHIVE_COLUMNS: tuple[str, ...] = ("archive_url", "archived_url", "archive", "wayback_url")

#: Page name of the sources page inside the report folder.
SOURCES_PAGE = "sources.html"

_SOURCE_ID = re.compile(r"\b(S\d{3,})\b")
_TAG = re.compile(r"(<[^>]*>)")
_SKIP_OPEN = re.compile(r"^<(a|script|style|title|textarea)\b", re.IGNORECASE)
_SKIP_CLOSE = re.compile(r"^</(a|script|style|title|textarea)\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class SourceEntry:
    """One source as the sources page shows it.

    Attributes:
        source_id: ``S001``...
        title: Title of the page or document.
        publisher: Who published it (and the original outlet when it relays one).
        published: Publication date as recorded (with its precision).
        grade: P (primary), T (trade/wire), A (aggregator/relay).
        url: Where it was read.
        archive_url: An archived copy, or "" when none is known.
        cited_by: ``resource row-id`` of every evidence row citing it.
    """

    source_id: str
    title: str
    publisher: str
    published: str
    grade: str
    url: str
    archive_url: str
    cited_by: tuple[str, ...]


def citing_rows(data_dir: Path) -> dict[str, list[str]]:
    """``source id -> ["leak_rates LR07", ...]`` over every resource with ``source_ids``.

    Resources are read from ``datapackage.json`` (path and primary key); the sources table
    itself is skipped. Unreadable or missing files are skipped (the validator reports them).
    """
    out: dict[str, list[str]] = {}
    try:
        descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return out
    for res in descriptor.get("resources", []):
        name = str(res.get("name", ""))
        path = data_dir / str(res.get("path", ""))
        if name == "sources" or not path.is_file() or data_dir.resolve() not in (
            path.resolve().parents
        ):
            continue
        key = (res.get("schema", {}) or {}).get("primaryKey") or []
        key = [key] if isinstance(key, str) else list(key)
        try:
            with path.open(newline="", encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    ids = row.get("source_ids") or ""
                    row_id = " ".join(str(row.get(k, "")) for k in key) or "?"
                    for sid in (s.strip() for s in ids.split(";")):
                        if sid:
                            out.setdefault(sid, []).append(f"{name} {row_id}")
        except (OSError, csv.Error):
            continue
    return out


def read_sources(data_dir: Path) -> list[SourceEntry]:
    r"""Every source of ``data_dir/sources.csv`` with the rows that cite it (empty if absent).

    Example:
        >>> import tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> _ = (d / "sources.csv").write_text("source_id,title,url,grade\nS001,A,https://e.org,P\n")
        >>> [(s.source_id, s.grade, s.cited_by) for s in read_sources(d)]
        [('S001', 'P', ())]
    """
    path = data_dir / "sources.csv"
    if not path.is_file():
        return []
    cited = citing_rows(data_dir)
    entries = []
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            sid = (row.get("source_id") or "").strip()
            if not sid:
                continue
            publisher = (row.get("publisher") or "").strip()
            outlet = (row.get("original_outlet") or "").strip()
            if outlet and outlet != publisher:
                publisher = f"{publisher} (relaying {outlet})" if publisher else outlet
            published = (row.get("published") or "").strip()
            precision = (row.get("published_precision") or "").strip()
            if precision and precision not in ("day",) and published:
                published = f"{published} ({precision})"
            archive = next((row[c].strip() for c in ARCHIVE_COLUMNS if (row.get(c) or "").strip()),
                           "")
            entries.append(SourceEntry(
                source_id=sid,
                title=(row.get("title") or "").strip(),
                publisher=publisher,
                published=published or "undated",
                grade=(row.get("grade") or "").strip(),
                url=(row.get("url") or "").strip(),
                archive_url=archive,
                cited_by=tuple(cited.get(sid, ())),
            ))
    return entries


def link_source_ids(fragment: str, known: Collection[str], page: str = SOURCES_PAGE) -> str:
    """Link every known source id in the text of an HTML fragment to its sources-page entry.

    Transformations: the fragment is split into tags and text; in text outside ``<a>``,
    ``<script>``, ``<style>``, ``<title>`` and ``<textarea>``, each ``S`` + digits id in
    ``known`` becomes ``<a class="source" href="sources.html#ID">ID</a>``.

    Example:
        >>> link_source_ids("S001; S999", {"S001"})
        '<a class="source" href="sources.html#S001">S001</a>; S999'
    """
    if not known:
        return fragment

    def _one(m: re.Match[str]) -> str:
        sid = m.group(1)
        return f'<a class="source" href="{page}#{sid}">{sid}</a>' if sid in known else sid

    parts = _TAG.split(fragment)
    depth = 0
    for i, part in enumerate(parts):
        if i % 2 == 1:  # a tag
            if _SKIP_OPEN.match(part) and not part.endswith("/>"):
                depth += 1
            elif _SKIP_CLOSE.match(part):
                depth = max(0, depth - 1)
        elif depth == 0 and "S" in part:
            parts[i] = _SOURCE_ID.sub(_one, part)
    return "".join(parts)
