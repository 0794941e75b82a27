"""What a keyboard reader meets on every page, in Chromium: every control is reached by Tab and shows its focus,
focus passes over the abbreviations, and a link to the glossary, which lists their expansions, is among the stops.
Search, the palette toggle, the copy buttons and the skip link are checked in all three engines in
tests/test_engines.py; the abbreviations' tooltips in tests/test_glossary_browser.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from helpers import SITE_PAGES, load, page_url

DESKTOP = {"width": 1280, "height": 800}
# Tab stops are compared on screenshots taken at once: no transition may be mid-way.
NO_MOTION = "*, *::before, *::after { transition: none !important; animation: none !important; }"
# Candidates for a Tab stop under the HTML focus rules; those with a negative tabIndex are dropped in the page.
FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select, textarea, summary, [tabindex]"
DESCRIBE_ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const name = el.getAttribute("aria-label") || el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40);
  return {tag: el.tagName.toLowerCase(), href: el.getAttribute("href") || "",
          described: `<${el.tagName.toLowerCase()} class="${el.className}"> ${el.getAttribute("href") || el.id || ""} “${name}”`};
}"""


@pytest.mark.parametrize("built_page", SITE_PAGES)
def test_every_control_is_reachable_by_tab_and_visibly_focused(
    browser: Browser, served_site: str, built_page: str
) -> None:
    # CSP is bypassed only to add the no-motion stylesheet; the CSP itself is tested elsewhere.
    context = browser.new_context(viewport=DESKTOP, color_scheme="light", bypass_csp=True)
    page = context.new_page()
    load(page, page_url(served_site, built_page))
    page.add_style_tag(content=NO_MOTION)
    stops: list[dict] = []
    invisible: list[str] = []
    for _ in range(200):
        # What the reader sees with nothing focused, just before this Tab: some theme controls
        # (the search field) show focus by opening something that stays open after a blur.
        page.evaluate("window.__lastFocus = document.activeElement; document.activeElement.blur()")
        scroll_before, before = page.evaluate("scrollY"), page.screenshot()
        page.evaluate("window.__lastFocus.focus()")
        page.keyboard.press("Tab")
        active = page.evaluate(DESCRIBE_ACTIVE)
        if active is None or page.evaluate("document.activeElement.dataset.tabbed === 'yes'"):
            break  # focus left the page or came round again: every stop has been seen
        stops.append(active)
        page.evaluate("document.activeElement.dataset.tabbed = 'yes'")
        focused = page.screenshot()
        page.evaluate("window.__lastFocus = document.activeElement; document.activeElement.blur()")
        blurred = page.screenshot()
        page.evaluate("window.__lastFocus.focus()")
        # Compared only at one scroll position, so that scrolling to the control is not mistaken for focus.
        changed_on_blur = focused != blurred
        changed_on_focus = page.evaluate("scrollY") == scroll_before and focused != before
        if not (changed_on_blur or changed_on_focus):
            invisible.append(active["described"])
    unreached = page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
          .filter(el => el.tabIndex >= 0 && el.checkVisibility({visibilityProperty: true}) && !el.closest('[inert]'))
          // One radio button per group is a Tab stop; the arrow keys (or the theme's Enter) reach the others.
          .filter(el => !(el.type === 'radio' && document.querySelector(`input[name="${el.name}"][data-tabbed]`)))
          .filter(el => !el.dataset.tabbed)
          .map(el => `<${el.tagName.toLowerCase()} class="${el.className}"> ${el.getAttribute('href') || el.id || ''}`)""",
        FOCUSABLE,
    )
    context.close()
    assert stops, "Tab never moved focus into the page"
    assert not unreached, "controls that Tab never reaches:\n" + "\n".join(unreached)
    assert not invisible, "Tab stops that show no visible focus:\n" + "\n".join(invisible)
    abbreviations = [stop["described"] for stop in stops if stop["tag"] == "abbr"]
    assert not abbreviations, f"focus stops on abbreviations: {abbreviations[:3]}"
    glossary = [stop for stop in stops if stop["tag"] == "a" and stop["href"].rstrip("/").endswith("glossary")]
    assert glossary, f"none of the {len(stops)} Tab stops is a link to the glossary"
