"""No number about the leak is typed into a chapter's prose: prose numbers are computed.

A number in a chapter's Markdown must come from a MyST inline expression (``{eval}`name```,
where ``name`` is a plain variable assigned in an earlier code cell, evaluated in the kernel
by JupyterLab and by the report) or be on the documented allowlist below.

Scanned: every Markdown cell of the chapters (inline expressions removed first), and the
literal text of any remaining ``story.prose(...)`` / ``Markdown(...)`` calls in ``remove-input``
cells that are not ``findings`` (the literal parts of their f-strings). A numeric token is a
run of digits (with decimal point, thousands separator or exponent) or a spelled-out count.
Also checked: every inline expression is a plain variable name (not an expression that could
hold a typed number such as ``{eval}`3.7```) and is assigned in an earlier code cell.

The allowlist (each entry with its reason) is deliberately short:

- ``{eval}`name``` roles: the value is computed in the kernel;
- code spans (`` `...` ``) whose digits all belong to identifiers: names of code, parameters
  and commands, not quantities (a span holding a bare number, `` `3.7` ``, is still flagged);
- identifiers that contain digits (``p0``, ``Misra1a``, ``E2021-07``, ``ratios_2024``):
  names, not quantities;
- a four-digit calendar year 1998-2026 standing alone (alone or in a range such as
  2019-2026): dates name the periods of the record and are not computed quantities;
- the chapter id ``00``-``05`` in the chapter heading or after the word "chapter": names;
- ``5x5`` / ``5×5``: the name of the NASA risk-matrix rating, quoted as its name;
- list markers at the start of a line (``1.``, ``2)``): layout;
- the ``1`` of ``ln(1 - x)`` in a formula: mathematics, not a quantity;
- ``40 CFR 1065.644``: the citation of a regulation (its worked example is a reference);
- a software version after ``strucchange``: provenance of a reference output.

Number words checked: two to twelve, the tens, hundred, thousand, million, dozen, twice,
thrice, half, third(s), quarter(s) and any ``-fold``. Not checked: "one" (mostly a pronoun,
"the one implementation") and "double"/"doubled" (NASA's own word, the claim chapter 02 tests).
"""

from __future__ import annotations

import ast
import re

import pytest

from prkanalysis import config

CHAPTERS = [*sorted(p.name for p in config.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.py")), "summary.py"]

#: (pattern removed before scanning, reason). Order matters: code spans first.
ALLOWLIST: tuple[tuple[str, str], ...] = (
    (r"\{eval\}`[^`\n]+`", "inline expression: the value is computed in the kernel"),
    (r"`(?:[^`\n\d]|(?<=\w)\d)*`", "code span whose digits belong to names (code, commands)"),
    (r"(?m)^#\s+0[0-5]\s", "chapter id in the chapter heading"),
    (r"(?i)\bchapters?\s+0[0-5]\b", "chapter id after the word 'chapter'"),
    (r"\b5\s*[x×]\s*5\b", "'5x5' is the name of the risk rating"),
    (r"\b40 CFR 1065\.644\b", "citation of a regulation"),
    (r"\bstrucchange \d+(?:\.\d+)*(?:-\d+)?", "software version of a reference output"),
    (r"(?m)^\s*\d+[.)]\s", "list marker"),
    (r"\bln\(1\s*[-+]", "the 1 of ln(1 - x) in a formula"),
    (r"\b[A-Za-z_][\w]*\d[\w]*(?:-\d+)*\b", "identifier containing digits (a name)"),
    (r"(?<![\d.,])(?:199[89]|20[01]\d|202[0-6])(?![\d.,]\d)", "calendar year 1998-2026"),
)

_NUMBER_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|"
    r"dozens?|twice|thrice|half|halves|thirds?|quarters?|\w+fold"
)
_NUMERIC = re.compile(
    r"\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?|\b(?:" + _NUMBER_WORDS + r")\b", re.IGNORECASE
)


def typed_numbers(text: str) -> list[str]:
    """The numeric tokens of ``text`` left after removing the allowlisted spans.

    Example:
        >>> typed_numbers("In 2024 the rate was 3.7 lb/day, five times the 5x5 `p0`.")
        ['3.7', 'five']
    """
    for pattern, _reason in ALLOWLIST:
        text = re.sub(pattern, " ", text)
    return [m.group(0) for m in _NUMERIC.finditer(text)]


def _literal_text(node: ast.AST) -> list[str]:
    """String literals under ``node``, skipping interpolated values (computed)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.FormattedValue):
        return []
    out: list[str] = []
    for child in ast.iter_child_nodes(node):
        out.extend(_literal_text(child))
    return out


def prose_literals(source: str) -> list[str]:
    """Literal text passed to ``prose(...)`` or ``Markdown(...)`` calls in a code cell.

    Example:
        >>> prose_literals('story.prose(f"k = {k:.2f} over 5 days", "x")')
        ['k = ', ' over 5 days', 'x']
    """
    out: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in ("prose", "Markdown"):
                for arg in node.args:
                    out.extend(_literal_text(arg))
    return out


def _chapter_prose(name: str) -> list[tuple[int, str]]:
    jupytext = pytest.importorskip("jupytext")
    nb = jupytext.read(config.NOTEBOOKS_DIR / name, fmt="py:percent")
    texts: list[tuple[int, str]] = []
    for i, cell in enumerate(nb.cells):
        tags = set(cell.metadata.get("tags", []))
        if cell.cell_type == "markdown":
            texts.append((i, cell.source))
        elif cell.cell_type == "code" and "remove-input" in tags and "findings" not in tags:
            texts.extend((i, t) for t in prose_literals(cell.source))
    return texts


def test_checker_flags_planted_numbers() -> None:
    planted = [
        "The same hole carries 7.6 times the mass.",
        "A 1 K warming hides the drift.",
        "Five readings leave two degrees of freedom.",
        "The volume is 3-8 m³.",
        "It fell threefold; 1,400 g a day; 2.9657e-4 mol/s; a 95% interval.",
        "Chapter 07 and 2031 are not allowed.",
        "The rate was `3.7` lb/day.",
        "Typed beside a value: {eval}`rate_text` and 1.4 lb/day.",
    ]
    for text in planted:
        assert typed_numbers(text), text
    assert typed_numbers("It fell threefold; 1,400 g a day; 2.9657e-4 mol/s.") == [
        "threefold", "1,400", "2.9657e-4"]


def test_checker_allows_the_allowlist() -> None:
    allowed = [
        "# 03 · What a hold can show",
        "History: 2019-2026, from September 2019 to June 2026 (see chapter 01).",
        "The risk was rated 5x5 (5×5); `TEMPERATURE_DRIFT_K` and `ratios_2024`.",
        "p(t) = p0 exp(-k t) for E2021-07 and Misra1a; k = -ln(1 - dp/p)/t.",
        "1. first item\n2) second item",
        "the 40 CFR 1065.644 example, strucchange 1.5-4",
        "one k per closed segment; NASA said it had doubled",
        "The rate rose {eval}`ratio_2024_text` times to {eval}`rate_2024`.",
    ]
    for text in allowed:
        assert typed_numbers(text) == [], text


def test_prose_literals_skip_interpolations() -> None:
    src = 'x = 3\nstory.prose(f"{x} of {len(y):d} rows", "plain 7")\nprint("9")'
    assert prose_literals(src) == [" of ", " rows", "plain 7"]


def test_allowlist_entries_have_reasons() -> None:
    assert len(ALLOWLIST) <= 11
    for pattern, reason in ALLOWLIST:
        re.compile(pattern)
        assert reason.strip()


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_typed_numbers_in_prose(name: str) -> None:
    found = [(i, tok, text.strip()[:80]) for i, text in _chapter_prose(name)
             for tok in typed_numbers(text)]
    assert not found, f"{name}: typed numbers in prose (cell, token, text): {found}"


def eval_problems(cells: list[tuple[str, str]]) -> list[tuple[int, str, str]]:
    """``(cell, expression, reason)`` for inline expressions that are not plain variables
    assigned in an earlier code cell (``cells``: ``(cell_type, source)`` in order).

    Example:
        >>> eval_problems([("code", "k = 1"), ("markdown", "{eval}`k` {eval}`2.5` {eval}`m`")])
        [(1, '2.5', 'not a plain variable name'), (1, 'm', 'not assigned in an earlier code cell')]
    """
    assigned: set[str] = set()
    found: list[tuple[int, str, str]] = []
    for i, (kind, source) in enumerate(cells):
        if kind == "code":
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    assigned.add(node.id)
                elif isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
                    assigned.add(node.name)
                elif isinstance(node, ast.Import | ast.ImportFrom):
                    assigned.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif kind == "markdown":
            for m in re.finditer(r"\{eval\}`([^`\n]+)`", source):
                expr = m.group(1).strip()
                if not expr.isidentifier():
                    found.append((i, expr, "not a plain variable name"))
                elif expr not in assigned:
                    found.append((i, expr, "not assigned in an earlier code cell"))
    return found


def test_eval_checker_catches_planted_expressions() -> None:
    cells = [("markdown", "{eval}`early`"), ("code", "early = 1\nfrom x import y as z"),
             ("markdown", "{eval}`early` {eval}`z` {eval}`3.7` {eval}`early * 2`")]
    assert eval_problems(cells) == [
        (0, "early", "not assigned in an earlier code cell"),
        (2, "3.7", "not a plain variable name"),
        (2, "early * 2", "not a plain variable name"),
    ]


@pytest.mark.parametrize("name", CHAPTERS)
def test_inline_values_are_plain_names_assigned_before_use(name: str) -> None:
    jupytext = pytest.importorskip("jupytext")
    nb = jupytext.read(config.NOTEBOOKS_DIR / name, fmt="py:percent")
    found = eval_problems([(c.cell_type, c.source) for c in nb.cells])
    assert not found, f"{name}: inline expressions (cell, expression, reason): {found}"


PROSE_BUILDERS = ("prose", "Markdown", "findings_markdown")


def prose_calls(source: str) -> list[str]:
    """Calls that assemble prose in a code cell (``story.prose``, ``Markdown``, ...).

    Example:
        >>> prose_calls('display(Markdown(f"{x} rows"))\\ntext.findings("T", values)')
        ['Markdown']
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in PROSE_BUILDERS:
                found.append(name)
    return found


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_prose_assembled_in_code_cells(name: str) -> None:
    jupytext = pytest.importorskip("jupytext")
    nb = jupytext.read(config.NOTEBOOKS_DIR / name, fmt="py:percent")
    found = [(i, call) for i, c in enumerate(nb.cells) if c.cell_type == "code"
             for call in prose_calls(c.source)]
    assert not found, f"{name}: prose built in code (cell, call): {found}; use Markdown + {{eval}}"
