"""Open the built report in headless Debian Chromium with the network blocked, and check its PDF.

One build of the real chapters per test session (executed-notebook cache shared with
``make report``, output in a temporary folder, or in ``PRKANALYSIS_BROWSER_OUT`` if set).
Every page must load from disk with no request leaving the machine (only ``file:`` and
``data:`` URLs), every image must decode, no cell error may be shown; the index opens with the
bottom line and the verdict table on its first screen (1280 x 800) and lists every claim of
:func:`prkanalysis.claims.ledger`; every source link lands on an entry of the sources page;
every figure has its caption and source line under it. The PDF (printed by Chromium from the
same pages) has the chapters and the ledger in its outline, no text under 7 pt, embedded
fonts, the ledger's claims on the ledger pages, and the build table of the HTML.

Screenshots (git-ignored ``screenshots/``): ``index-first-screen.png`` (the index as a
reviewer first sees it) and ``pdf-ledger-page.png`` (the first ledger page of the PDF,
rendered by pdfium).

Without Chromium (or Playwright) the tests are skipped locally but fail when ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from prkanalysis import config
from prkanalysis.report.build import BuildResult, build_report

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("report-browser")]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    # belt and braces: any request that escaped the route block would go to a dead proxy
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
]
LOCAL_SCHEMES = ("file:", "data:", "about:")
SCREENSHOTS = config.PROJ_ROOT / "screenshots"


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def _chromium_path() -> str:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    _missing("Debian chromium not installed (apt-get install chromium)")
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def report(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    env_out = os.environ.get("PRKANALYSIS_BROWSER_OUT")
    out = Path(env_out) if env_out else tmp_path_factory.mktemp("browser") / "report"
    return build_report(out_dir=out)


@pytest.fixture(scope="module")  # closed before another module starts its own Playwright
def browser() -> Iterator[Any]:
    executable = _chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright not installed (pip install playwright)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageVisit:
    """Load one page with every non-local request aborted and recorded."""

    def __init__(self, browser: Any, path: Path, viewport: dict[str, int] | None = None) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.js_errors: list[str] = []
        self.context = browser.new_context(viewport=viewport or {"width": 1200, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        self.page.on("pageerror", lambda e: self.js_errors.append(str(e)))
        self.response = self.page.goto(path.resolve().as_uri(), wait_until="load")

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()


def test_report_built_cleanly(report: BuildResult) -> None:
    problems = "\n\n".join(report.errors)
    assert report.ok, f"report build had problems:\n{problems}"
    assert len(report.chapters) >= 1


def test_every_page_loads_offline_with_images_and_no_errors(
    report: BuildResult, browser: Any
) -> None:
    for path in report.pages:
        visit = PageVisit(browser, path)
        try:
            page = visit.page
            assert visit.response is None or visit.response.ok, path.name
            assert page.title(), path.name
            outside = [u for u in visit.requests if not u.startswith(LOCAL_SCHEMES)]
            assert not outside, f"{path.name} requested {outside}"
            assert not visit.blocked, f"{path.name} tried {visit.blocked}"
            assert not visit.failed, f"{path.name} failed requests {visit.failed}"
            assert not visit.js_errors, f"{path.name} script errors {visit.js_errors}"
            images = page.eval_on_selector_all(
                "img", "els => els.map(i => [i.src.slice(0, 40), i.complete, i.naturalWidth])"
            )
            bad = [img for img in images if not (img[1] and img[2] > 0)]
            assert not bad, f"{path.name}: undecoded images {bad}"
            shown_errors = page.locator(".output-error, .chapter-failure, .build-failure")
            assert shown_errors.count() == 0, f"{path.name} shows error output"
            stylesheet_applied = page.evaluate(
                "getComputedStyle(document.querySelector('.site-header')).position"
            )
            assert stylesheet_applied == "sticky", "local stylesheet not applied"
        finally:
            visit.close()


def test_chapter_figures_are_present(report: BuildResult, browser: Any) -> None:
    total = 0
    for chapter in report.chapters:
        visit = PageVisit(browser, report.out_dir / chapter.page)
        try:
            total += visit.page.locator("figure img").count()
        finally:
            visit.close()
    assert total >= 1, "no figure in any chapter"


def test_show_all_code_toggle(report: BuildResult, browser: Any) -> None:
    visit = PageVisit(browser, report.out_dir / report.chapters[0].page)
    try:
        page = visit.page
        cells = page.locator("details.cell-input")
        n = cells.count()
        assert n > 0
        assert (
            page.eval_on_selector_all("details.cell-input", "d => d.filter(x => x.open).length")
            == 0
        )
        page.click("#toggle-code")
        opened = page.eval_on_selector_all(
            "details.cell-input", "d => d.filter(x => x.open).length"
        )
        assert opened == n
    finally:
        visit.close()


def test_index_first_screen_has_bottom_line_and_verdicts(report: BuildResult, browser: Any) -> None:
    from prkanalysis.claims import ledger

    frame = ledger()
    expected = [str(c) for c in frame["claim_id"]]
    visit = PageVisit(browser, report.index, viewport={"width": 1280, "height": 800})
    try:
        page = visit.page
        order = page.eval_on_selector_all(
            "main > section", "els => els.map(e => e.id)")
        assert order[:2] == ["bottom-line", "verdicts"], order
        assert "limitations" in order and order.count("limitations") == 1
        bottom = page.inner_text("#bottom-line")
        assert "{eval}" not in bottom and page.locator("#bottom-line .eval-error").count() == 0
        assert page.locator("#bottom-line span.eval").count() >= 5  # computed values
        table_box = page.eval_on_selector(
            "#verdict-table", "t => t.getBoundingClientRect().bottom")
        assert table_box <= 800, f"verdict table ends at {table_box}px, below the first screen"
        shown = page.eval_on_selector_all(
            "#verdict-table tbody tr", "rows => rows.map(r => r.dataset.claimId)")
        assert shown == expected
        assert page.locator("#verdict-table .verdict").count() == len(expected)
        links = page.eval_on_selector_all(
            ".chapter-list a", "els => els.map(a => a.getAttribute('href'))")
        assert links == [c.page for c in report.chapters]
        SCREENSHOTS.mkdir(exist_ok=True)
        shot = SCREENSHOTS / "index-first-screen.png"
        page.screenshot(path=str(shot))  # the first screen only
        assert shot.stat().st_size > 10_000
        print(f"index screenshot: {shot}")
    finally:
        visit.close()


def test_ledger_page_lists_every_claim(report: BuildResult, browser: Any) -> None:
    from prkanalysis.claims import ledger

    expected = [str(c) for c in ledger()["claim_id"]]
    visit = PageVisit(browser, report.out_dir / "ledger.html")
    try:
        shown = visit.page.eval_on_selector_all(
            "#ledger tbody tr", "rows => rows.map(r => r.dataset.claimId)")
        assert shown == expected
    finally:
        visit.close()


def test_every_source_link_lands_on_a_sources_entry(report: BuildResult, browser: Any) -> None:
    import csv

    with (config.DATA_DIR / "sources.csv").open(newline="", encoding="utf-8") as fh:
        ids = [r["source_id"] for r in csv.DictReader(fh)]
    visit = PageVisit(browser, report.out_dir / "sources.html")
    try:
        listed = visit.page.eval_on_selector_all(
            ".sources-table tbody tr", "rows => rows.map(r => r.id)")
        assert listed == ids
        cells = visit.page.eval_on_selector_all(
            ".sources-table tbody tr", "rows => rows.map(r => r.cells.length)")
        assert set(cells) == {6}
    finally:
        visit.close()
    targets = set(ids)
    linked = 0
    for path in report.pages:
        visit = PageVisit(browser, path)
        try:
            hrefs = visit.page.eval_on_selector_all(
                "a.source", "els => els.map(a => a.getAttribute('href'))")
            for href in hrefs:
                page_name, _, anchor = href.partition("#")
                assert page_name == "sources.html" and anchor in targets, (path.name, href)
            linked += len(hrefs)
            # a bare source id left unlinked in the text of a page
            bare = visit.page.evaluate(
                r"""() => { const w = document.createTreeWalker(document.body, 4); const out = [];
                  while (w.nextNode()) { const n = w.currentNode;
                    if (n.parentElement.closest('a, script, style, code, pre')) continue;
                    for (const m of n.textContent.matchAll(/\bS\d{3}\b/g)) out.push(m[0]); }
                  return out; }""")
            assert not [b for b in bare if b in targets], (path.name, bare[:5])
        finally:
            visit.close()
    assert linked > 0


def test_figures_have_caption_and_source_line_under_them(
    report: BuildResult, browser: Any
) -> None:
    figures = 0
    for chapter in report.chapters:
        visit = PageVisit(browser, report.out_dir / chapter.page)
        try:
            rows = visit.page.eval_on_selector_all(
                "figure.prk-figure",
                """figs => figs.map(f => { const img = f.querySelector('img');
                     const cap = f.querySelector('figcaption');
                     return [img && cap ? img.getBoundingClientRect().bottom <=
                             cap.getBoundingClientRect().top + 1 : false,
                             cap ? cap.innerText : '', !!f.querySelector('.source-line')]; })""")
            for below, caption, has_source in rows:
                assert below and caption.strip() and has_source, (chapter.page, caption[:80])
            figures += len(rows)
            assert visit.page.locator(".eval-error").count() == 0, chapter.page
            cells = visit.page.eval_on_selector_all(
                ".reader-table td, .reader-table th", "cs => cs.map(c => c.innerText.trim())")
            raw = {"NaN", "nan", "<NA>", "NaT", "inf", "-inf", "None"}
            assert not [c for c in cells if c in raw], chapter.page
        finally:
            visit.close()
    assert figures >= 1


def _pdf_outline(reader: Any) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append((str(item.title), reader.get_destination_page_number(item)))

    walk(reader.outline)
    return out


def test_pdf_pages_fonts_and_ledger_page(report: BuildResult) -> None:
    import math
    import re

    from pypdf import PdfReader

    from prkanalysis.claims import ledger

    assert report.pdf is not None and report.pdf.is_file(), "no PDF"
    reader = PdfReader(str(report.pdf))
    assert len(reader.pages) == report.pdf_pages >= len(report.chapters) + 3
    outline = _pdf_outline(reader)
    titles = [t for t, _ in outline]
    for chapter in report.chapters:
        assert chapter.title in " ".join(titles).replace("\n", " ") or any(
            t.split(" ")[0] == chapter.title.split(" ")[0] for t in titles), chapter.title
    for heading in ("The bottom line", "Limitations", "The claims ledger", "Sources"):
        assert heading in titles, heading
    sizes: list[float] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            sizes.append(size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]))

    fonts: set[str] = set()
    for page in reader.pages:
        page.extract_text(visitor_text=visit)
        for f in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            obj = f.get_object()
            fonts.add(str(obj.get("/BaseFont")))
            desc = obj.get("/FontDescriptor") or (
                obj["/DescendantFonts"][0].get_object().get("/FontDescriptor")
                if "/DescendantFonts" in obj else None)
            if desc is not None:
                d = desc.get_object()
                assert any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")), obj
    assert sizes and min(sizes) >= 7.0, f"text at {min(sizes):.2f} pt"
    assert fonts
    ledger_page = dict(outline)["The claims ledger"]
    ids = [str(c) for c in ledger()["claim_id"]]
    text = ""
    for i in range(ledger_page, min(ledger_page + 4, len(reader.pages))):
        text += reader.pages[i].extract_text() + "\n"
        if all(re.search(rf"\b{c}\b", text) for c in ids):
            break
    missing = [c for c in ids if not re.search(rf"\b{c}\b", text)]
    assert not missing, f"ledger pages lack {missing}"
    assert i - ledger_page + 1 <= 3, "the ledger takes more than three pages"
    # the PDF's build table is the HTML's (cache hit/miss included)
    whole = "\n".join(p.extract_text() for p in reader.pages[-3:])
    html = re.sub(r"<[^>]+>", " ", report.index.read_text())

    def build_table(text: str) -> list[str]:
        part = text[text.rindex("Chapter execution"):text.rindex("Package versions")]
        return re.findall(r"\b(?:ok|failed|hit|miss)\b", part)

    assert build_table(whole) == build_table(html) != []
    import pypdfium2 as pdfium

    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / "pdf-ledger-page.png"
    pdfium.PdfDocument(str(report.pdf))[ledger_page].render(scale=1.4).to_pil().save(shot)
    assert shot.stat().st_size > 10_000
    print(f"PDF ledger page: {shot}")
