"""The HTML report of a simulated cohort, opened in a real headless Chromium (the distribution's)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import Invoke

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LEARNERS, DAYS = 12, 40


def _browser_or_skip() -> str:
    if CHROMIUM is None:
        message = "no Chromium on this machine (apt-get install chromium; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    pytest.importorskip("playwright.sync_api", reason="playwright is in the test extras")
    return CHROMIUM


@pytest.fixture
def report_file(quiz: Invoke, tmp_path: Path) -> Path:
    assert quiz("simulate", "--learners", str(LEARNERS), "--days", str(DAYS), "--seed", "7").exit_code == 0
    target = tmp_path / "report.html"
    result = quiz("cohort", "report", "simulated", "--format", "html", "-o", str(target))
    assert result.exit_code == 0, result.output
    return target


def test_the_html_report_is_one_self_contained_file(report_file: Path) -> None:
    page = report_file.read_text(encoding="utf-8")
    for outside in ("<script", "<link", "@import", "url(", "<img", "<iframe", "src="):
        assert outside not in page
    # The only address in the page is SVG's namespace, which is a name, never fetched.
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) == {"http://www.w3.org/2000/svg"}


def test_the_html_report_in_headless_chromium(report_file: Path, tmp_path: Path) -> None:
    executable = _browser_or_skip()
    from playwright.sync_api import sync_playwright

    console: list[str] = []
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(report_file.as_uri())
            page.wait_for_load_state("networkidle")
            sections = page.locator("h2:has-text('Sections') + table tbody tr").count()
            grid = page.locator("#mastery-grid rect").count()
            per_day = page.locator("#reviews-per-day rect").count()
            forecast = page.locator("#forecast rect").count()
            learners = page.locator("h2:has-text('Learners') + table tbody tr").count()
            grid_box = page.locator("#mastery-grid").bounding_box()
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert console == [] and errors == []
    assert requests == [report_file.as_uri()]  # the file itself, nothing else
    assert learners == LEARNERS and sections > 10
    assert grid == (LEARNERS + 1) * sections  # a cell per learner and section, and the cohort's row
    assert per_day == 30 and forecast == 14  # the last 30 days; the next 14
    assert grid_box is not None and grid_box["width"] > 200 and grid_box["height"] > 100
