"""The page as first painted, before the theme's script runs: it fits a phone, has the reader's palette,
and the theme's script waits for that paint.

The browser paints what it has parsed before the theme's script has run: that script waits for
the first paint (overrides/partials/after-first-paint.html, inline), and readers without
JavaScript never get further. A page wider than a phone's viewport at that point makes
the browser zoom out for the first paint and back in once the script has changed the header.
No script the browser must fetch comes before the first paint: the scripts that run before the
theme's are inline, and the theme's own are fetched only once a frame is on screen.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from helpers import SITE_PAGES, page_url

# The narrowest phone in common use (WCAG 2.1's reflow width: a page that fits it fits wider phones) and a desktop.
PHONE_WIDTH = 320
DESKTOP_WIDTH = 1280


@pytest.mark.parametrize("width", [PHONE_WIDTH, DESKTOP_WIDTH])
@pytest.mark.parametrize("site_page", SITE_PAGES)
def test_page_fits_its_window_before_scripts_run(browser: Browser, served_site: str, site_page: str, width: int) -> None:
    """Phones and desktops get the page as parsed first, and readers without JavaScript keep it."""
    context = browser.new_context(
        viewport={"width": width, "height": 812}, is_mobile=width == PHONE_WIDTH, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(page_url(served_site, site_page))
        content, viewport = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert content <= viewport, f"{site_page} without scripts is {content}px wide in a {viewport}px viewport"
    finally:
        context.close()


def test_theme_script_starts_only_after_the_first_paint(browser: Browser, served_site: str) -> None:
    """The inline loader (partials/after-first-paint.html) holds the theme's script back until a frame is on screen."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    try:
        page = context.new_page()
        # The theme's script swaps the root's no-js class for js as it starts: note when.
        page.add_init_script(
            """new MutationObserver((_, observer) => {
                if (document.documentElement.classList.contains("js")) {
                    window.themeStartedAt = performance.now()
                    observer.disconnect()
                }
            }).observe(document, { attributes: true, attributeFilter: ["class"], subtree: true })"""
        )
        page.goto(page_url(served_site, "index.html"))
        page.wait_for_function("() => window.themeStartedAt !== undefined")
        first_paint, theme_started = page.evaluate(
            '[performance.getEntriesByType("paint")[0]?.startTime, window.themeStartedAt]'
        )
        assert first_paint is not None, "the browser reported no paint"
        assert first_paint < theme_started, (
            f"the theme's script started at {theme_started:.0f} ms, before the first paint at {first_paint:.0f} ms"
        )
        # And it then started in full: the copy button it adds to the BibTeX code block appears.
        copy_button = page.locator("button.md-code__button[data-md-type=copy]").first
        try:
            copy_button.wait_for(state="attached", timeout=5000)
        except PlaywrightTimeoutError:
            raise AssertionError("the theme's script did not start in full: the code block got no copy button") from None
    finally:
        context.close()


@pytest.mark.parametrize("site_page", SITE_PAGES)
def test_no_script_is_fetched_before_the_first_paint(html_pages: dict[str, BeautifulSoup], site_page: str) -> None:
    """Every script file is an inert tag the inline loader starts after the first paint, and the loader
    comes after the last of them: it runs them in the order it finds, once, and would miss a later one."""
    soup = html_pages[site_page]
    fetched = [str(tag) for tag in soup.select("script[src]")]
    assert not fetched, f"{site_page}: scripts the browser fetches before the page is painted: {fetched}"
    inert = soup.select("script[data-after-first-paint]")
    assert inert, f"{site_page}: no inert theme script for the loader to start"
    loader = [tag for tag in soup.find_all("script") if "data-after-first-paint" in (tag.string or "")]
    assert len(loader) == 1, f"{site_page}: expected one inline loader of the theme's scripts, found {len(loader)}"
    later = [str(tag) for tag in loader[0].find_all_next("script", attrs={"data-after-first-paint": True})]
    assert not later, f"{site_page}: theme scripts after the loader, which it would never start: {later}"


@pytest.mark.parametrize("site_page", SITE_PAGES)
def test_palette_script_comes_before_anything_visible(html_pages: dict[str, BeautifulSoup], site_page: str) -> None:
    """On a slow network Chromium paints the part of the page parsed so far: a script after the header
    left a dark system's first frames light below the header (overrides/main.html)."""
    body = html_pages[site_page].body
    assert body is not None
    palette = body.find(lambda tag: tag.name == "script" and "prefers-color-scheme: dark" in (tag.string or ""))
    header = body.select_one("header.md-header")
    assert palette is not None, f"{site_page}: no script applies a dark system's palette before the theme starts"
    assert header is not None and header in palette.find_all_next("header"), (
        f"{site_page}: the palette script comes after the header, which may be painted light before it runs"
    )


@pytest.mark.parametrize("scheme, expected", [("light", "default"), ("dark", "slate")])
def test_first_paint_follows_the_system_palette(browser: Browser, served_site: str, scheme: str, expected: str) -> None:
    """Before the theme's script runs, a first-time reader already gets their system's palette."""
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        page.route("**/bundle.*.js", lambda route: route.abort())
        page.goto(page_url(served_site, "index.html"))
        shown = page.get_attribute("body", "data-md-color-scheme")
        assert shown == expected, f"with a {scheme} system and no theme script yet, the page shows the {shown} palette"
    finally:
        context.close()
