"""The PDF: the report's own print page, printed by headless Chromium.

The builder writes ``print.html`` (the whole report on one page: bottom line, verdicts,
limitations, every chapter without its code, the ledger, the sources and the build table) next
to the HTML pages, with the same stylesheet; :func:`print_pdf` prints it with the system
Chromium (``--headless --print-to-pdf``), so the PDF shows exactly what the HTML shows, laid
out by the ``@media print`` rules of ``assets/report.css`` (A4, tables as tables, no text under
7 pt). Nothing is fetched: the page and its assets are local files, and Chromium runs with its
background networking, component updates and sync switched off.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from prkanalysis.errors import PrkError

#: Executables tried in order (after ``PRKANALYSIS_CHROMIUM``).
CHROMIUM_NAMES: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome", "chrome")

#: Flags for a headless, offline print.
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-pdf-header-footer",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--run-all-compositor-stages-before-draw",
    "--generate-pdf-document-outline",
)


def find_chromium() -> str | None:
    """The Chromium executable: ``PRKANALYSIS_CHROMIUM`` if set, else the first on PATH.

    Example:
        >>> find_chromium() is None or Path(find_chromium()).name != ""
        True
    """
    env = os.environ.get("PRKANALYSIS_CHROMIUM", "")
    if env:
        return env if Path(env).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def pdf_page_count(data: bytes) -> int:
    """Number of pages of a PDF (pypdf when installed, else the page objects counted).

    Example:
        >>> pdf_page_count(b"%PDF-1.4 1 0 obj << /Type /Page >> 2 0 obj << /Type /Pages >>")
        1
    """
    try:
        import io

        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # no pypdf, or a PDF it cannot parse: count page objects
        return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def print_pdf(html_path: Path, pdf_path: Path, *, timeout: float = 180.0) -> int:
    """Print a local HTML page to PDF with headless Chromium; return the page count.

    The PDF is written to a temporary file beside ``pdf_path`` and moved into place only
    when it is complete, so a failed or interrupted print never leaves a broken PDF.

    Args:
        html_path: The page (its assets resolve relative to it).
        pdf_path: Where the PDF goes.
        timeout: Seconds before the print is abandoned.

    Returns:
        The number of pages.

    Raises:
        PrkError: No Chromium found, Chromium failed or timed out, or no PDF came out.
    """
    exe = find_chromium()
    if exe is None:
        raise PrkError(
            "no Chromium to print it; the HTML pages are written. For the PDF: "
            "apt-get install chromium (or set PRKANALYSIS_CHROMIUM to a Chromium executable); "
            "or build with --no-pdf"
        )
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=pdf_path.parent, prefix=".print-", suffix=".pdf")
    os.close(fd)
    try:
        with tempfile.TemporaryDirectory(prefix="prk-chromium-") as profile:
            cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                   f"--print-to-pdf={tmp}", html_path.resolve().as_uri()]
            try:
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                      check=False)
            except subprocess.TimeoutExpired as exc:
                raise PrkError(f"Chromium did not print {html_path.name} within {timeout:.0f} s"
                               ) from exc
        data = Path(tmp).read_bytes()
        if done.returncode != 0 or not data.startswith(b"%PDF"):
            tail = (done.stderr or "").strip().splitlines()[-1:] or ["no message"]
            raise PrkError(f"Chromium failed to print {html_path.name} "
                           f"(exit {done.returncode}): {tail[0]}")
        os.replace(tmp, pdf_path)
        return pdf_page_count(data)
    finally:
        Path(tmp).unlink(missing_ok=True)
