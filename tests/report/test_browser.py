"""Open the reports in headless Chromium (Playwright): they render, load nothing, and run no script."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ["THREADSCOPE_SCREENSHOTS"]) if os.environ.get("THREADSCOPE_SCREENSHOTS") else None


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if found:
            return found
    message = "headless Chromium is not installed (apt-get install chromium)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """The system's headless Chromium, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=_chromium(), headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Opened:
    """A loaded page, every request it made and every error or warning it logged."""

    page: Page
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def open_page(browser: Browser, url: str) -> Opened:
    page = browser.new_page(viewport={"width": 1000, "height": 1200})
    opened = Opened(page)
    page.on("request", lambda request: opened.requests.append(request.url))
    page.on("pageerror", lambda error: opened.problems.append(f"exception: {error}"))
    page.on(
        "console",
        lambda message: (
            opened.problems.append(f"{message.type}: {message.text}")
            if message.type in {"error", "warning", "assert"}
            else None
        ),
    )
    page.goto(url, wait_until="load")
    return opened


MEASURE = """JSON.stringify({
  title: document.title,
  figures: [...document.querySelectorAll('figure svg')].map(s => {
    const r = s.getBoundingClientRect(); return [r.width, r.height];
  }),
  forbidden: document.querySelectorAll('script, img, iframe, object, embed, link, base').length,
  handlers: [...document.querySelectorAll('*')]
    .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
  pwned: typeof window.pwned !== 'undefined',
  articleWidth: document.querySelector('.ts-report').getBoundingClientRect().width,
  tables: document.querySelectorAll('.ts-report table').length,
  bodyFont: getComputedStyle(document.querySelector('.ts-report')).fontFamily,
})"""


def _check_page(browser: Browser, url: str, shot: Path, expected_title: str) -> dict[str, object]:
    import json

    from PIL import Image

    opened = open_page(browser, url)
    state = json.loads(opened.page.evaluate(MEASURE))
    assert state["title"] == expected_title
    assert state["forbidden"] == 0 and state["handlers"] == 0 and not state["pwned"]
    assert len(state["figures"]) == 6
    for width, height in state["figures"]:
        assert 300 < width <= 740 and height > 150, state["figures"]
    assert 0 < state["articleWidth"] <= 46 * 17 + 1  # the max-width holds at 1000 px
    assert state["tables"] >= 5
    assert opened.problems == []
    assert opened.requests == [url], opened.requests
    opened.page.screenshot(path=shot, full_page=True)
    opened.page.close()
    with Image.open(shot) as im:
        assert im.width == 1000 and im.height > 3000
        colours = im.convert("RGB").resize((100, 300)).getcolors(1 << 16) or []
        assert len(colours) > 20, "the screenshot is blank"
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SHOTS / shot.name)
    return state


def test_report_renders(browser: Browser, written: Path, tmp_path: Path) -> None:
    _check_page(
        browser,
        (written / "report.html").as_uri(),
        tmp_path / "report.png",
        "Ask HN: Is remote work here to stay?",
    )


def test_hostile_report_runs_nothing(browser: Browser, written_hostile: Path, tmp_path: Path) -> None:
    title = "<script>document.title='pwned'</script> <img src=x onerror=\"document.title='pwned-img'\">"
    _check_page(browser, (written_hostile / "report.html").as_uri(), tmp_path / "hostile.png", title)


def test_hostile_embed_is_safe_without_the_page_csp(browser: Browser, written_hostile: Path, tmp_path: Path) -> None:
    # The fragment goes into someone else's page, which has no CSP: escaping alone must hold.
    host = tmp_path / "host.html"
    fragment = (written_hostile / "embed.html").read_text("utf-8")
    host.write_text(
        "<!DOCTYPE html><html><head><meta charset=utf-8><title>My blog</title></head>"
        f"<body><h1>My post</h1>\n{fragment}<p>After the embed.</p></body></html>",
        "utf-8",
    )
    _check_page(browser, host.as_uri(), tmp_path / "embed.png", "My blog")


def test_the_harness_would_notice(browser: Browser, tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><title>t</title><script>document.title='pwned'; console.error('boom')</script>"
        "<img src='https://example.invalid/x.png'>",
        "utf-8",
    )
    opened = open_page(browser, bad.as_uri())
    assert opened.page.evaluate("document.title") == "pwned"
    assert any("boom" in p for p in opened.problems)
    assert any(url.startswith("https://example.invalid") for url in opened.requests)
