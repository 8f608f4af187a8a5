"""Open the reports in headless Chromium: they render, load nothing, and run no script."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.report.cdp import Chromium

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
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    profile = tmp_path_factory.mktemp("chromium") / "profile"
    with Chromium(_chromium(), profile) as chromium:
        yield chromium


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


def _check_page(browser: Chromium, url: str, shot: Path, expected_title: str) -> dict[str, object]:
    import json

    from PIL import Image

    session = browser.open_page(url)
    state = json.loads(browser.evaluate(MEASURE, session))
    assert state["title"] == expected_title
    assert state["forbidden"] == 0 and state["handlers"] == 0 and not state["pwned"]
    assert len(state["figures"]) == 6
    for width, height in state["figures"]:
        assert 300 < width <= 740 and height > 150, state["figures"]
    assert 0 < state["articleWidth"] <= 46 * 17 + 1  # the max-width holds at 1000 px
    assert state["tables"] >= 5
    assert browser.problems(session) == []
    requests = browser.requests(session)
    assert requests == [url], requests
    browser.screenshot(session, shot)
    with Image.open(shot) as im:
        assert im.width == 1000 and im.height > 3000
        colours = im.convert("RGB").resize((100, 300)).getcolors(1 << 16) or []
        assert len(colours) > 20, "the screenshot is blank"
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SHOTS / shot.name)
    return state


def test_report_renders(browser: Chromium, written: Path, tmp_path: Path) -> None:
    _check_page(
        browser,
        (written / "report.html").as_uri(),
        tmp_path / "report.png",
        "Ask HN: Is remote work here to stay?",
    )


def test_hostile_report_runs_nothing(browser: Chromium, written_hostile: Path, tmp_path: Path) -> None:
    title = "<script>document.title='pwned'</script> <img src=x onerror=\"document.title='pwned-img'\">"
    _check_page(browser, (written_hostile / "report.html").as_uri(), tmp_path / "hostile.png", title)


def test_hostile_embed_is_safe_without_the_page_csp(browser: Chromium, written_hostile: Path, tmp_path: Path) -> None:
    # The fragment goes into someone else's page, which has no CSP: escaping alone must hold.
    host = tmp_path / "host.html"
    fragment = (written_hostile / "embed.html").read_text("utf-8")
    host.write_text(
        "<!DOCTYPE html><html><head><meta charset=utf-8><title>My blog</title></head>"
        f"<body><h1>My post</h1>\n{fragment}<p>After the embed.</p></body></html>",
        "utf-8",
    )
    _check_page(browser, host.as_uri(), tmp_path / "embed.png", "My blog")


def test_the_harness_would_notice(browser: Chromium, tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><title>t</title><script>document.title='pwned'; console.error('boom')</script>"
        "<img src='https://example.invalid/x.png'>",
        "utf-8",
    )
    session = browser.open_page(bad.as_uri())
    assert browser.evaluate("document.title", session) == "pwned"
    assert any("boom" in p for p in browser.problems(session))
    assert any(url.startswith("https://example.invalid") for url in browser.requests(session))
