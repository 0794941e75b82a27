"""What a keyboard reader meets on every page, in Chromium, at 320 and 375 px (phones), 640 px (a 1280 px window
at 200 % zoom) and 1280 px: every control is reached by Tab; every Tab stop is in sight (some of it on screen,
shown, not covered, not in the closed navigation drawer: WCAG 2.4.11) and shows its focus (2.4.7); focus passes
over the abbreviations, and a link to the glossary, which lists their expansions, is among the stops. Search, the
palette toggle, the copy buttons and the skip link are checked in all three engines in tests/test_engines.py; the
abbreviations' tooltips in tests/test_glossary_browser.py; every control's name (axe-core) in
tests/test_browser_gates.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from helpers import SITE_PAGES, load, page_url

# Phones, a 1280 × 800 window at 200 % zoom (what the page gets is half of it), and that window at 100 %.
VIEWPORTS = {
    320: {"width": 320, "height": 568},
    375: {"width": 375, "height": 812},
    640: {"width": 640, "height": 400},
    1280: {"width": 1280, "height": 800},
}
# Tab stops are compared on screenshots taken at once: no transition may be mid-way.
NO_MOTION = "*, *::before, *::after { transition: none !important; animation: none !important; }"
# Candidates for a Tab stop under the HTML focus rules; those with a negative tabIndex are dropped in the page.
FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select, textarea, summary, [tabindex]"
# The focused control, marked as seen; null when focus left the page or came round to a control already seen.
TAKE_ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el.dataset.tabbed === "yes") return null;
  el.dataset.tabbed = "yes";
  const name = el.getAttribute("aria-label") || el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40);
  return {tag: el.tagName.toLowerCase(), href: el.getAttribute("href") || "",
          described: `<${el.tagName.toLowerCase()} class="${el.className}"> ${el.getAttribute("href") || el.id || ""} “${name}”`};
}"""
# Why the focused control is out of the reader's sight, or null when some of it is on screen and uncovered. A radio
# button or checkbox that its label draws (the palette toggle, the citation styles' tabs) is seen as that label.
OUT_OF_SIGHT = """() => {
  let el = document.activeElement;
  if (["radio", "checkbox"].includes(el.type)) {
    const labels = [...el.labels, el.nextElementSibling].filter((label) => label?.tagName === "LABEL");
    el = labels.find((label) => label.checkVisibility() && label.getBoundingClientRect().width > 0) || el;
  }
  const box = el.getBoundingClientRect();
  const where = `at (${Math.round(box.x)}, ${Math.round(box.y)}), ${Math.round(box.width)} × ${Math.round(box.height)} px`;
  const drawer = el.closest(".md-sidebar--primary");
  if (drawer && !document.getElementById("__drawer")?.checked && drawer.getBoundingClientRect().right <= 0)
    return `in the closed navigation drawer, ${where}`;
  if (box.width < 1 || box.height < 1) return `0 px wide or high, ${where}`;
  if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return `hidden or transparent, ${where}`;
  const points = [[0.5, 0.5], [0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9]]
    .map(([x, y]) => [box.left + x * box.width, box.top + y * box.height])
    .filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight);
  if (!points.length) return `off screen, ${where}`;
  const found = points.map(([x, y]) => document.elementFromPoint(x, y)).filter(Boolean);
  if (found.some((hit) => el.contains(hit) || hit.contains(el))) return null;
  return `covered by <${found[0]?.tagName.toLowerCase()} class="${found[0]?.className}">, ${where}`;
}"""
# The theme shows some controls a moment after they take focus (the search field opens the search): wait that long.
SIGHT_TIMEOUT_MS = 1000


@pytest.mark.parametrize("width", VIEWPORTS)
@pytest.mark.parametrize("built_page", SITE_PAGES)
def test_every_control_is_reachable_by_tab_in_sight_and_visibly_focused(
    browser: Browser, served_site: str, built_page: str, width: int
) -> None:
    # CSP is bypassed only to add the no-motion stylesheet and wait in the page; the CSP itself is tested elsewhere.
    context = browser.new_context(viewport=VIEWPORTS[width], color_scheme="light", bypass_csp=True)
    page = context.new_page()
    load(page, page_url(served_site, built_page))
    page.add_style_tag(content=NO_MOTION)
    stops: list[dict] = []
    out_of_sight: list[str] = []
    invisible: list[str] = []

    def unfocused() -> tuple[int, bytes]:
        """The scroll position and what the reader sees with the focused control blurred (focus then goes back)."""
        page.evaluate("window.__lastFocus = document.activeElement; document.activeElement.blur()")
        seen = page.evaluate("scrollY"), page.screenshot()
        page.evaluate("window.__lastFocus.focus()")
        return seen

    # What the reader sees with nothing focused just before each Tab (some theme controls, the search field, show
    # focus by opening something that stays open after a blur): the last stop's blurred view, or taken anew.
    before: tuple[int, bytes] | None = None
    for _ in range(200):
        scroll_before, before_shot = before or unfocused()
        before = None
        page.keyboard.press("Tab")
        active = page.evaluate(TAKE_ACTIVE)
        if active is None:
            break  # every stop has been seen
        stops.append(active)
        if page.evaluate(OUT_OF_SIGHT) is not None:
            try:
                page.wait_for_function(f"() => ({OUT_OF_SIGHT})() === null", timeout=SIGHT_TIMEOUT_MS)
            except PlaywrightTimeoutError:
                out_of_sight.append(f"{active['described']}: {page.evaluate(OUT_OF_SIGHT)}")
                continue  # what cannot be seen cannot show its focus either
        focused = page.screenshot()
        before = unfocused()
        # Compared only at one scroll position, so that scrolling to the control is not mistaken for focus.
        changed_on_blur = focused != before[1]
        changed_on_focus = page.evaluate("scrollY") == scroll_before and focused != before_shot
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
    assert not unreached, f"controls that Tab never reaches at {width} px:\n" + "\n".join(unreached)
    assert not out_of_sight, f"Tab stops out of the reader's sight at {width} px:\n" + "\n".join(out_of_sight)
    assert not invisible, f"Tab stops that show no visible focus at {width} px:\n" + "\n".join(invisible)
    abbreviations = [stop["described"] for stop in stops if stop["tag"] == "abbr"]
    assert not abbreviations, f"focus stops on abbreviations: {abbreviations[:3]}"
    glossary = [stop for stop in stops if stop["tag"] == "a" and stop["href"].rstrip("/").endswith("glossary")]
    assert glossary, f"none of the {len(stops)} Tab stops at {width} px is a link to the glossary"
