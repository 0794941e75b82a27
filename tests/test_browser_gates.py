"""Every page in Chromium, light and dark, phone and desktop: the palette follows the reader's system, axe-core
finds nothing, and no cookie is set.

That every page starts without errors or CSP violations, asks no other host for anything and fits its
window is checked in tests/test_engines.py, in three engines at a phone's and a desktop's width, in the light
palette; here the dark palette is checked for errors and CSP violations too (a stylesheet rule for the dark
palette that loaded from another host would show as a CSP violation: the CSP lets no other host in).

One browser for the session, one context per viewport × colour scheme, one page visit per test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext

from helpers import CSP_LISTENER, SITE_PAGES, load, page_url

VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 800}}
# Material's palette follows the reader's system setting until they choose: emulate that setting.
SCHEMES = {"light": "default", "dark": "slate"}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}

axe = Axe()


@pytest.fixture(scope="module")
def contexts(browser: Browser) -> Iterator[dict[tuple[str, str], BrowserContext]]:
    opened = {
        (viewport, scheme): browser.new_context(
            viewport=size, color_scheme=scheme, service_workers="block"  # type: ignore[arg-type]
        )
        for viewport, size in VIEWPORTS.items()
        for scheme in SCHEMES
    }
    for context in opened.values():
        context.add_init_script(CSP_LISTENER)
    yield opened
    for context in opened.values():
        context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("built_page", SITE_PAGES)
def test_page_passes_the_browser_gates(
    contexts: dict[tuple[str, str], BrowserContext], served_site: str, built_page: str, viewport: str, scheme: str
) -> None:
    context = contexts[(viewport, scheme)]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    try:
        load(page, page_url(served_site, built_page))
        active_scheme = page.evaluate("document.body.dataset.mdColorScheme")
        assert active_scheme == SCHEMES[scheme], f"a {scheme} system setting gave the {active_scheme} palette"

        results = axe.run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"axe-core found violations:\n{results.generate_report()}"

        if scheme == "dark":  # the light palette's: tests/test_engines.py, in three engines
            assert not errors, "console errors:\n" + "\n".join(errors)
            violations = page.evaluate("window.__cspViolations")
            assert not violations, "CSP violations:\n" + "\n".join(violations)

        cookies = context.cookies()
        assert not cookies, f"the site set cookies: {[cookie['name'] for cookie in cookies]}"
    finally:
        page.close()
