"""Open the built report in headless Debian Chromium with the network blocked.

One build of the real chapters per test session (executed-notebook cache shared with
``make report``, output in a temporary folder, or in ``PRKANALYSIS_BROWSER_OUT`` if set).
Every page must load from disk with no request leaving the machine (only ``file:`` and
``data:`` URLs), every image must decode, no cell error may be shown, and the index's
ledger must list every claim id of :func:`prkanalysis.claims.ledger`. A screenshot of the
index is saved to ``<built folder>/screenshots/index.png``.

Without Chromium (or Playwright) the tests are skipped locally but fail when ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

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


@pytest.fixture(scope="session")
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

    def __init__(self, browser: Any, path: Path) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.js_errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
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
            total += visit.page.locator("figure.output-image img").count()
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


def test_index_ledger_lists_every_claim_and_screenshot(report: BuildResult, browser: Any) -> None:
    from prkanalysis.claims import ledger

    frame = ledger()
    id_col = "claim_id" if "claim_id" in frame.columns else frame.columns[0]
    expected = [str(c) for c in frame[id_col]]
    visit = PageVisit(browser, report.index)
    try:
        page = visit.page
        shown = page.eval_on_selector_all(
            "#ledger tbody tr", "rows => rows.map(r => r.dataset.claimId)"
        )
        assert shown == expected
        verdicts = page.locator("#ledger .verdict").count()
        assert verdicts == len(expected)
        links = page.eval_on_selector_all(
            ".chapter-list a", "els => els.map(a => a.getAttribute('href'))"
        )
        assert links == [c.page for c in report.chapters]
        shots = report.out_dir / "screenshots"
        shots.mkdir(exist_ok=True)
        page.screenshot(path=str(shots / "index.png"), full_page=True)
        assert (shots / "index.png").stat().st_size > 10_000
        print(f"index screenshot: {shots / 'index.png'}")
    finally:
        visit.close()
