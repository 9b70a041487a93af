"""The HTML report in a real browser: Debian's chromium driven by Playwright.

Never downloads a browser. Without /usr/bin/chromium (or without the playwright package)
the test is skipped, unless SCANMONSTER_REQUIRE_BROWSER=1 makes that a failure (CI sets
it, so the browser check cannot silently disappear). The screenshot goes to
build/test-artifacts/report.png (build/ is git-ignored).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanmonster import ROOT
from scanmonster.report import render_html
from scanmonster.report.labels import LABELS
from scanmonster.scan.model import COMPLIANT, NOT_APPLICABLE, ScanReport
from tests.scan.test_report import BASE_URL, expected_cells, sample_report
from tests.support import registry

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "build" / "test-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("SCANMONSTER_REQUIRE_BROWSER") == "1":
        pytest.fail(f"SCANMONSTER_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install playwright==1.65.2)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


class Opened:
    """A page loaded from a file, with everything it asked for and complained about."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("requestfailed", lambda request: self.failed.append(request.url))
        self.page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url, wait_until="load")


def open_report(browser: Any, tmp_path: Path, report: ScanReport, language: str) -> Opened:
    path = tmp_path / f"report-{language}.html"
    html = render_html(report, registry(), language=language, tutorial_base_url=BASE_URL)
    path.write_text(html, encoding="utf-8")
    return Opened(browser, path)


def assert_self_contained(opened: Opened) -> None:
    assert opened.console_errors == []
    assert opened.page_errors == []
    assert opened.failed == []
    # The page itself is the only thing loaded: no font, image, style or script fetched.
    assert opened.requests == [opened.url]


def test_report_in_chromium(browser: Any, tmp_path: Path) -> None:
    report = sample_report()
    opened = open_report(browser, tmp_path, report, "en")
    page = opened.page
    assert_self_contained(opened)

    # Hostile names were shown, not run.
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.get_by_text("<script>window.__pwned=1</script>").count() == 1

    # One row per account, one column per check (plus the account column).
    rows = page.locator("#matrix tbody tr")
    assert rows.count() == len(report.accounts)
    assert page.locator("#matrix thead th.check").count() == len(report.check_ids)
    headers = page.locator("#matrix thead th.check").all_inner_texts()
    assert [h.strip() for h in headers] == report.check_ids

    # The counts people see are the report's.
    expected = expected_cells(report)
    for row_index, account in enumerate(report.accounts):
        row = rows.nth(row_index)
        assert row.locator("th").inner_text().startswith(account.id)
        cells = row.locator("td.cell")
        assert cells.count() == len(report.check_ids)
        for column, check_id in enumerate(report.check_ids):
            text = cells.nth(column).inner_text()
            failed, evaluated, errors = expected[(account.id, check_id)]
            ratio = re.search(r"(\d+) / (\d+)", text)
            shown = (int(ratio.group(1)), int(ratio.group(2))) if ratio else (0, 0)
            assert shown == (failed, evaluated), (account.id, check_id, text)
            assert ("⚠" in text) == bool(errors), (account.id, check_id, text)
            if not evaluated and not errors:
                assert text.strip() == "–"

    totals = {
        name: int(page.locator(f'[data-total="{name}"]').inner_text())
        for name in ("failed", "errors", "passed", "na")
    }
    assert totals == {
        "failed": len(report.failed()),
        "errors": len(report.errors()),
        "passed": sum(r.compliance == COMPLIANT for r in report.results),
        "na": sum(r.compliance == NOT_APPLICABLE for r in report.results),
    }

    # The chart is drawn: an SVG with a bar per severity whose lengths follow the counts.
    chart = page.locator("#chart svg")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 200
    assert box["height"] > 100
    bars = page.locator("#chart g.bar")
    assert bars.count() == 4
    widths = [float(bars.nth(i).locator("rect").nth(1).get_attribute("width")) for i in range(4)]
    values = [int(bars.nth(i).get_attribute("data-value")) for i in range(4)]
    assert values == [2, 4, 5, 0]
    assert widths[2] > widths[1] > widths[0] > widths[3] == 0

    # The error is shown as an error, and each failed check has its fix and tutorial link.
    assert page.locator("#errors").is_visible()
    assert page.locator("#errors td.message").inner_text().startswith("AccessDenied")
    articles = page.locator("article.check")
    assert articles.count() == len({r.check_id for r in report.failed()})
    assert page.locator("article.check details.fix ol li").count() > 0  # rendered steps

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "report.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
    page.close()


def test_report_in_japanese(browser: Any, tmp_path: Path) -> None:
    opened = open_report(browser, tmp_path, sample_report(), "ja")
    page = opened.page
    assert_self_contained(opened)
    ja = LABELS["ja"]
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == ja["title"]
    assert page.locator("#matrix thead th").first.inner_text() == ja["account"]
    assert ja["failed_findings"] in page.locator("#overview").inner_text()
    assert LABELS["en"]["failed_findings"] not in page.locator("body").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-ja.png"), full_page=True)
    page.close()


def test_all_passed_in_chromium(browser: Any, tmp_path: Path) -> None:
    report = sample_report()
    report.results = [r for r in report.results if r.compliance == COMPLIANT]
    opened = open_report(browser, tmp_path, report, "en")
    assert_self_contained(opened)
    status = opened.page.locator("#status")
    assert status.is_visible()
    assert LABELS["en"]["all_passed"] in status.inner_text()
    assert opened.page.locator("td.cell.failed, td.cell.error").count() == 0
    opened.page.close()
