"""No number about the leak is typed into a chapter's prose: prose numbers are computed.

Scanned: every Markdown cell of the chapters, and the literal text of the ``story.prose(...)``
/ ``Markdown(...)`` calls in ``remove-input`` cells that are not ``findings`` (the literal
parts of their f-strings; the interpolated values are computed). A numeric token is a run of
digits (with decimal point, thousands separator or exponent) or a spelled-out count.

The allowlist (each entry with its reason) is deliberately short:

- code spans (`` `...` ``): names of code, parameters and commands, not quantities;
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

CHAPTERS = sorted(p.name for p in config.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.py"))

#: (pattern removed before scanning, reason). Order matters: code spans first.
ALLOWLIST: tuple[tuple[str, str], ...] = (
    (r"`[^`\n]*`", "code span: a name of code, a parameter or a command"),
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
    ]
    for text in allowed:
        assert typed_numbers(text) == [], text


def test_prose_literals_skip_interpolations() -> None:
    src = 'x = 3\nstory.prose(f"{x} of {len(y):d} rows", "plain 7")\nprint("9")'
    assert prose_literals(src) == [" of ", " rows", "plain 7"]


def test_allowlist_entries_have_reasons() -> None:
    assert len(ALLOWLIST) <= 10
    for pattern, reason in ALLOWLIST:
        re.compile(pattern)
        assert reason.strip()


@pytest.mark.parametrize("name", CHAPTERS)
def test_no_typed_numbers_in_prose(name: str) -> None:
    found = [(i, tok, text.strip()[:80]) for i, text in _chapter_prose(name)
             for tok in typed_numbers(text)]
    assert not found, f"{name}: typed numbers in prose (cell, token, text): {found}"
