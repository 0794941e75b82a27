"""The page as first painted, before the theme's script runs, already fits a phone.

The browser paints what it has parsed before the deferred theme script has run (and readers
without JavaScript never get further). A page wider than a phone's viewport at that point makes
the browser zoom out for the first paint and back in once the script has changed the header.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from site_pages import SITE_PAGES, page_url

PHONE_WIDTHS = [320, 375, 412]


@pytest.mark.parametrize("width", PHONE_WIDTHS)
@pytest.mark.parametrize("site_page", SITE_PAGES)
def test_page_fits_a_phone_before_scripts_run(browser: Browser, served_site: str, site_page: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 812}, is_mobile=True, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(page_url(served_site, site_page))
        content, viewport = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert content <= viewport, f"{site_page} without scripts is {content}px wide in a {viewport}px viewport"
    finally:
        context.close()
