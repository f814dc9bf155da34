"""Numbers and counts formatted for prose, and the chapters' machine-readable findings.

Chapters assign preformatted strings (``fmt``, ``count_word``, ``interval_text``) to plain
variables and write them into Markdown cells as ``{eval}`name```. The last cell of a chapter
(tagged ``findings``) displays :func:`findings`: a Markdown list for readers and the same
values as ``application/json`` for tests (``tests/test_consistency.py`` compares them with the
ledger's). Nothing here selects evidence or computes an estimate.

Example:
    >>> fmt(2.4999), count_word(3), interval_text(1.333, float("inf"))
    ('2.5', 'three', '1.3 to unbounded')
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "FINDINGS_MIME",
    "count_word",
    "findings",
    "findings_markdown",
    "fmt",
    "interval_text",
    "jsonable",
    "prose",
]

#: MIME type of the machine-readable findings output.
FINDINGS_MIME = "application/json"


def fmt(x: float | None, digits: int = 2) -> str:
    """Format a computed number for prose: ``digits`` significant figures, no exponent.

    ``None`` and NaN give ``"n/a"``, infinity ``"unbounded"``.

    Example:
        >>> fmt(1.67829), fmt(0.0123456, 3), fmt(float("inf")), fmt(None)
        ('1.7', '0.0123', 'unbounded', 'n/a')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    x = float(x)
    if math.isinf(x):
        return "unbounded"
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    dec = max(0, digits - 1 - mag)
    return f"{x:,.{dec}f}"


def interval_text(low: float | None, high: float | None, digits: int = 2) -> str:
    """``"low to high"`` with :func:`fmt` (``"n/a"`` for a missing end).

    Example:
        >>> interval_text(0.5, 1.25)
        '0.50 to 1.2'
    """
    return f"{fmt(low, digits)} to {fmt(high, digits)}"


_COUNT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve")


def count_word(n: int, *, capital: bool = False) -> str:
    """Spell a computed count for prose: words up to twelve, digits above (thousands grouped).

    Example:
        >>> count_word(5), count_word(2, capital=True), count_word(1234)
        ('five', 'Two', '1,234')
    """
    n = int(n)
    text = _COUNT_WORDS[n] if 0 <= n < len(_COUNT_WORDS) else f"{n:,}"
    return text[:1].upper() + text[1:] if capital else text


def prose(*paragraphs: str) -> Any:
    """Paragraphs as ``IPython.display.Markdown`` (kept for chapters not yet moved to {eval}).

    Example:
        >>> prose("a", "b").data.splitlines()
        ['a', '', 'b']
    """
    from IPython.display import Markdown

    return Markdown("\n\n".join(paragraphs))


def findings_markdown(title: str, items: Sequence[str]) -> Any:
    """A heading and a bullet list, as IPython Markdown (``### title`` then ``- item``).

    Example:
        >>> findings_markdown("Findings", ["a = 1", "b = 2"]).data.splitlines()[0]
        '### Findings'
    """
    from IPython.display import Markdown

    return Markdown(f"### {title}\n\n" + "\n".join(f"- {it}" for it in items) + "\n")


def jsonable(value: Any) -> Any:
    """A value made JSON-safe: NaN -> None, inf -> "inf"/"-inf", numpy scalars -> Python.

    Example:
        >>> jsonable({"a": float("nan"), "b": [float("inf"), 2]})
        {'a': None, 'b': ['inf', 2]}
    """
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def findings(title: str, values: Mapping[str, Any],
             labels: Mapping[str, str] | None = None) -> Any:
    """Display the chapter's findings: a Markdown list and the same values as JSON.

    The Markdown reads ``### title`` then one ``- label: value`` line per key (numbers
    formatted with :func:`fmt`, ``None`` as "cannot be determined"); the JSON output
    (:data:`FINDINGS_MIME`) holds ``{"title": title, "values": values}`` exactly, so a test
    can read the numbers the chapter shows.

    Args:
        title: Heading (e.g. ``"Findings: the evidence"``).
        values: Key -> value (numbers, strings, lists, ``None`` for undetermined).
        labels: Key -> words for the reader (default: the key).

    Returns:
        An object with ``_repr_mimebundle_`` (display it, or make it the cell's last
        expression).

    Example:
        >>> f = findings("Findings", {"n": 3, "low": float("nan")}, {"n": "rates kept"})
        >>> sorted(f._repr_mimebundle_()[0])
        ['application/json', 'text/markdown', 'text/plain']
    """
    return _Findings(title, jsonable(dict(values)), dict(labels or {}))


class _Findings:
    def __init__(self, title: str, values: dict[str, Any], labels: dict[str, str]) -> None:
        self.title, self.values, self.labels = title, values, labels

    def _show(self, v: Any) -> str:
        if v is None:
            return "cannot be determined"
        if v in ("inf", "-inf"):
            return "unbounded"
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, float):
            return fmt(v, 3)
        if isinstance(v, list):
            return ", ".join(self._show(x) for x in v) or "none"
        return str(v)

    def markdown(self) -> str:
        lines = [f"- {self.labels.get(k, k)}: {self._show(v)}" for k, v in self.values.items()]
        return f"### {self.title}\n\n" + "\n".join(lines) + "\n"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None
                          ) -> tuple[dict[str, Any], dict[str, Any]]:
        payload = {"title": self.title, "values": self.values}
        return ({"text/markdown": self.markdown(), FINDINGS_MIME: payload,
                 "text/plain": json.dumps(payload)}, {})
