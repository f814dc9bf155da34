"""Render executed chapters and the index as static, self-contained HTML.

Nothing in a rendered page is fetched from the network: stylesheets and the one script are
local files in ``assets/``, figures are embedded as ``data:`` URIs, Markdown is rendered
here (markdown-it-py) and code highlighted here (Pygments). External images or scripts that
a notebook might emit are turned into plain links, which a browser does not load.

Cell tags understood (Jupyter Book conventions): ``remove-cell`` (not shown),
``remove-input`` (output only), ``remove-output`` (code only), ``hide-output`` (output
folded), ``findings`` (the chapter's computed findings: highlighted on the page and lifted
into the index summary). Code is folded by default under a per-cell toggle, and a
"show all code" button unfolds every cell.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from prkanalysis.report.execute import strip_ansi
from prkanalysis.report.inline import resolved_source

TEMPLATES_DIR = Path(__file__).parent / "templates"
ASSETS_DIR = Path(__file__).parent / "assets"

#: Output MIME types in order of preference.
MIME_ORDER: tuple[str, ...] = (
    "image/png",
    "image/jpeg",
    "image/svg+xml",
    "text/markdown",
    "text/html",
    "text/latex",
    "text/plain",
)

#: MIME type of ipywidgets views (interactive only; not rendered statically).
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

_EXTERNAL_TAG = re.compile(
    r"<(img|script|iframe|link|source|video|audio|embed|object)\b([^>]*?)"
    r"\b(src|href|data|srcset|poster)\s*=\s*([\"'])((?:https?:)?//[^\"']*)\4([^>]*)>(?:\s*</\1>)?",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", re.MULTILINE)


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


def neutralize_external(fragment: str) -> str:
    """Replace tags that would *load* a remote resource by a plain link to it.

    ``<img src="https://...">``, ``<script src=...>``, ``<iframe>``, ``<link href=...>`` and
    the like become ``<a class="external-ref" href="...">[external img]</a>``, which a
    browser does not fetch. Ordinary ``<a href>`` links are left alone.

    Example:
        >>> neutralize_external('<p><img alt="x" src="https://e.org/a.png"></p>')
        '<p><a class="external-ref" href="https://e.org/a.png">[external img not loaded]</a></p>'
        >>> neutralize_external('<a href="https://e.org">e</a>')
        '<a href="https://e.org">e</a>'
    """

    def _swap(m: re.Match[str]) -> str:
        url = m.group(5)
        return (
            f'<a class="external-ref" href="{url}">[external {m.group(1).lower()} not loaded]</a>'
        )

    return _EXTERNAL_TAG.sub(_swap, fragment)


def markdown_to_html(text: str) -> str:
    r"""Render Markdown (CommonMark + tables + strikethrough) to HTML, externals neutralised.

    Example:
        >>> markdown_to_html("**1.7** lb/day")
        '<p><strong>1.7</strong> lb/day</p>\n'
    """
    return neutralize_external(_markdown().render(text))


def highlight_python(source: str) -> str:
    """Syntax-highlight Python source as an HTML ``<div class="highlight"><pre>`` block.

    Example:
        >>> highlight_python("x = 1").startswith('<div class="highlight"><pre>')
        True
    """
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return str(highlight(source, PythonLexer(), HtmlFormatter(cssclass="highlight")))


def pygments_css() -> str:
    """The Pygments stylesheet for ``.highlight`` blocks (default style)."""
    from pygments.formatters import HtmlFormatter

    return str(HtmlFormatter(style="default").get_style_defs(".highlight"))


def _text(value: Any) -> str:
    """Join a multiline nbformat string (stored as str or list of str)."""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return str(value)


def cell_tags(cell: Mapping[str, Any]) -> frozenset[str]:
    """The tags of a notebook cell (empty when it has none).

    Example:
        >>> sorted(cell_tags({"metadata": {"tags": ["findings", "remove-input"]}}))
        ['findings', 'remove-input']
    """
    return frozenset(cell.get("metadata", {}).get("tags", []) or [])


def pick_mime(data: Mapping[str, Any]) -> str | None:
    """The preferred MIME type present in an output bundle, per :data:`MIME_ORDER`.

    Example:
        >>> pick_mime({"text/plain": "x", "text/html": "<b>x</b>"})
        'text/html'
    """
    for mime in MIME_ORDER:
        if mime in data:
            return mime
    return None


def png_data_uri(b64: str, mime: str = "image/png") -> str:
    r"""A ``data:`` URI for base64 image data as stored in notebooks (newlines removed).

    Example:
        >>> png_data_uri("iVBO\nRw0K")
        'data:image/png;base64,iVBORw0K'
    """
    return f"data:{mime};base64,{''.join(b64.split())}"


def render_output(output: Mapping[str, Any]) -> str:
    """Render one notebook output as an HTML fragment.

    Transformations: ``stream`` -> ``<pre>`` (ANSI removed; stderr styled apart);
    ``error`` -> a red ``<pre>`` with the plain traceback; ``display_data`` and
    ``execute_result`` -> the preferred MIME type (images as ``data:`` URIs, Markdown
    rendered, HTML kept inside a scrollable wrapper with remote loads neutralised, text
    escaped).

    Example:
        >>> render_output({"output_type": "stream", "name": "stdout", "text": "a<b"})
        '<pre class="output output-stream output-stdout">a&lt;b</pre>'
    """
    kind = output.get("output_type")
    if kind == "stream":
        name = output.get("name", "stdout")
        body = html.escape(strip_ansi(_text(output.get("text", ""))))
        return f'<pre class="output output-stream output-{name}">{body}</pre>'
    if kind == "error":
        tb = "\n".join(strip_ansi(line) for line in output.get("traceback", []))
        tb = tb or f"{output.get('ename')}: {output.get('evalue')}"
        return f'<pre class="output output-error">{html.escape(tb)}</pre>'
    data = output.get("data", {}) or {}
    if WIDGET_MIME in data:
        return (
            '<p class="output output-widget">(An interactive control: open the chapter in '
            "JupyterLab to use it. The report shows the chapter run with its parameters.)</p>"
        )
    mime = pick_mime(data)
    if mime is None:
        return ""
    payload = data[mime]
    if mime in ("image/png", "image/jpeg"):
        meta = (output.get("metadata", {}) or {}).get(mime, {}) or {}
        width = f' width="{int(meta["width"])}"' if "width" in meta else ""
        alt = html.escape(_text(data.get("text/plain", "figure")))
        return (
            f'<figure class="output output-image"><img alt="{alt}"{width} '
            f'src="{png_data_uri(_text(payload), mime)}"></figure>'
        )
    if mime == "image/svg+xml":
        b64 = base64.b64encode(_text(payload).encode()).decode()
        return (
            '<figure class="output output-image"><img alt="figure" '
            f'src="data:image/svg+xml;base64,{b64}"></figure>'
        )
    if mime == "text/markdown":
        return f'<div class="output output-markdown">{markdown_to_html(_text(payload))}</div>'
    if mime == "text/html":
        return f'<div class="output output-html">{neutralize_external(_text(payload))}</div>'
    body = html.escape(strip_ansi(_text(payload)))
    return f'<pre class="output output-text">{body}</pre>'


def chapter_title(nb: Any, default: str) -> str:
    """The first level-1 Markdown heading of the notebook, else ``default``.

    Example:
        >>> import nbformat
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# The stop")])
        >>> chapter_title(nb, "03-stoppage")
        'The stop'
    """
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "remove-cell" not in cell_tags(cell):
            m = _HEADING.search(resolved_source(cell))
            if m:
                return m.group(1).strip()
    return default


def chapter_lede(nb: Any) -> str:
    r"""The first prose paragraph of the first Markdown cell (after any headings), or "".

    Example:
        >>> import nbformat
        >>> c = nbformat.v4.new_markdown_cell("# T\n\nWhat it shows.\nMore.\n\nNext.")
        >>> chapter_lede(nbformat.v4.new_notebook(cells=[c]))
        'What it shows. More.'
    """
    for cell in nb.cells:
        if cell.cell_type != "markdown" or "remove-cell" in cell_tags(cell):
            continue
        for para in re.split(r"\n\s*\n", resolved_source(cell)):
            stripped = para.strip()
            if stripped and not stripped.startswith(("#", "|", "-", "*", ">", "```")):
                return " ".join(line.strip() for line in stripped.splitlines())
        return ""
    return ""


def findings_outputs(nb: Any) -> list[Mapping[str, Any]]:
    """The rich outputs of the cells tagged ``findings`` (streams and errors excluded).

    A Markdown cell tagged ``findings`` counts as one Markdown output (its inline values
    filled in).

    Example:
        >>> import nbformat
        >>> c = nbformat.v4.new_code_cell("", metadata={"tags": ["findings"]})
        >>> c.outputs = [nbformat.v4.new_output("display_data", {"text/markdown": "- a"})]
        >>> len(findings_outputs(nbformat.v4.new_notebook(cells=[c])))
        1
    """
    found: list[Mapping[str, Any]] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "findings" in cell_tags(cell):
            found.append({"output_type": "display_data",
                          "data": {"text/markdown": resolved_source(cell)}})
        if cell.cell_type == "code" and "findings" in cell_tags(cell):
            found.extend(
                o
                for o in cell.get("outputs", [])
                if o.get("output_type") in ("display_data", "execute_result")
            )
    return found


def render_cell(cell: Any, index: int, code: bool = True) -> str:
    """Render one cell (Markdown rendered; code folded under a toggle; tags honoured).

    With ``code=False`` (the printed version) code inputs are left out; outputs stay.

    Example:
        >>> import nbformat
        >>> render_cell(nbformat.v4.new_code_cell("x", metadata={"tags": ["remove-cell"]}), 0)
        ''
    """
    tags = cell_tags(cell)
    if "remove-cell" in tags or cell.cell_type == "raw":
        return ""
    if cell.cell_type == "markdown":
        body = markdown_to_html(resolved_source(cell))
        return f'<div class="cell cell-markdown" id="cell-{index}">{body}</div>'
    classes = ["cell", "cell-code", *sorted(f"tag-{t}" for t in tags if re.match(r"^[\w-]+$", t))]
    parts = [f'<section class="{" ".join(classes)}" id="cell-{index}">']
    source = _text(cell.source)
    if code and source.strip() and "remove-input" not in tags:
        parts.append(
            '<details class="cell-input"><summary>'
            f'<span class="cell-label">code [{index}]</span></summary>'
            f"{highlight_python(source)}</details>"
        )
    outputs = [] if "remove-output" in tags else list(cell.get("outputs", []))
    rendered = "".join(render_output(o) for o in outputs)
    if rendered:
        if "hide-output" in tags:
            parts.append(
                '<details class="cell-output-folded"><summary>output</summary>'
                f'<div class="cell-outputs">{rendered}</div></details>'
            )
        else:
            parts.append(f'<div class="cell-outputs">{rendered}</div>')
    parts.append("</section>")
    return "".join(parts)


def render_cells(nb: Any, code: bool = True) -> str:
    """Render every cell of a notebook, in order (``code=False``: outputs and prose only)."""
    return "\n".join(filter(None, (render_cell(c, i, code) for i, c in enumerate(nb.cells))))


def tagged_markdown_html(nb: Any, tag: str) -> str:
    r"""The Markdown cells tagged ``tag``, inline values filled in, rendered to HTML.

    Example:
        >>> import nbformat
        >>> c = nbformat.v4.new_markdown_cell("**Yes.**", metadata={"tags": ["bottom-line"]})
        >>> tagged_markdown_html(nbformat.v4.new_notebook(cells=[c]), "bottom-line")
        '<p><strong>Yes.</strong></p>\n'
    """
    return "".join(
        markdown_to_html(resolved_source(c))
        for c in nb.cells
        if c.cell_type == "markdown" and tag in cell_tags(c)
    )


def tagged_outputs_html(nb: Any, tag: str) -> str:
    """The rich outputs (figures, tables) of the code cells tagged ``tag``, rendered."""
    return "".join(
        render_output(o)
        for c in nb.cells
        if c.cell_type == "code" and tag in cell_tags(c)
        for o in c.get("outputs", [])
        if o.get("output_type") in ("display_data", "execute_result")
    )


def _cell_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(_cell_str(v) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_cell_str(v)}" for k, v in value.items())
    return str(value)


def slug(text: str) -> str:
    """Lower-case, dash-separated identifier for CSS classes.

    Example:
        >>> slug("Supported with caveats")
        'supported-with-caveats'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class Ledger:
    """The claims ledger as display strings (what the HTML and PDF show).

    Attributes:
        columns: Column names, as in the ledger DataFrame.
        rows: One tuple of strings per claim.
        parameters: The parameters that produced the ledger (the frame's
            ``attrs["params_text"]``; empty if absent).
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    parameters: str = field(default="", repr=False)

    @classmethod
    def from_frame(cls, frame: Any) -> Ledger:
        """Stringify a ledger DataFrame.

        Lists, tuples and mappings inside cells are joined with ``"; "``; missing values
        become empty strings.

        Example:
            >>> import pandas as pd
            >>> Ledger.from_frame(pd.DataFrame({"claim_id": ["C1"], "evidence": [["S1", "S2"]]}))
            Ledger(columns=('claim_id', 'evidence'), rows=(('C1', 'S1; S2'),))
        """
        columns = tuple(str(c) for c in frame.columns)
        rows = tuple(
            tuple(_cell_str(v) for v in row) for row in frame.itertuples(index=False, name=None)
        )
        attrs = getattr(frame, "attrs", None) or {}
        return cls(columns, rows, str(attrs.get("params_text", "")))

    @property
    def id_column(self) -> int:
        """Index of the claim-id column (``claim_id``, else the first)."""
        return self.columns.index("claim_id") if "claim_id" in self.columns else 0

    @property
    def claim_ids(self) -> tuple[str, ...]:
        """The claim ids, in ledger order."""
        return tuple(r[self.id_column] for r in self.rows)

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable form (for the cache)."""
        return {"columns": list(self.columns), "rows": [list(r) for r in self.rows],
                "parameters": self.parameters}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Ledger:
        """Inverse of :meth:`to_json`.

        Example:
            >>> led = Ledger(("claim_id",), (("C1",),))
            >>> Ledger.from_json(led.to_json()) == led
            True
        """
        return cls(tuple(obj["columns"]), tuple(tuple(r) for r in obj["rows"]),
                   str(obj.get("parameters", "")))

    def summary(self) -> str:
        """One line per claim: id and verdict (if there is a verdict column)."""
        v = self.columns.index("verdict") if "verdict" in self.columns else None
        return "\n".join(
            f"{r[self.id_column]}: {r[v] if v is not None else ''}".rstrip(": ") for r in self.rows
        )


#: Ledger columns whose long values are folded under a toggle in the HTML table.
FOLDED_LEDGER_COLUMNS: tuple[str, ...] = ("evidence", "rule")


def _ledger_cell(col: str, value: str) -> str:
    text = html.escape(value)
    if col == "verdict":
        return f'<span class="verdict verdict-{slug(value)}">{text}</span>'
    if col in FOLDED_LEDGER_COLUMNS and len(value) > 60:
        items = [v for v in value.split("; ") if v.strip()]
        label = f"{len(items)} items" if col == "evidence" and len(items) > 1 else "show"
        return f'<details class="cell-fold"><summary>{label}</summary>{text}</details>'
    return text


def ledger_table_html(ledger: Ledger, *, fold: bool = True) -> str:
    """The claims ledger as an HTML table (``id="ledger"``), verdicts as styled badges.

    A ``ledger-params`` paragraph states the parameters that produced the ledger (if known).
    Each row carries ``data-claim-id``; each cell a ``col-<column>`` class. Long values in
    the :data:`FOLDED_LEDGER_COLUMNS` are folded under a ``<details>`` toggle (``fold=False``
    for print). Source ids are linked to the sources page by the page-wide pass
    (:func:`prkanalysis.report.sources.link_source_ids`).

    Example:
        >>> led = Ledger(("claim_id", "verdict"), (("C2", "supported"),))
        >>> 'data-claim-id="C2"' in ledger_table_html(led)
        True
    """
    head = "".join(
        f'<th class="col-{slug(c)}">{html.escape(c.replace("_", " "))}</th>' for c in ledger.columns
    )
    body = []
    for row in ledger.rows:
        cells = "".join(
            f'<td class="col-{slug(col)}">'
            f"{_ledger_cell(col, value) if fold else _plain_cell(col, value)}</td>"
            for col, value in zip(ledger.columns, row, strict=True)
        )
        claim = html.escape(row[ledger.id_column]) if row else ""
        body.append(f'<tr data-claim-id="{claim}">{cells}</tr>')
    params = (
        f'<p class="ledger-params">Parameters: {html.escape(ledger.parameters)}</p>'
        if ledger.parameters
        else ""
    )
    return (
        f'{params}<div class="table-wrap"><table id="ledger" class="ledger">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _plain_cell(col: str, value: str) -> str:
    text = html.escape(value)
    if col == "verdict":
        return f'<span class="verdict verdict-{slug(value)}">{text}</span>'
    return text


#: Columns of the compact verdict table on the index (those present are shown).
VERDICT_TABLE_COLUMNS: tuple[str, ...] = ("claim_id", "claim", "verdict")


def verdict_table_html(ledger: Ledger) -> str:
    """The compact verdict table of the index: claim id, claim, verdict (``id="verdict-table"``).

    Example:
        >>> led = Ledger(("claim_id", "claim", "verdict", "caveat"),
        ...              (("C2", "x", "supported", "y"),))
        >>> html_text = verdict_table_html(led)
        >>> 'id="verdict-table"' in html_text and "caveat" not in html_text
        True
    """
    cols = [c for c in VERDICT_TABLE_COLUMNS if c in ledger.columns]
    idx = [ledger.columns.index(c) for c in cols]
    head = "".join(f'<th class="col-{slug(c)}">{html.escape(c.replace("_", " "))}</th>'
                   for c in cols)
    body = "".join(
        f'<tr data-claim-id="{html.escape(row[ledger.id_column])}">'
        + "".join(f'<td class="col-{slug(c)}">{_plain_cell(c, row[i])}</td>'
                  for c, i in zip(cols, idx, strict=True))
        + "</tr>"
        for row in ledger.rows
    )
    return (f'<table id="verdict-table" class="verdict-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


@dataclass(frozen=True)
class ChapterPage:
    """What the templates need to know about one chapter.

    Attributes:
        stem: Chapter file stem (``"01-five-year-history"``).
        title: Chapter title (first heading).
        href: Relative link to the chapter page.
        lede: One-paragraph description.
        status: ``"ok"`` or ``"failed"``.
        seconds: Execution time of the run shown.
        cache: ``"hit"`` or ``"miss"``.
        executed_at: UTC timestamp of that run.
        findings_html: Rendered findings outputs.
        failure_text: The failure description (empty when it ran).
        failure_cell: Index of the failing cell (-1 if none).
    """

    stem: str
    title: str
    href: str
    lede: str = ""
    status: str = "ok"
    seconds: float = 0.0
    cache: str = "miss"
    executed_at: str = ""
    findings_html: str = ""
    failure_text: str = ""
    failure_cell: int = -1


@dataclass(frozen=True)
class BuildInfo:
    """Provenance printed on the index page.

    Attributes:
        built_at: UTC build time.
        git_commit: Commit hash (with ``+dirty`` if the tree has changes), or "unknown".
        versions: ``(package, version)`` pairs, python first.
        checksums: ``(file, expected, actual, ok)`` for every descriptor resource.
        checksum_note: Why checksums could not be verified (empty if they were).
        total_seconds: Wall-clock time of the whole build.
    """

    built_at: str
    git_commit: str
    versions: tuple[tuple[str, str], ...]
    checksums: tuple[tuple[str, str, str, bool], ...] = field(default=())
    checksum_note: str = ""
    total_seconds: float = 0.0


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["inline_md"] = lambda text: safe(markdown_inline(str(text)))
    return env


def render_template(name: str, **context: Any) -> str:
    """Render a template of ``templates/`` with autoescaping (``Markup`` marks safe HTML)."""
    return str(_environment().get_template(name).render(**context))


def safe(fragment: str) -> Any:
    """Mark an HTML fragment produced here as safe for the templates."""
    from markupsafe import Markup

    return Markup(fragment)


def markdown_inline(text: str) -> str:
    """Render one line of inline Markdown (emphasis, code, links) to HTML.

    Example:
        >>> markdown_inline("a *b*")
        'a <em>b</em>'
    """
    return neutralize_external(_markdown().renderInline(text))


def render_chapter_page(
    page: ChapterPage,
    nb: Any,
    chapters: Sequence[ChapterPage],
    project_title: str,
) -> str:
    """The full HTML page of one chapter (navigation, failure box, cells)."""
    idx = [c.stem for c in chapters].index(page.stem)
    prev_page = chapters[idx - 1] if idx > 0 else None
    next_page = chapters[idx + 1] if idx + 1 < len(chapters) else None
    return render_template(
        "chapter.html.j2",
        project_title=project_title,
        page=page,
        body=safe(render_cells(nb)),
        prev_page=prev_page,
        next_page=next_page,
        chapters=chapters,
    )


@dataclass(frozen=True)
class IndexContent:
    """What the index (and the printed version) shows besides the chapters.

    Attributes:
        bottom_line_html: The plain-language answer (summary notebook, tag ``bottom-line``).
        limitations_html: The one limitations section (summary notebook, tag ``limitations``).
        verdict_table_html: The compact verdict table (:func:`verdict_table_html`).
        ledger_html: The full ledger table (:func:`ledger_table_html`).
        ledger_note: Why the ledger is missing (empty when it is there).
        timeline_html: The verdict timeline (outputs of cells tagged ``verdict-timeline``).
    """

    bottom_line_html: str = ""
    limitations_html: str = ""
    verdict_table_html: str = ""
    ledger_html: str = ""
    ledger_note: str = ""
    timeline_html: str = ""

    def context(self) -> dict[str, Any]:
        """Template variables (HTML fragments marked safe)."""
        return {
            "bottom_line_html": safe(self.bottom_line_html),
            "limitations_html": safe(self.limitations_html),
            "verdict_table_html": safe(self.verdict_table_html),
            "ledger_html": safe(self.ledger_html),
            "ledger_note": self.ledger_note,
            "timeline_html": safe(self.timeline_html),
        }


def render_index_page(
    chapters: Iterable[ChapterPage],
    content: IndexContent,
    info: BuildInfo,
    project_title: str,
    errors: Sequence[str] = (),
) -> str:
    """The index page: bottom line, verdict table, timeline, chapters, limitations, build."""
    return render_template(
        "index.html.j2",
        project_title=project_title,
        chapters=list(chapters),
        info=info,
        errors=list(errors),
        for_print=False,
        **content.context(),
    )


def render_print_page(
    chapters: Sequence[tuple[ChapterPage, Any]],
    content: IndexContent,
    info: BuildInfo,
    project_title: str,
    sources: Sequence[Any],
    errors: Sequence[str] = (),
) -> str:
    """One page holding the whole report for printing.

    It holds the index content, the chapters (outputs and prose, no code), the full ledger,
    the sources and the build information (without the build time, so an unchanged report
    prints to the same PDF).
    """
    return render_template(
        "print.html.j2",
        project_title=project_title,
        chapters=[c for c, _ in chapters],
        chapter_bodies=[(c, safe(render_cells(nb, code=False))) for c, nb in chapters],
        info=info,
        errors=list(errors),
        sources=list(sources),
        for_print=True,
        **content.context(),
    )
