"""Every page in Chromium, light and dark, phone and desktop: the palette follows the reader's system, axe-core
finds nothing, and no cookie is set; every control stands out from the colours around it and is big enough to hit
(WCAG 2.2's non-text contrast and target size, which axe-core does not measure for a control that shows only
when pointed at, and for no control's icon or border).

That every page starts without errors or CSP violations, asks no other host for anything and fits its
window is checked in tests/test_engines.py, in three engines at a phone's and a desktop's width, in the light
palette; here the dark palette is checked for errors and CSP violations too (a stylesheet rule for the dark
palette that loaded from another host would show as a CSP violation: the CSP lets no other host in).

One browser for the session, one context per viewport × colour scheme, one page visit per page, viewport and scheme.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from helpers import CSP_LISTENER, SITE_PAGES, WCAG_COLOUR_JS, load, page_url

VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 800}}
# The phone has a touch screen and no hover (CSS `hover: none`), the desktop a mouse.
TOUCH = {"phone"}
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
            viewport=size,
            color_scheme=scheme,  # type: ignore[arg-type]
            has_touch=viewport in TOUCH,
            service_workers="block",
        )
        for viewport, size in VIEWPORTS.items()
        for scheme in SCHEMES
    }
    for context in opened.values():
        context.add_init_script(CSP_LISTENER)
    yield opened
    for context in opened.values():
        context.close()


# ---------- Controls: each stands out and is big enough to hit ----------

# WCAG 2.2, 1.4.11: what identifies a control (its text, icon, border or own background) has 3:1 against the colours
# next to it. 2.5.8: a target is 24 × 24 px, or the 24 px circle centred on it meets no other target nor another
# small target's circle; a link of words in a sentence is exempt (its size is the text's).
MIN_CONTRAST = 3.0
MIN_TARGET = 24
# Every control a reader can see or point at, once the page has settled (a frame drawn, transitions run), in the
# scope given: where it is (page coordinates), its size, whether it is a link of words in a sentence, and the part
# of it that stands out most against what is behind it (the part that identifies it). Radio buttons and checkboxes
# that their labels draw are left out: the labels are the controls. `hidden` lists the controls laid out on the page
# but transparent or hidden, that pointing or focus may show; each gets a data-gate-control number to find it by.
CONTROLS_JS = """
async ({scope, only}) => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const running = () => document.getAnimations()
    .filter((a) => a.playState === "running" && a.effect?.getComputedTiming().endTime !== Infinity);
  for (let moving = running(); moving.length; moving = running())
    await Promise.all(moving.map((animation) => animation.finished.catch(() => null)));
""" + WCAG_COLOUR_JS + """
  const hex = (colour) => "#" + colour.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  // What is painted behind an element: its own and its ancestors' backgrounds, down to the first opaque one.
  const behind = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour[3] > 0) layers.unshift(colour);
      if (colour[3] >= 1) break;
    }
    return layers.reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  const opacity = (element) => {
    let product = 1;
    for (let node = element; node; node = node.parentElement) product *= parseFloat(getComputedStyle(node).opacity);
    return product;
  };
  const parts = (el) => {
    const found = [];
    const fade = opacity(el);
    const add = (what, css, ground) => {
      const colour = rgba(css);
      if (colour[3] === 0) return;
      const seen = over([colour[0], colour[1], colour[2], colour[3] * fade], ground);
      found.push({part: what, colour: hex(seen), against: hex(ground), ratio: contrast(seen, ground)});
    };
    const style = getComputedStyle(el);
    const around = behind(el.parentElement || el);
    add("background", style.backgroundColor, around);
    for (const side of ["Top", "Right", "Bottom", "Left"])
      if (parseFloat(style[`border${side}Width`]) >= 1 && style[`border${side}Style`] !== "none")
        add(`${side.toLowerCase()} border`, style[`border${side}Color`], around);
    const texts = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let text = texts.nextNode(); text; text = texts.nextNode())
      if (text.textContent.trim() && text.parentElement.checkVisibility({opacityProperty: true, visibilityProperty: true}))
        add("text", getComputedStyle(text.parentElement).color, behind(text.parentElement));
    if (["INPUT", "TEXTAREA"].includes(el.tagName) && !el.value && el.placeholder)
      add("placeholder", getComputedStyle(el, "::placeholder").color, behind(el));
    for (const shape of el.querySelectorAll("svg path, svg circle, svg rect, svg polygon")) {
      if (!shape.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
      const drawn = getComputedStyle(shape);
      for (const paintWith of [drawn.fill, drawn.stroke]) if (paintWith !== "none") add("icon", paintWith, behind(shape.closest("svg")));
    }
    for (const pseudo of ["::before", "::after"]) {
      const drawn = getComputedStyle(el, pseudo);
      if (["none", "normal"].includes(drawn.content) || drawn.display === "none") continue;
      if (drawn.content !== '""') add(`${pseudo} text`, drawn.color, behind(el));
      add(`${pseudo} icon`, drawn.backgroundColor, behind(el));
    }
    return found;
  };
  const describe = (el) => {
    const name = (el.getAttribute("aria-label") || el.getAttribute("title") || el.textContent).trim().replace(/\\s+/g, " ").slice(0, 40);
    return `<${el.tagName.toLowerCase()} class="${el.className}"> ${el.getAttribute("href") || el.getAttribute("for") || el.id || ""} “${name}”`;
  };
  // A link of words in a sentence: laid out inline, with words of its own and words of the sentence around it.
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== "inline" || !/\\p{L}/u.test(el.textContent)) return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    return /\\p{L}/u.test(block.textContent.replace(el.textContent, ""));
  };
  const onPage = (box) => box.width > 0 && box.height > 0 && box.right > 0 && box.left < document.documentElement.clientWidth;
  const shown = (el) => el.checkVisibility({opacityProperty: true, visibilityProperty: true}) && onPage(el.getBoundingClientRect());
  const drawnByLabel = (el) => ["radio", "checkbox"].includes(el.type) && [...el.labels].length > 0;
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, label[for], [tabindex]:not([tabindex^='-'])";
  const candidates = only ? [document.querySelector(only)] : [...document.querySelectorAll(`${scope} :is(${selector})`)];
  const controls = [];
  const hidden = [];
  candidates.forEach((el, index) => {
    if (drawnByLabel(el) || el.closest("[inert]") || !el.checkVisibility()) return;
    if (!shown(el)) {
      if (onPage(el.getBoundingClientRect())) {
        el.dataset.gateControl = el.dataset.gateControl || `${index}`;
        hidden.push(el.dataset.gateControl);
      }
      return;
    }
    const box = el.getBoundingClientRect();
    const best = parts(el).reduce((a, b) => (b.ratio > a.ratio ? b : a), {part: "nothing", colour: "", against: "", ratio: 1});
    controls.push({control: describe(el), x: box.x + scrollX, y: box.y + scrollY, width: box.width, height: box.height,
                   inSentence: inSentence(el), ...best, ratio: Math.round(best.ratio * 100) / 100});
  });
  return {controls, hidden};
}
"""


def crowding(target: dict, others: list[dict]) -> str | None:
    """For a target under 24 × 24 px, the first other target that its 24 px circle meets (WCAG 2.5.8), else None."""
    cx, cy = target["x"] + target["width"] / 2, target["y"] + target["height"] / 2
    for other in others:
        inside = (other["x"] <= target["x"] and other["y"] <= target["y"]
                  and other["x"] + other["width"] >= target["x"] + target["width"]
                  and other["y"] + other["height"] >= target["y"] + target["height"])
        if other is target or inside:  # the same control, or one around it (a label, the drawer's overlay)
            continue
        if min(other["width"], other["height"]) < MIN_TARGET:  # circle against circle
            distance = math.dist((cx, cy), (other["x"] + other["width"] / 2, other["y"] + other["height"] / 2))
            meets = distance < MIN_TARGET
        else:  # circle against box
            dx = max(other["x"] - cx, 0, cx - other["x"] - other["width"])
            dy = max(other["y"] - cy, 0, cy - other["y"] - other["height"])
            meets = math.hypot(dx, dy) < MIN_TARGET / 2
        if meets:
            return other["control"]
    return None


def control_failures(state: str, controls: list[dict], others: list[dict]) -> dict[tuple[str, str], str]:
    """What is wrong with these controls, measured in this state, among these targets: by control and rule."""
    failures = {}
    for control in controls:
        if control["ratio"] < MIN_CONTRAST:
            failures[(control["control"], "contrast")] = (
                f"{control['control']} ({state}): its {control['part']}, {control['colour']} on "
                f"{control['against']}, has {control['ratio']}:1"
            )
        small = min(control["width"], control["height"]) < MIN_TARGET
        crowded = small and not control["inSentence"] and crowding(control, others)
        if crowded:
            failures[(control["control"], "size")] = (
                f"{control['control']} ({state}): {control['width']:.0f} × {control['height']:.0f} px, and its "
                f"{MIN_TARGET} px circle meets {crowded}"
            )
    return failures


def record(failures: dict[tuple[str, str], str], found: dict[tuple[str, str], str]) -> None:
    """Keep the first failure of each control under each rule: the same control, still wrong in later states, once."""
    for key, failure in found.items():
        failures.setdefault(key, failure)


def point_at_container(page: Page, found: str) -> None:
    """Move the pointer onto the control's container, away from the control itself."""
    spot = page.eval_on_selector(found, """el => {
      const own = el.getBoundingClientRect();
      const box = el.parentElement.getBoundingClientRect();
      const x = own.left - box.left > 4 ? box.left + 2 : box.right - 2;  // level with it, at an edge it leaves clear
      return [x, own.top + own.height / 2];
    }""")
    page.mouse.move(*spot)


def point_at_control(page: Page, found: str) -> None:
    """Move the pointer onto the middle of the control."""
    middle = page.eval_on_selector(found, "el => { const b = el.getBoundingClientRect(); return [b.x + b.width / 2, b.y + b.height / 2]; }")
    page.mouse.move(*middle)


# How a control hidden at rest is shown, tried in turn.
REVEAL = {
    "while pointing at its container": point_at_container,
    "while pointing at it": point_at_control,
    "with keyboard focus": lambda page, found: page.focus(found),
}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("built_page", SITE_PAGES)
def test_page_passes_the_gates_and_every_control_stands_out_and_is_big_enough_to_hit(
    contexts: dict[tuple[str, str], BrowserContext], served_site: str, built_page: str, viewport: str, scheme: str
) -> None:
    """One visit per page, viewport and palette: the gates first, on the page as loaded; then the controls, which
    pointing, focus and the tabs change."""
    context = contexts[(viewport, scheme)]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    failures: dict[tuple[str, str], str] = {}  # each control's first failure of each rule, in the first state seen
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

        at_rest = page.evaluate(CONTROLS_JS, {"scope": "html", "only": None})
        record(failures, control_failures("at rest", at_rest["controls"], at_rest["controls"]))
        # Shown only while the reader points at it or its container (the ¶ links), or focuses it (the skip link).
        for number in at_rest["hidden"]:
            found = f"[data-gate-control='{number}']"
            page.eval_on_selector(found, "el => el.scrollIntoView({block: 'center'})")
            for state, show in REVEAL.items():
                show(page, found)  # pointing moves the pointer off whatever it pointed at before
                revealed = page.evaluate(CONTROLS_JS, {"scope": "html", "only": found})["controls"]
                if state == "with keyboard focus":
                    page.evaluate("document.activeElement?.blur()")
                    page.keyboard.press("Escape")  # the search field opens the search on focus; Escape closes it
                if revealed:
                    record(failures, control_failures(state, revealed, at_rest["controls"]))
                    break
        page.mouse.move(0, 0)
        # Every panel of every set of tabs (the citation styles), and on a narrow screen the open navigation drawer
        # and its table of contents.
        page.evaluate("scrollTo(0, 0)")
        tabs = page.evaluate("""[...document.querySelectorAll('.tabbed-set > input:not(:checked)')]
          .map(input => [input.id, input.labels[0]?.textContent.trim()])""")
        for tab, name in tabs:
            page.evaluate("id => document.getElementById(id).click()", tab)
            shown = page.evaluate(CONTROLS_JS, {"scope": "html", "only": None})["controls"]
            record(failures, control_failures(f"with the {name} tab shown", shown, shown))
        if page.evaluate("matchMedia('(max-width: 76.234375em)').matches"):
            for toggle, state in (("__drawer", "in the open navigation drawer"), ("__toc", "in its table of contents")):
                opened = page.evaluate("id => { const box = document.getElementById(id); box?.click(); return !!box }", toggle)
                if not opened:
                    continue
                shown = page.evaluate(CONTROLS_JS, {"scope": ".md-sidebar--primary", "only": None})["controls"]
                record(failures, control_failures(state, shown, shown))
    finally:
        page.close()
    assert not failures, (
        f"{built_page}, {viewport}, {scheme}: controls hard to see (under {MIN_CONTRAST}:1) or to hit (under "
        f"{MIN_TARGET} × {MIN_TARGET} px, too close to another):\n" + "\n".join(sorted(failures.values()))
    )

