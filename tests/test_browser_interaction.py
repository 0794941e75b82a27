"""What a reader does with keyboard and mouse, in Chromium: every control is reached by Tab and shows its focus, and the
theme's features work under the CSP. Search, the palette toggle and the skip link are checked in all three engines
in tests/test_engines.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from helpers import CSP_LISTENER, SITE_PAGES, load, page_url

DESKTOP = {"width": 1280, "height": 800}
# Tab stops are compared on screenshots taken at once: no transition may be mid-way.
NO_MOTION = "*, *::before, *::after { transition: none !important; animation: none !important; }"
# Candidates for a Tab stop under the HTML focus rules; those with a negative tabIndex are dropped in the page.
FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select, textarea, summary, [tabindex]"
DESCRIBE_ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const name = el.getAttribute("aria-label") || el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40);
  return `<${el.tagName.toLowerCase()} class="${el.className}"> ${el.getAttribute("href") || el.id || ""} “${name}”`;
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
    page.evaluate("document.documentElement.dataset.tabWalk = 'started'")
    visited: list[str] = []
    invisible: list[str] = []
    for _ in range(200):
        # What the reader sees with nothing focused, just before this Tab: some theme controls
        # (the search field) show focus by opening something that stays open after a blur.
        page.evaluate("window.__lastFocus = document.activeElement; document.activeElement.blur()")
        scroll_before, before = page.evaluate("scrollY"), page.screenshot()
        page.evaluate("window.__lastFocus.focus()")
        page.keyboard.press("Tab")
        described = page.evaluate(DESCRIBE_ACTIVE)
        if described is None or page.evaluate("document.activeElement.dataset.tabbed === 'yes'"):
            break  # focus left the page or came round again: every stop has been seen
        visited.append(described)
        page.evaluate("document.activeElement.dataset.tabbed = 'yes'")
        focused = page.screenshot()
        page.evaluate("window.__lastFocus = document.activeElement; document.activeElement.blur()")
        blurred = page.screenshot()
        page.evaluate("window.__lastFocus.focus()")
        # Compared only at one scroll position, so that scrolling to the control is not mistaken for focus.
        changed_on_blur = focused != blurred
        changed_on_focus = page.evaluate("scrollY") == scroll_before and focused != before
        if not (changed_on_blur or changed_on_focus):
            invisible.append(described)
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
    assert visited, "Tab never moved focus into the page"
    assert not unreached, "controls that Tab never reaches:\n" + "\n".join(unreached)
    assert not invisible, "Tab stops that show no visible focus:\n" + "\n".join(invisible)


def test_theme_features_work_under_the_csp(browser: Browser, served_site: str) -> None:
    # The CSP forbids inline styles; the theme's tooltips, tabs, copy buttons and search must
    # still work, styling by CSSOM only. Each step is one a reader takes.
    context = browser.new_context(viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.goto(served_site, wait_until="networkidle")

    abbreviation = page.locator("article abbr").first
    abbreviation.hover()
    tooltip = page.locator("[role=tooltip]", has_text=str(abbreviation.get_attribute("title") or "")[:20]).first
    tooltip.wait_for(state="visible", timeout=5_000)

    # The MLA form is shown with its container in italics; its copy button copies plain text.
    page.locator("article .tabbed-labels > label", has_text="MLA").click()
    page.locator("button[data-clipboard-target='#citation-mla']").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    shown = page.locator("#citation-mla").inner_text()
    assert page.locator("#citation-mla i").count() == 1, "the MLA form shows no italics"
    assert copied.strip() == shown.strip() and "<" not in copied, f"the copy button copied {copied!r}, not {shown!r}"

    page.locator(".md-search__input").click()
    page.keyboard.type("Kazakhstan")
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)

    violations = page.evaluate("window.__cspViolations")
    context.close()
    assert not violations, "CSP violations:\n" + "\n".join(violations)
    assert not errors, "console errors:\n" + "\n".join(errors)
