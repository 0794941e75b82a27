"""What the glossary tells readers about the abbreviation expansions holds in a real browser.

The glossary says: tap an abbreviation on a touch screen (or point at it with a mouse) to see its
expansion; keyboard focus does not stop on them, so the glossary lists every expansion and every
page links to it. Pointing with a mouse is checked in test_browser_interaction.py.
"""

from __future__ import annotations

from playwright.sync_api import Browser

from helpers import abbreviations

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
MAX_TAB_STOPS = 400
ACTIVE_ELEMENT = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {tag: el.tagName.toLowerCase(), href: el.getAttribute("href") || "", text: el.textContent.trim().slice(0, 40)};
}"""


def test_tapping_an_abbreviation_on_a_touch_screen_shows_its_expansion(browser: Browser, served_site: str) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(served_site, wait_until="networkidle")
    # The theme mounts its tooltips when its script has started, after the first paint.
    page.wait_for_function("() => typeof window.document$ !== 'undefined'")
    failures = []
    for abbreviation, expansion in abbreviations().items():
        marked = page.locator(f"article abbr[title='{expansion}']").first
        if marked.count() == 0:  # the theme drops the title while its tooltip shows
            marked = page.locator("article abbr", has_text=abbreviation).first
        marked.scroll_into_view_if_needed()
        marked.tap()
        tooltip = page.locator("[role=tooltip]", has_text=expansion).first
        try:
            tooltip.wait_for(state="visible", timeout=5_000)
        except Exception:  # noqa: BLE001 - reported below with the abbreviation's name
            failures.append(abbreviation)
        page.locator("article h1").tap()  # tap elsewhere, as a reader does, to dismiss it
    context.close()
    assert not failures, f"tapping these abbreviations showed no expansion: {failures}"


def test_keyboard_skips_the_abbreviations_but_reaches_the_glossary(browser: Browser, served_site: str) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(served_site, wait_until="networkidle")
    page.wait_for_function("() => typeof window.document$ !== 'undefined'")
    assert page.locator("article abbr").count() > 0, "the article marks no abbreviations"
    stops = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE_ELEMENT)
        if active is None or (stops and active == stops[0]):
            break  # focus has gone round the page
        stops.append(active)
    abbreviation_stops = [stop for stop in stops if stop["tag"] == "abbr"]
    assert not abbreviation_stops, (
        "focus now stops on abbreviations: the glossary's sentence “Keyboard focus does not stop on them” "
        f"is no longer true ({abbreviation_stops[:3]})"
    )
    glossary_links = [stop for stop in stops if stop["tag"] == "a" and stop["href"].rstrip("/").endswith("glossary")]
    assert glossary_links, f"Tab never reaches a link to the glossary among {len(stops)} stops"

    page.goto(served_site, wait_until="networkidle")
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE_ELEMENT) == glossary_links[0]:
            break
    page.keyboard.press("Enter")
    # What the glossary lists is checked against the tooltips in test_glossary.py.
    page.wait_for_url("**/glossary/", timeout=10_000)
    context.close()
