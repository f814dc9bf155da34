r"""MyST inline expressions (``{eval}`name```) in Markdown cells: evaluated, stored, rendered.

The chapters write computed values into their prose as MyST inline expressions, e.g.
``The rate rose {eval}`ratio_text` times.``, where ``ratio_text`` is a variable assigned in an
earlier code cell. JupyterLab (jupyterlab-myst) evaluates them in the kernel when the cell is
rendered and stores the results in the cell's metadata under ``user_expressions``; the report
does the same thing headless, so a chapter reads the same in Lab and in the report:

1. during execution (:mod:`prkanalysis.report.execute`), when the executor reaches a Markdown
   cell with inline expressions it sends one silent ``execute_request`` with empty code and the
   expressions as ``user_expressions`` (the Jupyter protocol's way to evaluate expressions
   after the cells run so far), and stores the reply with :func:`store_results`, in the same
   shape jupyterlab-myst writes: ``[{"expression": ..., "result": {"status": "ok", "data":
   {...}, "metadata": {...}}}, ...]``;
2. when rendering (:mod:`prkanalysis.report.render`), :func:`substitute` replaces each role by
   the plain text of its stored result (:func:`result_text`); a role without a stored result
   or with an error result is shown as a marked error and reported by :func:`problems`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

#: Cell-metadata key jupyterlab-myst uses for evaluated inline expressions.
METADATA_KEY = "user_expressions"

#: A MyST ``{eval}`` role: ``{eval}`expr``` (the expression may not contain a backtick).
EVAL_ROLE = re.compile(r"\{eval\}`([^`\n]+)`")

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#+!|~])")


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return str(value)


def expressions(markdown: str) -> list[str]:
    """The inline expressions of a Markdown text, in order, without duplicates.

    Example:
        >>> expressions("k is {eval}`k_text` and {eval}`n` of {eval}`k_text`.")
        ['k_text', 'n']
    """
    seen: dict[str, None] = {}
    for m in EVAL_ROLE.finditer(markdown):
        seen.setdefault(m.group(1).strip(), None)
    return list(seen)


def store_results(cell: Any, reply_expressions: Mapping[str, Any]) -> None:
    """Store a kernel's ``user_expressions`` reply in the cell's metadata (jupyterlab-myst form).

    Transformations: for each expression of the cell, in order, one
    ``{"expression": expr, "result": reply[expr]}`` entry; an expression missing from the
    reply gets an error result naming it.

    Example:
        >>> cell = {"source": "{eval}`x`", "metadata": {}}
        >>> store_results(cell, {"x": {"status": "ok", "data": {"text/plain": "3"},
        ...                            "metadata": {}}})
        >>> cell["metadata"]["user_expressions"][0]["result"]["data"]
        {'text/plain': '3'}
    """
    entries = []
    for expr in expressions(_text(cell["source"])):
        result = reply_expressions.get(expr) or {
            "status": "error",
            "ename": "MissingResult",
            "evalue": f"the kernel returned no value for {expr!r}",
            "traceback": [],
        }
        entries.append({"expression": expr, "result": dict(result)})
    cell["metadata"][METADATA_KEY] = entries


def stored_results(cell: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """``expression -> result`` from a cell's ``user_expressions`` metadata (empty if none)."""
    meta = cell.get("metadata", {}) or {}
    out: dict[str, Mapping[str, Any]] = {}
    for entry in meta.get(METADATA_KEY, []) or []:
        if isinstance(entry, Mapping) and "expression" in entry:
            out[str(entry["expression"])] = entry.get("result", {}) or {}
    return out


def result_text(result: Mapping[str, Any]) -> str | None:
    """The plain text of an ``ok`` result, or ``None`` for an error.

    ``text/markdown`` is used when present, else ``text/plain``; a quoted Python string repr
    (``'abc'`` or ``"abc"``) loses its quotes, as jupyterlab-myst shows it.

    Example:
        >>> result_text({"status": "ok", "data": {"text/plain": "'1.7 lb/day'"}})
        '1.7 lb/day'
        >>> result_text({"status": "ok", "data": {"text/plain": "42"}})
        '42'
        >>> result_text({"status": "error", "ename": "NameError"}) is None
        True
    """
    if result.get("status") != "ok":
        return None
    data = result.get("data", {}) or {}
    if "text/markdown" in data:
        return _text(data["text/markdown"])
    text = _text(data.get("text/plain", ""))
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        import ast

        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
        return str(value)
    return text


def substitute(markdown: str, results: Mapping[str, Mapping[str, Any]]) -> str:
    r"""Replace every ``{eval}`expr``` role by its stored value (Markdown-escaped, in a span).

    A value is wrapped in ``<span class="eval" data-expr="...">``; a role without an ``ok``
    result becomes ``<span class="eval eval-error">``, naming the expression and the error.

    Example:
        >>> ok = {"n": {"status": "ok", "data": {"text/plain": "'5 rows'"}}}
        >>> substitute("We kept {eval}`n`.", ok)
        'We kept <span class="eval" data-expr="n">5 rows</span>.'
        >>> substitute("{eval}`m`", ok)
        '<span class="eval eval-error" data-expr="m">[m: not evaluated]</span>'
    """

    def _one(m: re.Match[str]) -> str:
        expr = m.group(1).strip()
        attr = html.escape(expr, quote=True)
        result = results.get(expr)
        text = result_text(result) if result is not None else None
        if text is None:
            why = "not evaluated" if result is None else str(result.get("ename", "error"))
            return (
                f'<span class="eval eval-error" data-expr="{attr}">'
                f"[{html.escape(expr)}: {html.escape(why)}]</span>"
            )
        body = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
        return f'<span class="eval" data-expr="{attr}">{body}</span>'

    return EVAL_ROLE.sub(_one, markdown)


def resolved_source(cell: Mapping[str, Any]) -> str:
    """A Markdown cell's source with its inline expressions replaced by their stored values."""
    source = _text(cell.get("source", ""))
    if "{eval}" not in source:
        return source
    return substitute(source, stored_results(cell))


def problems(cells: Sequence[Mapping[str, Any]]) -> list[tuple[int, str, str]]:
    """``(cell index, expression, reason)`` for every inline expression without an ok value.

    Example:
        >>> problems([{"cell_type": "markdown", "source": "{eval}`x`", "metadata": {}}])
        [(0, 'x', 'not evaluated')]
    """
    found: list[tuple[int, str, str]] = []
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        results = stored_results(cell)
        for expr in expressions(_text(cell.get("source", ""))):
            result = results.get(expr)
            if result is None:
                found.append((i, expr, "not evaluated"))
            elif result.get("status") != "ok":
                found.append(
                    (i, expr, f"{result.get('ename', 'error')}: {result.get('evalue', '')}")
                )
    return found
