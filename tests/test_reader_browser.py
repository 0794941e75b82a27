"""What only a browser shows, in Chromium: measure and text size, ¶ links, paragraph numbers on screen and in print
(placed, legible in both palettes), what screen readers hear, print, reading without JavaScript. (That pages fit
their window: tests/test_engines.py and tests/test_first_paint.py; other text's contrast: test_browser_gates.py.)"""

from __future__ import annotations

import re
import subprocess
import unicodedata

import pytest
from playwright.sync_api import Browser, Page

from helpers import CONTENT_PAGES, FACTS, WCAG_COLOUR_JS, Reference, abbreviations, load, page_url, revision

# Characters on each line of an element's text, ¶ links and paragraph numbers left out: one Range per character,
# grouped by the vertical middle of its box.
CHARACTERS_PER_LINE_JS = """
(element) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const lines = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('.para-link, .para-number')) continue;
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box) continue;
      const middle = box.top + box.height / 2;
      const line = lines.find((l) => Math.abs(l.middle - middle) < box.height / 2);
      if (line) line.count += 1; else lines.push({ middle, count: 1 });
    }
  }
  return lines.sort((a, b) => a.middle - b.middle).map((l) => l.count);
}
"""

# An element's text against what is painted behind it (its and its ancestors' backgrounds, down to the first
# opaque one). axe-core checks every other text's contrast (tests/test_browser_gates.py) but passes over the
# paragraph numbers, hidden from screen readers.
TEXT_CONTRAST_JS = """(element) => {""" + WCAG_COLOUR_JS + """
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const c = rgba(getComputedStyle(node).backgroundColor);
    if (c[3] === 0) continue;
    layers.unshift(c);
    if (c[3] === 1) break;
  }
  const background = layers.reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
  return contrast(over(rgba(getComputedStyle(element).color), background), background);
}"""

def open_page(browser: Browser, url: str, width: int, scheme: str = "light", javascript: bool = True) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, java_script_enabled=javascript
    )
    page = context.new_page()
    load(page, url, wait_until="load")
    return page


def flat(text: str) -> str:
    """Text compared without whitespace, hyphens or ligatures: layout breaks lines anywhere, and
    pdftotext joins a word broken at a line-end hyphen ("win-" + "lose") without its hyphen."""
    return re.sub(r"[\s-]+", "", unicodedata.normalize("NFKC", text))


# ---------- Layout ----------


def test_desktop_measure_is_60_to_75_characters_with_generous_leading(browser: Browser, served_site: str) -> None:
    page = open_page(browser, served_site, 1280)
    try:
        for paragraph in ["#p-3", "#p-5", "#p-9"]:
            counts = page.eval_on_selector(paragraph, CHARACTERS_PER_LINE_JS)
            full_lines = counts[:-1]  # the last line of a paragraph is short by nature
            assert len(full_lines) >= 3, f"{paragraph} has too few lines to measure: {counts}"
            average = sum(full_lines) / len(full_lines)
            assert 60 <= average <= 75, f"{paragraph} averages {average:.1f} characters a line at 1280 px: {counts}"
        ratio = page.eval_on_selector(
            "#p-3", "e => parseFloat(getComputedStyle(e).lineHeight) / parseFloat(getComputedStyle(e).fontSize)"
        )
        assert 1.5 <= ratio <= 1.9, f"body line height is {ratio:.2f} times the font size"
    finally:
        page.context.close()


@pytest.mark.parametrize("content_page", CONTENT_PAGES)
def test_body_text_is_at_least_16_px_at_320_px(browser: Browser, served_site: str, content_page: str) -> None:
    page = open_page(browser, page_url(served_site, content_page), 320)
    font_size = page.eval_on_selector("article.md-content__inner p", "e => parseFloat(getComputedStyle(e).fontSize)")
    page.context.close()
    assert font_size >= 16, f"{content_page}: body text is {font_size} px at 320 px"


# ---------- Paragraph links ----------

# Following a ¶ link (scroll, highlight, :target) is checked in three engines in tests/test_engines.py.

# An element's computed style once its transitions have finished (the ¶ fades in over 125 ms): reading
# the animations also applies any style change just made, so a fade that has to start has started.
STYLE_WHEN_SETTLED_JS = """
async (element, property) => {
  await Promise.all(element.getAnimations({ subtree: true }).map((animation) => animation.finished));
  return getComputedStyle(element)[property];
}
"""


def link_opacity(page: Page, anchor: str) -> float:
    return float(page.eval_on_selector(f"#{anchor} > a.para-link", STYLE_WHEN_SETTLED_JS, "opacity"))


def test_paragraph_link_shows_on_hover_keyboard_focus_and_target(browser: Browser, served_site: str) -> None:
    page = open_page(browser, served_site, 1280)
    try:
        assert link_opacity(page, "p-1") == 0, "the ¶ link shows before the reader points at the paragraph"
        page.hover("#p-3")
        assert link_opacity(page, "p-3") == 1, "the ¶ link does not show when hovering over its paragraph"
        page.mouse.move(0, 0)
        page.focus("p.byline a[href='#cite-this-article']")
        # Through the paragraph's own links (the editors' glossary links) to its ¶ link, its last.
        for _ in range(page.locator("#p-1 a").count()):
            page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('href')")
        assert focused == "#p-1", f"Tab through the first paragraph's links reaches {focused!r}, not its ¶ link"
        assert link_opacity(page, "p-1") == 1, "the ¶ link stays invisible when focused with the keyboard"
        page.goto(served_site + "#p-9")
        assert link_opacity(page, "p-9") == 1, "the paragraph a link opened (#p-9) does not show its ¶ link"
    finally:
        page.context.close()


# ---------- Paragraph numbers ----------

# Where each paragraph number sits: its box, its paragraph's border and content edges, the
# first character of the author's text, how many boxes of other text it overlaps, and its contrast.
PARAGRAPH_NUMBERS_JS = """
(article) => {
  const contrast = """ + TEXT_CONTRAST_JS + """;
  const range = document.createRange();
  const texts = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || node.parentElement.closest('.para-number')) continue;
    range.selectNodeContents(node);
    for (const box of range.getClientRects()) if (box.width && box.height) texts.push(box);
  }
  return [...article.querySelectorAll('.para-number')].map((number) => {
    const paragraph = number.parentElement;
    const style = getComputedStyle(paragraph);
    const outer = paragraph.getBoundingClientRect();
    const box = number.getBoundingClientRect();
    const inside = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
    let first = inside.nextNode();
    while (first && (first.parentElement.closest('.para-number') || !first.textContent.trim())) first = inside.nextNode();
    const offset = first.textContent.search(/\\S/);
    range.setStart(first, offset);
    range.setEnd(first, offset + 1);
    const character = range.getBoundingClientRect();
    return {
      id: paragraph.id,
      label: number.textContent,
      shown: getComputedStyle(number).display !== 'none' && getComputedStyle(number).visibility === 'visible'
        && box.width > 0 && box.height > 0,
      left: box.left, right: box.right, middle: (box.top + box.bottom) / 2,
      paragraphLeft: outer.left,
      contentLeft: outer.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft),
      first: {left: character.left, top: character.top, bottom: character.bottom},
      overlaps: texts.filter((t) => t.left < box.right && t.right > box.left && t.top < box.bottom && t.bottom > box.top).length,
      smaller: parseFloat(getComputedStyle(number).fontSize) < parseFloat(style.fontSize),
      contrast: contrast(number),
      window: document.documentElement.clientWidth,
    };
  });
}
"""


def in_the_margin(number: dict) -> bool:
    """Left of the paragraph's box, leaving the first word where the other lines start."""
    return number["right"] <= number["paragraphLeft"] - 4 and abs(number["first"]["left"] - number["contentLeft"]) < 1


def before_the_first_word(number: dict) -> bool:
    """Inside the column, just before the first word."""
    return number["contentLeft"] - 1 <= number["left"] and number["right"] < number["first"]["left"]


# A wide screen has a margin to spare; a phone and paper have not. Each palette is seen once.
LAYOUTS = {
    "wide": (1280, True, "screen", "light", in_the_margin),
    "wide-no-script": (1280, False, "screen", "light", in_the_margin),
    "phone-dark": (375, True, "screen", "dark", before_the_first_word),
    "phone-no-script": (375, False, "screen", "light", before_the_first_word),
    "print": (1280, True, "print", "light", before_the_first_word),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_paragraph_numbers_are_readable_and_placed_for_the_layout(
    browser: Browser, served_site: str, reference: Reference, layout: str
) -> None:
    """Every number shown, matching its anchor, smaller than the text but legible, on its paragraph's first line,
    over no text."""
    width, javascript, media, scheme, placed = LAYOUTS[layout]
    page = open_page(browser, served_site, width, scheme, javascript)
    try:
        page.emulate_media(media=media)  # type: ignore[arg-type]
        numbers = page.eval_on_selector("article.md-content__inner", PARAGRAPH_NUMBERS_JS)
    finally:
        page.context.close()
    expected = [f"p-{i}" for i in range(1, len(reference.paragraphs) + 1)]
    assert [n["id"] for n in numbers] == expected, f"{layout}: the numbered paragraphs are not p-1…p-{len(expected)}"
    for number in numbers:
        where = f"{layout}, #{number['id']}"
        assert number["shown"], f"{where}: the number is not shown"
        assert number["id"] == f"p-{number['label']}", f"{where} shows the number {number['label']!r}"
        assert 0 <= number["left"] and number["right"] <= number["window"], f"{where}: the number is off screen: {number}"
        assert number["first"]["top"] <= number["middle"] <= number["first"]["bottom"], (
            f"{where}: the number is not on the paragraph's first line: {number}"
        )
        assert number["overlaps"] == 0, f"{where}: the number overlaps {number['overlaps']} boxes of text"
        assert number["smaller"], f"{where}: the number is as large as the text"
        assert number["contrast"] >= 4.5, f"{where}: the number's contrast is {number['contrast']:.2f}, below WCAG AA's 4.5"
        assert placed(number), f"{where}: the number is not {placed.__name__.replace('_', ' ')}: {number}"


def spoken_text(page: Page, selector: str) -> tuple[str, list[str]]:
    """What Chromium's accessibility tree offers for an element: its text (with links named by their own words),
    and its links' names."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    backend = cdp.send("DOM.describeNode", {"nodeId": node})["node"]["backendNodeId"]
    tree = {ax["nodeId"]: ax for ax in cdp.send("Accessibility.getFullAXTree")["nodes"]}
    start = next(ax for ax in tree.values() if ax.get("backendDOMNodeId") == backend)
    texts: list[str] = []
    links: list[str] = []

    def walk(ax: dict, into: list[str]) -> None:
        role = ax.get("role", {}).get("value")
        name = ax.get("name", {}).get("value", "")
        if not ax.get("ignored") and role == "link":
            inside: list[str] = []
            for child in ax.get("childIds", []):
                walk(tree[child], inside)
            links.append(name)
            # A link named by its own words (the editors' glossary links) is heard as part of the sentence.
            if " ".join("".join(inside).split()) == " ".join(name.split()):
                into.extend(inside)
            return
        if not ax.get("ignored") and role == "StaticText":
            into.append(name)
        for child in ax.get("childIds", []):
            walk(tree[child], into)

    walk(start, texts)
    cdp.detach()
    return "".join(texts), links


def test_screen_readers_hear_each_paragraph_and_its_link_but_no_stray_number(
    browser: Browser, served_site: str, reference: Reference
) -> None:
    page = open_page(browser, served_site, 1280)
    try:
        for number, paragraph in enumerate(reference.paragraphs, start=1):
            text, links = spoken_text(page, f"#p-{number}")
            assert " ".join(text.split()) == paragraph, f"a screen reader hears #p-{number} as: {text[:80]}…"
            numbered = [name for name in links if str(number) in name.split()]
            assert len(numbered) == 1 and all(name in paragraph for name in links if name not in numbered), (
                f"#p-{number}'s links are named {links}: not one ¶ link naming its paragraph's number, "
                "the others named by the paragraph's words"
            )
    finally:
        page.context.close()


# ---------- No JavaScript ----------


def test_article_reads_in_full_without_javascript(browser: Browser, served_site: str, reference: Reference) -> None:
    page = open_page(browser, served_site, 1280, javascript=False)
    try:
        assert page.evaluate("typeof window.__md_scope") == "undefined", "JavaScript ran although disabled"
        visible = flat(page.locator("article.md-content__inner").inner_text())
        missing = [b[:60] for b in [reference.title, reference.standfirst, *reference.body, reference.bio] if flat(b) not in visible]
        assert not missing, f"without JavaScript these are not visible: {missing}"
        figures = page.locator("figure").all()
        assert figures and all(f.is_visible() for f in figures), "without JavaScript a figure is hidden"
        author = page.locator("p.byline a", has_text=FACTS.author)
        assert author.is_visible() and author.get_attribute("href").rstrip("/").endswith("author"), (
            "without JavaScript the byline shows no link to the author's page"
        )
        page.locator("p.byline a[href='#cite-this-article']").click()
        assert page.url.endswith("#cite-this-article"), f"the byline's citation link led to {page.url}"
        # Every citation style's tab shows its panel, naming the author, by CSS alone.
        tabs = page.locator("#cite-this-article ~ .tabbed-set").first
        labels = tabs.locator(".tabbed-labels > label").all()
        assert labels, "no citation style tabs"
        family_name = FACTS.author.split()[-1]
        for label in labels:
            label.click()
            shown = tabs.locator(".tabbed-block:visible")
            assert shown.count() == 1 and family_name in shown.inner_text(), (
                f"without JavaScript the {label.inner_text()} tab shows no citation"
            )
        unmarked = [a for a, expansion in abbreviations().items() if not page.locator(f"article abbr[title='{expansion}']").count()]
        assert not unmarked, f"without JavaScript these abbreviations carry no expansion: {unmarked}"
    finally:
        page.context.close()


# ---------- Print ----------


@pytest.fixture(scope="module")
def printed_text(browser: Browser, served_site: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The article printed by a reader whose system is dark, background graphics on (the colours in print, from
    either palette, are checked in test_print_is_ink_on_white_without_site_chrome)."""
    pdf = tmp_path_factory.mktemp("print") / "article.pdf"
    page = open_page(browser, served_site, 1280, "dark")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    page.context.close()
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"pdftotext failed: {result.stderr}"
    return result.stdout


def test_print_has_the_whole_article_numbered_with_author_address_and_revision(
    printed_text: str, reference: Reference, site_url: str
) -> None:
    date, commit = revision()
    expected = {"title": reference.title, "standfirst": reference.standfirst, "bio": reference.bio}
    expected |= {f"body block {i}": text for i, text in enumerate(reference.body, start=1)}
    # Each paragraph opens with its number, as a citation of one paragraph needs.
    expected |= {
        f"paragraph {n}'s opening with its number": f"{n} {' '.join(text.split()[:4])}"
        for n, text in enumerate(reference.paragraphs, start=1)
    }
    expected |= {"author": FACTS.author, "address": site_url, "revision date": date, "revision commit": commit}
    printed = flat(printed_text)
    missing = [f"{name}: {text[:60]}" for name, text in expected.items() if flat(text) not in printed]
    assert not missing, "the printed article lacks:\n" + "\n".join(missing)


# The theme's furniture around the article, and the byline's links to the downloads and the citation (printed at
# the end): none of it does anything on paper.
SITE_CHROME = {
    "header": ".md-header",
    "navigation tabs": ".md-tabs",
    "sidebars": ".md-sidebar",
    "search": ".md-search",
    "footer": ".md-footer",
    "¶ links": "a.para-link",
    "byline's download links": "p.byline a[download]",
    "byline's citation link": "p.byline a[href='#cite-this-article']",
}

# In print, once the colours' transitions to it have run: each printed text's contrast on white paper (backgrounds
# off) and on what is printed behind it (backgrounds on), every background that is not a light tint of the
# paper, and each photo placeholder's lines of text, its inner height and its text's line height.
PRINTED_COLOURS_JS = """
async () => {
  for (let running = document.getAnimations(); running.length; running = document.getAnimations())
    await Promise.all(running.map((animation) => animation.finished.catch(() => null)));""" + WCAG_COLOUR_JS + """
  const paper = [255, 255, 255, 1];
  const printedBehind = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) layers.unshift(rgba(getComputedStyle(node).backgroundColor));
    return layers.reduce((below, layer) => over(layer, below), paper);
  };
  const shown = (element) => element.checkVisibility({opacityProperty: true, visibilityProperty: true});
  const name = (element) => element.tagName.toLowerCase() + [...element.classList].map((c) => "." + c).join("");
  const range = document.createRange();
  const texts = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || texts.has(element) || !shown(element)) continue;
    range.selectNodeContents(node);
    if (![...range.getClientRects()].some((box) => box.width > 0 && box.height > 0)) continue;
    const ink = rgba(getComputedStyle(element).color);
    const behind = printedBehind(element);
    texts.set(element, {text: node.textContent.trim().slice(0, 40), element: name(element),
      paper: contrast(over(ink, paper), paper), printed: contrast(over(ink, behind), behind)});
  }
  const dark = [...document.querySelectorAll("body, body *")].filter(shown)
    .map((element) => ({element: name(element), background: contrast(printedBehind(element), paper)}))
    .filter((found) => found.background > 1.5);
  const placeholders = [...document.querySelectorAll(".photo-placeholder")].map((box) => {
    const style = getComputedStyle(box);
    const text = box.querySelector("p") ?? box;
    range.selectNodeContents(text);
    const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    const frame = ["paddingTop", "paddingBottom", "borderTopWidth", "borderBottomWidth"]
      .reduce((sum, side) => sum + parseFloat(style[side]), 0);
    return {lines, inner: box.getBoundingClientRect().height - frame, lineHeight: parseFloat(getComputedStyle(text).lineHeight)};
  });
  return {texts: [...texts.values()], dark, placeholders};
}
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_print_is_ink_on_white_without_site_chrome(browser: Browser, served_site: str, scheme: str) -> None:
    """Paper is white whatever the reader's palette: every text legible on it, no dark box, and what does nothing
    on paper left out; a missing photograph is a one-line note."""
    page = open_page(browser, served_site, 1280, scheme)
    try:
        page.emulate_media(media="print")
        found = {name: page.locator(selector) for name, selector in SITE_CHROME.items()}
        absent = [name for name, elements in found.items() if elements.count() == 0]
        printed = [name for name, elements in found.items() if any(e.is_visible() for e in elements.all())]
        colours = page.evaluate(PRINTED_COLOURS_JS)
    finally:
        page.context.close()
    where = f"printed from the {scheme} palette"
    assert not absent, f"nothing to check: the page has no {absent}"
    assert not printed, f"{where}, the page shows {printed}"
    faint = [
        f"{t['text']!r} ({t['element']}): {t['paper']:.2f} on paper, {t['printed']:.2f} on its printed background"
        for t in colours["texts"] if min(t["paper"], t["printed"]) < 4.5
    ]
    assert colours["texts"] and not faint, f"{where}, texts below 4.5:1:\n" + "\n".join(faint)
    dark = [f"{d['element']} ({d['background']:.2f}:1 against the paper)" for d in colours["dark"]]
    assert not dark, f"{where}, these backgrounds are dark (a light tint is at most 1.5:1): {dark}"
    placeholders = colours["placeholders"]
    tall = [p for p in placeholders if p["lines"] != 1 or p["inner"] > 1.5 * p["lineHeight"]]
    assert placeholders and not tall, (
        f"{where}, a photo placeholder is not one line (lines, inner height and line height in px): {tall}"
    )
