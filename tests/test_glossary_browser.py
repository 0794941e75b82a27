"""Every abbreviation's expansion shows in a real browser when the reader taps it on a touch screen or points
at it with a mouse, as the glossary tells readers, under the CSP (the theme's tooltips style by CSSOM only).
That keyboard focus passes over them and reaches the glossary: tests/test_browser_interaction.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from helpers import CSP_LISTENER, abbreviations, load

DEVICES = {
    "touch": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
    "mouse": {"viewport": {"width": 1280, "height": 800}},
}


def show(page: Page, device: str, selector: str) -> None:
    element = page.locator(selector).first
    element.scroll_into_view_if_needed()
    if device == "touch":
        element.tap()
    else:
        element.hover()


@pytest.mark.parametrize("device", DEVICES)
def test_every_abbreviation_shows_its_expansion(browser: Browser, served_site: str, device: str) -> None:
    context = browser.new_context(**DEVICES[device])
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    load(page, served_site)
    # The theme mounts its tooltips when its script has started, after the first paint.
    page.wait_for_function("() => typeof window.document$ !== 'undefined'")
    silent = []
    for abbreviation, expansion in abbreviations().items():
        # The theme drops an abbreviation's title while its tooltip shows. One inside a glossary link leads
        # to its entry when tapped, so the first one outside a link is shown.
        marked = f"article abbr[title='{expansion}']:not(a abbr)"
        show(page, device, marked if page.locator(marked).count() else f"article abbr:not(a abbr):text-is('{abbreviation}')")
        try:
            page.locator("[role=tooltip]", has_text=expansion).first.wait_for(state="visible", timeout=5_000)
        except PlaywrightTimeoutError:
            silent.append(abbreviation)
        show(page, device, "article h1")  # elsewhere, as a reader does, to dismiss it
    violations = page.evaluate("window.__cspViolations")
    context.close()
    assert not silent, f"with a {device}, these abbreviations showed no expansion: {silent}"
    assert not violations, "CSP violations:\n" + "\n".join(violations)
    assert not errors, "console errors:\n" + "\n".join(errors)
