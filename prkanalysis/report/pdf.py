"""A printable PDF of the whole report, built with pure-Python fpdf2.

Layout: a title page; "Summary and claims ledger" (each chapter's computed findings and the
ledger table); one section per chapter (a PDF outline entry and a heading each) with the
Markdown prose, the figures, the tables (as their text form) and printed output; and the
build information. Code is left out (it is in the HTML pages). Fonts are the DejaVu TTFs
shipped inside matplotlib, so Unicode such as "→", "≈", "×" renders on any machine.
"""

from __future__ import annotations

import base64
import html
import io
import re
import warnings
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from prkanalysis.report.execute import strip_ansi
from prkanalysis.report.render import (
    WIDGET_MIME,
    BuildInfo,
    ChapterPage,
    Ledger,
    cell_tags,
    findings_outputs,
    markdown_to_html,
    pick_mime,
)

#: Wider or longer HTML tables are printed in their text form instead.
MAX_TABLE_COLUMNS = 9
MAX_TABLE_ROWS = 60

#: Relative PDF column widths of the ledger columns (others get 2).
LEDGER_WEIGHTS = {
    "claim_id": 0.6,
    "claim": 2.0,
    "verdict": 1.3,
    "numbers": 3.0,
    "evidence": 2.6,
    "caveat": 4.0,
    "rule": 3.0,
}

FONT = "DejaVu"
MONO = "DejaVuMono"
_TAG = re.compile(r"<[^>]+>")


def dejavu_dir() -> Path:
    """The folder of DejaVu TTF fonts bundled with matplotlib.

    Example:
        >>> (dejavu_dir() / "DejaVuSans.ttf").is_file()
        True
    """
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _new_pdf(title: str) -> Any:
    from fpdf import FPDF

    class _ReportPDF(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, "", 7)
            self.set_text_color(110, 110, 110)
            self.cell(0, 6, f"{title}  ·  page {self.page_no()}", align="C")
            self.set_text_color(0, 0, 0)

    pdf = _ReportPDF(orientation="P", unit="mm", format="A4")
    fonts = dejavu_dir()
    pdf.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_font(FONT, "I", str(fonts / "DejaVuSans-Oblique.ttf"))
    pdf.add_font(FONT, "BI", str(fonts / "DejaVuSans-BoldOblique.ttf"))
    pdf.add_font(MONO, "", str(fonts / "DejaVuSansMono.ttf"))
    pdf.add_font(MONO, "B", str(fonts / "DejaVuSansMono-Bold.ttf"))
    pdf.add_font(MONO, "I", str(fonts / "DejaVuSansMono-Oblique.ttf"))
    pdf.add_font(MONO, "BI", str(fonts / "DejaVuSansMono-BoldOblique.ttf"))
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(18, 16, 18)
    pdf.set_title(title)
    pdf.set_creator("prkanalysis report builder (fpdf2)")
    return pdf


def html_to_text(fragment: str) -> str:
    """Strip tags and unescape entities: the plain-text fallback for PDF prose.

    Example:
        >>> html_to_text("<p>a &amp; <b>b</b></p>")
        'a & b'
    """
    return html.unescape(_TAG.sub("", fragment)).strip()


def _tag_styles() -> dict[str, Any]:
    """Heading and paragraph styles for fpdf2's HTML rendering (navy headings, spacing)."""
    from fpdf.fonts import TextStyle

    navy = "#10243e"
    sizes = {"h1": 15.0, "h2": 13.0, "h3": 11.5, "h4": 10.5, "h5": 10.0, "h6": 10.0}
    styles: dict[str, Any] = {
        tag: TextStyle(font_style="B", font_size_pt=size, color=navy, t_margin=4, b_margin=1.5)
        for tag, size in sizes.items()
    }
    styles["p"] = TextStyle(b_margin=1.5)
    return styles


def _prose(pdf: Any, fragment: str) -> None:
    """Write an HTML fragment (from Markdown) with fpdf2's HTML subset, else as plain text."""
    fragment = re.sub(r"<a class=\"external-ref\"[^>]*>.*?</a>", "", fragment)
    fragment = re.sub(r"<p>", '<p line-height="1.3">', fragment)
    pdf.set_font(FONT, "", 9.5)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pdf.write_html(
                fragment,
                font_family=FONT,
                pre_code_font=MONO,
                tag_styles=_tag_styles(),
                table_line_separators=True,
            )
    except Exception:  # fpdf2's HTML subset rejects some structures: degrade to text
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(0, 4.6, html_to_text(fragment), align="L")
    pdf.set_x(pdf.l_margin)
    pdf.ln(1.5)


def fit_mono_size(pdf_width_mm: float, text: str, largest: float = 7.0) -> float:
    """Monospace font size (pt) at which the longest line of ``text`` fits the width.

    A DejaVu Sans Mono glyph is 0.602 em wide and 1 pt is 0.3528 mm; the size is clamped
    to [4.5, ``largest``] (longer lines then wrap).

    Example:
        >>> fit_mono_size(174.0, "x" * 80), fit_mono_size(174.0, "x" * 140)
        (7.0, 5.5)
    """
    longest = max((len(line) for line in text.splitlines()), default=1)
    size = pdf_width_mm / (0.602 * 0.3528 * max(longest, 1))
    return float(max(4.5, min(largest, int(size * 2) / 2)))


class _TableParser(HTMLParser):
    """Collect the text of ``<th>``/``<td>`` cells, row by row, of the first table."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._tables = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._tables += 1
        elif tag == "tr" and self._tables == 1:
            self.rows.append([])
        elif tag in ("td", "th") and self._tables == 1 and self.rows:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_table_rows(fragment: str) -> list[list[str]]:
    """The cell texts of the first HTML table in ``fragment`` (pandas ``to_html`` style).

    Example:
        >>> html_table_rows("<table><tr><th></th><th>a</th></tr><tr><th>0</th><td>1</td></tr>")
        [['', 'a'], ['0', '1']]
    """
    parser = _TableParser()
    parser.feed(fragment)
    return [r for r in parser.rows if r]


def _table(pdf: Any, rows: list[list[str]]) -> bool:
    """Write rows as a PDF table (first row as headings); False if it cannot fit."""
    width = max(len(r) for r in rows)
    if width > MAX_TABLE_COLUMNS or len(rows) > MAX_TABLE_ROWS:
        return False
    rows = [r + [""] * (width - len(r)) for r in rows]
    pdf.set_font(FONT, "", 6.5 if width > 6 else 7.5)
    pdf.set_x(pdf.l_margin)
    with pdf.table(
        text_align="LEFT", line_height=3.6, padding=0.6, first_row_as_headings=True
    ) as table:
        for values in rows:
            row = table.row()
            for v in values:
                row.cell(v)
    pdf.ln(2)
    return True


def _mono(
    pdf: Any, text: str, size: float | None = None, color: tuple[int, int, int] = (0, 0, 0)
) -> None:
    """Monospace block, sized to fit the longest line when possible, else wrapped."""
    from fpdf.enums import WrapMode

    size = size or fit_mono_size(pdf.epw, text)
    pdf.set_font(MONO, "", size)
    pdf.set_text_color(*color)
    pdf.set_x(pdf.l_margin)
    pdf.multi_cell(0, size * 0.45, text.rstrip("\n"), align="L", wrapmode=WrapMode.CHAR)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1.5)


def _image(pdf: Any, data: bytes) -> None:
    """Embed a raster image at most the text width wide (96 dpi nominal size)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        width_px, height_px = img.size
    width = min(pdf.epw, width_px * 25.4 / 96 * 0.9)
    height = width * height_px / max(width_px, 1)
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.image(io.BytesIO(data), x=pdf.l_margin + (pdf.epw - width) / 2, w=width)
    pdf.ln(2)


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def write_output(pdf: Any, output: Mapping[str, Any]) -> None:
    """Write one notebook output: images embedded, Markdown as prose, the rest as text."""
    kind = output.get("output_type")
    if kind == "stream":
        stderr = output.get("name") == "stderr"
        text = strip_ansi(_text(output.get("text", "")))
        _mono(pdf, text, size=6.0 if stderr else None, color=(150, 95, 0) if stderr else (0, 0, 0))
        return
    if kind == "error":
        tb = "\n".join(strip_ansi(line) for line in output.get("traceback", []))
        _mono(pdf, tb or f"{output.get('ename')}: {output.get('evalue')}", color=(179, 38, 30))
        return
    data = output.get("data", {}) or {}
    if WIDGET_MIME in data:
        return
    mime = pick_mime(data)
    if mime in ("image/png", "image/jpeg"):
        _image(pdf, base64.b64decode("".join(_text(data[mime]).split())))
    elif mime == "text/markdown":
        _prose(pdf, markdown_to_html(_text(data[mime])))
    elif mime == "text/html" and "<table" in _text(data[mime]):
        rows = html_table_rows(_text(data[mime]))
        if not (rows and _table(pdf, rows)) and "text/plain" in data:
            _mono(pdf, strip_ansi(_text(data["text/plain"])))
    elif "text/plain" in data:
        _mono(pdf, strip_ansi(_text(data["text/plain"])))


def _heading(pdf: Any, text: str, size: float = 16) -> None:
    pdf.set_font(FONT, "B", size)
    pdf.set_x(pdf.l_margin)
    pdf.multi_cell(0, size * 0.5, text, align="L")
    pdf.ln(2)


def _ledger_table(pdf: Any, ledger: Ledger) -> None:
    columns, rows = ledger.columns, ledger.rows
    weights = tuple(LEDGER_WEIGHTS.get(c, 2.0) for c in columns)
    pdf.set_font(FONT, "", 6.5)
    if ledger.parameters:
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(0, 3.4, "Parameters: " + ledger.parameters, align="L")
        pdf.ln(1)
    with pdf.table(
        col_widths=weights,
        text_align="LEFT",
        line_height=3.4,
        first_row_as_headings=True,
    ) as table:
        head = table.row()
        for c in columns:
            head.cell(c.replace("_", " "))
        for values in rows:
            row = table.row()
            for v in values:
                row.cell(v)
    pdf.ln(3)


def build_pdf(
    path: Path,
    chapters: Sequence[tuple[ChapterPage, Any]],
    ledger: Ledger | None,
    ledger_note: str,
    info: BuildInfo,
    project_title: str,
) -> int:
    """Write the report PDF and return its page count.

    Args:
        path: Output file (parent folders are created).
        chapters: ``(page, executed notebook)`` pairs in chapter order.
        ledger: The claims ledger, or ``None`` if it could not be computed.
        ledger_note: Shown instead of / above the ledger.
        info: Build provenance.
        project_title: Title of the report.

    Returns:
        The number of pages written.
    """
    pdf = _new_pdf(project_title)
    pdf.add_page()
    pdf.ln(40)
    _heading(pdf, project_title, 22)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(
        0,
        5.5,
        f"Generated {info.built_at} from commit {info.git_commit}.\n"
        "Every number in this document is computed by the chapters from the sourced "
        "evidence base; the HTML report has the code of every cell.",
        align="L",
    )

    pdf.add_page()
    pdf.start_section("Summary and claims ledger", level=0)
    _heading(pdf, "Summary and claims ledger")
    for page, nb in chapters:
        _heading(pdf, page.title, 11.5)
        outputs = findings_outputs(nb)
        if page.status != "ok":
            _mono(pdf, f"chapter failed: {page.failure_text.splitlines()[0]}", color=(179, 38, 30))
        for out in outputs:
            write_output(pdf, out)
        if not outputs and page.status == "ok":
            _prose(pdf, "<p><i>No findings cell in this chapter.</i></p>")
    pdf.add_page(orientation="L")  # seven wide columns read better across the page
    _heading(pdf, "Claims ledger", 13)
    if ledger_note:
        _prose(pdf, f"<p><i>{html.escape(ledger_note)}</i></p>")
    if ledger is not None:
        _ledger_table(pdf, ledger)

    for page, nb in chapters:
        pdf.add_page(orientation="P")
        pdf.start_section(page.title, level=0)
        _heading(pdf, page.title, 17)
        if page.status != "ok":
            _mono(pdf, page.failure_text, color=(179, 38, 30))
        first_heading_done = False
        for cell in nb.cells:
            tags = cell_tags(cell)
            if "remove-cell" in tags or cell.cell_type == "raw":
                continue
            if cell.cell_type == "markdown":
                source = _text(cell.source)
                if not first_heading_done:
                    source = re.sub(r"^\s{0,3}#\s+.*$", "", source, count=1, flags=re.MULTILINE)
                    first_heading_done = True
                if source.strip():
                    _prose(pdf, markdown_to_html(source))
                continue
            if "remove-output" in tags:
                continue
            for out in cell.get("outputs", []):
                write_output(pdf, out)

    pdf.add_page(orientation="P")
    pdf.start_section("Build information", level=0)
    _heading(pdf, "Build information")
    lines = [f"built (UTC): {info.built_at}", f"git commit:  {info.git_commit}", ""]
    lines += [f"{name:14s} {version}" for name, version in info.versions]
    lines.append("")
    for page, _nb in chapters:
        lines.append(f"{page.stem:32s} {page.status:6s} {page.seconds:7.1f} s  cache {page.cache}")
    lines.append("")
    if info.checksum_note:
        lines.append(info.checksum_note)
    for name, _expected, actual, ok in info.checksums:
        lines.append(f"{name:28s} {'ok' if ok else 'MISMATCH'}  sha256 {actual}")
    _mono(pdf, "\n".join(lines), size=7)

    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return int(pdf.page_no())
