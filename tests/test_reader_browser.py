"""What only a browser shows: measure, text size, contrast in both palettes, ¶ links, paragraph numbers, copy buttons,
print, reading without JavaScript. (That pages fit their window: tests/test_engines.py and tests/test_first_paint.py.)"""

from __future__ import annotations

import re
import subprocess
import unicodedata

import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from helpers import FACTS, Reference, load, revision

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

# WCAG contrast of an element's text against the page background, alpha blended.
CONTRAST_JS = """
(element) => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const blend = (top, bottom) => {
    const a = top.length > 3 ? top[3] : 1;
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a));
  };
  let background = [255, 255, 255];
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length > 3 && c[3] === 0) continue;
    layers.push(c);
    if (c.length === 3 || c[3] === 1) break;
  }
  for (const layer of layers.reverse()) background = blend(layer, background);
  const text = blend(parse(getComputedStyle(element).color), background);
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [luminance(text), luminance(background)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
"""

PAGES = ["", "author/", "edition/", "glossary/"]
FURNITURE = {
    "standfirst": "p.standfirst",
    "byline": "p.byline",
    "body paragraph": "#p-3",
    "paragraph number": "#p-3 > .para-number",
    "figure caption": "figcaption",
    "photo placeholder": ".photo-placeholder p",
    "author bio": "p.bio",
}


def open_page(browser: Browser, url: str, width: int, scheme: str = "light", javascript: bool = True) -> Page:
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, java_script_enabled=javascript
    )
    page = context.new_page()
    load(page, url, wait_until="load")
    return page


def close(page: Page) -> None:
    page.context.close()


def flat(text: str) -> str:
    """Text compared without whitespace, hyphens or ligatures: layout breaks lines anywhere, and
    pdftotext joins a word broken at a line-end hyphen ("win-" + "lose") without its hyphen."""
    return re.sub(r"[\s-]+", "", unicodedata.normalize("NFKC", text))


# ---------- Layout ----------


@pytest.mark.parametrize("paragraph", ["#p-3", "#p-5", "#p-9"])
def test_desktop_measure_is_60_to_75_characters(browser: Browser, served_site: str, paragraph: str) -> None:
    page = open_page(browser, served_site, 1280)
    counts = page.eval_on_selector(paragraph, CHARACTERS_PER_LINE_JS)
    close(page)
    full_lines = counts[:-1]  # the last line of a paragraph is short by nature
    assert len(full_lines) >= 3, f"{paragraph} has too few lines to measure: {counts}"
    average = sum(full_lines) / len(full_lines)
    assert 60 <= average <= 75, f"{paragraph} averages {average:.1f} characters a line at 1280 px: {counts}"


@pytest.mark.parametrize("path", PAGES)
def test_body_text_is_at_least_16_px_at_320_px(browser: Browser, served_site: str, path: str) -> None:
    page = open_page(browser, served_site + path, 320)
    font_size = page.eval_on_selector("article.md-content__inner p", "e => parseFloat(getComputedStyle(e).fontSize)")
    close(page)
    assert font_size >= 16, f"/{path} body text is {font_size} px at 320 px"


def test_generous_line_height(browser: Browser, served_site: str) -> None:
    page = open_page(browser, served_site, 1280)
    ratio = page.eval_on_selector(
        "#p-3", "e => parseFloat(getComputedStyle(e).lineHeight) / parseFloat(getComputedStyle(e).fontSize)"
    )
    close(page)
    assert 1.5 <= ratio <= 1.9, f"body line height is {ratio:.2f} times the font size"


@pytest.mark.parametrize("scheme, expected", [("light", "default"), ("dark", "slate")])
def test_article_furniture_is_legible_in_both_palettes(
    browser: Browser, served_site: str, scheme: str, expected: str
) -> None:
    # That the system setting gives this palette is checked on every page in tests/test_browser_gates.py.
    page = open_page(browser, served_site, 1280, scheme)
    contrasts = {name: page.eval_on_selector(selector, CONTRAST_JS) for name, selector in FURNITURE.items()}
    close(page)
    weak = {name: round(value, 2) for name, value in contrasts.items() if value < 4.5}
    assert not weak, f"text below WCAG AA contrast (4.5:1) in the {expected} palette: {weak}"


# ---------- Paragraph links ----------


# An element's computed style once its transitions have finished (the ¶ fades in over 125 ms): reading
# the animations also applies any style change just made, so a fade that has to start has started.
STYLE_WHEN_SETTLED_JS = """
async (element, property) => {
  await Promise.all(element.getAnimations({ subtree: true }).map((animation) => animation.finished));
  return getComputedStyle(element)[property];
}
"""


def settled_style(page: Page, selector: str, property: str) -> str:
    return page.eval_on_selector(selector, STYLE_WHEN_SETTLED_JS, property)


def link_opacity(page: Page, anchor: str) -> float:
    return float(settled_style(page, f"#{anchor} > a.para-link", "opacity"))


def test_paragraph_link_shows_on_hover_and_keyboard_focus(browser: Browser, served_site: str) -> None:
    page = open_page(browser, served_site, 1280)
    try:
        assert link_opacity(page, "p-1") == 0, "the ¶ link shows before the reader points at the paragraph"
        page.hover("#p-3")
        assert link_opacity(page, "p-3") == 1, "the ¶ link does not show when hovering over its paragraph"
        page.mouse.move(0, 0)
        page.focus("p.byline a[href='#cite-this-article']")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
        assert focused == "Link to paragraph 1", f"Tab after the byline reaches {focused!r}, not the first ¶ link"
        assert link_opacity(page, "p-1") == 1, "the ¶ link stays invisible when focused with the keyboard"
        assert page.get_by_role("link", name="Link to paragraph 3", exact=True).count() == 1
    finally:
        close(page)


def test_opening_a_paragraph_link_scrolls_to_and_highlights_it(browser: Browser, served_site: str) -> None:
    page = open_page(browser, served_site + "#p-9", 1280)
    try:
        where = "[document.querySelector('#p-9').getBoundingClientRect().top, document.querySelector('.md-header').getBoundingClientRect().bottom]"
        try:  # the browser scrolls to the fragment as the page loads; wait for it to stand below the header
            page.wait_for_function(f"(([top, header]) => header <= top && top < 400)({where})", timeout=5_000)
        except PlaywrightTimeoutError:
            pass  # the assertion below says where it stands
        top, header = page.evaluate(where)
        background = settled_style(page, "#p-9", "backgroundColor")
        other = page.eval_on_selector("#p-8", "e => getComputedStyle(e).backgroundColor")
        assert header <= top < 400, f"#p-9 is at {top} px, not just below the header ({header} px)"
        assert background != other, f"the targeted paragraph is not highlighted ({background})"
        assert link_opacity(page, "p-9") == 1, "the targeted paragraph does not show its ¶ link"
    finally:
        close(page)


# ---------- Paragraph numbers ----------

# Where each paragraph number sits: its box, its paragraph's border and content edges, the
# first character of the author's text, and how many boxes of other text it overlaps.
PARAGRAPH_NUMBERS_JS = """
(article) => {
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
    };
  });
}
"""


def paragraph_numbers(page: Page) -> list[dict]:
    return page.eval_on_selector("article.md-content__inner", PARAGRAPH_NUMBERS_JS)


def check_numbers_readable(numbers: list[dict], reference: Reference, viewport_width: float) -> None:
    """Every number shown, matching its anchor, small, on its paragraph's first line, over no text."""
    assert [n["id"] for n in numbers] == [f"p-{i}" for i in range(1, len(reference.paragraphs) + 1)]
    for number in numbers:
        where = f"#{number['id']}"
        assert number["shown"], f"{where}: the number is not shown"
        assert number["id"] == f"p-{number['label']}", f"{where} shows the number {number['label']!r}"
        assert 0 <= number["left"] and number["right"] <= viewport_width, f"{where}: the number is off screen: {number}"
        assert number["first"]["top"] <= number["middle"] <= number["first"]["bottom"], (
            f"{where}: the number is not on the paragraph's first line: {number}"
        )
        assert number["overlaps"] == 0, f"{where}: the number overlaps {number['overlaps']} boxes of text"
        assert number["smaller"], f"{where}: the number is as large as the text"


def readable_numbers_at(browser: Browser, url: str, reference: Reference, width: int, javascript: bool) -> list[dict]:
    """The paragraph numbers at one window width, once checked readable."""
    page = open_page(browser, url, width, javascript=javascript)
    try:
        numbers = paragraph_numbers(page)
        window = page.evaluate("document.documentElement.clientWidth")
    finally:
        close(page)
    check_numbers_readable(numbers, reference, window)
    return numbers


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_paragraph_numbers_stand_in_the_margin_on_a_wide_screen(
    browser: Browser, served_site: str, reference: Reference, javascript: bool
) -> None:
    for number in readable_numbers_at(browser, served_site, reference, 1280, javascript):
        assert number["right"] <= number["paragraphLeft"] - 4, f"#{number['id']}: the number is not in the margin: {number}"
        assert abs(number["first"]["left"] - number["contentLeft"]) < 1, (
            f"#{number['id']}: the number pushes the first word in: {number}"
        )


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_paragraph_numbers_stand_before_the_first_word_on_a_phone(
    browser: Browser, served_site: str, reference: Reference, javascript: bool
) -> None:
    for number in readable_numbers_at(browser, served_site, reference, 375, javascript):
        assert number["contentLeft"] - 1 <= number["left"] and number["right"] < number["first"]["left"], (
            f"#{number['id']}: the number is not just before the first word, inside the column: {number}"
        )


def test_paragraph_numbers_print_and_the_paragraph_links_do_not(
    browser: Browser, served_site: str, reference: Reference
) -> None:
    page = open_page(browser, served_site, 1280)
    try:
        page.emulate_media(media="print")
        numbers = paragraph_numbers(page)
        links = page.eval_on_selector_all("a.para-link", "links => links.map((a) => getComputedStyle(a).display)")
    finally:
        close(page)
    check_numbers_readable(numbers, reference, 1280)
    assert set(links) == {"none"}, f"¶ links are printed: {links}"


def test_printed_paragraphs_open_with_their_numbers(printed_text: str, reference: Reference) -> None:
    printed = flat(printed_text)
    missing = [
        f"{number} {paragraph[:40]}…"
        for number, paragraph in enumerate(reference.paragraphs, start=1)
        if flat(f"{number} {' '.join(paragraph.split()[:4])}") not in printed
    ]
    assert not missing, "the printed article lacks these numbered openings:\n" + "\n".join(missing)


def spoken_text(page: Page, selector: str) -> tuple[str, list[str]]:
    """What Chromium's accessibility tree offers for an element: its text outside links, and its links' names."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    backend = cdp.send("DOM.describeNode", {"nodeId": node})["node"]["backendNodeId"]
    tree = {ax["nodeId"]: ax for ax in cdp.send("Accessibility.getFullAXTree")["nodes"]}
    start = next(ax for ax in tree.values() if ax.get("backendDOMNodeId") == backend)
    texts: list[str] = []
    links: list[str] = []

    def walk(ax: dict) -> None:
        role = ax.get("role", {}).get("value")
        name = ax.get("name", {}).get("value", "")
        if not ax.get("ignored") and role == "link":
            links.append(name)
            return
        if not ax.get("ignored") and role == "StaticText":
            texts.append(name)
        for child in ax.get("childIds", []):
            walk(tree[child])

    walk(start)
    cdp.detach()
    return "".join(texts), links


@pytest.mark.parametrize("number", [1, 5, 12, 14])
def test_screen_readers_hear_the_paragraph_and_its_link_but_no_stray_number(
    browser: Browser, served_site: str, reference: Reference, number: int
) -> None:
    page = open_page(browser, served_site, 1280)
    try:
        text, links = spoken_text(page, f"#p-{number}")
    finally:
        close(page)
    assert " ".join(text.split()) == reference.paragraphs[number - 1], (
        f"a screen reader hears #p-{number} as: {text[:80]}…"
    )
    assert links == [f"Link to paragraph {number}"], f"#p-{number}'s links are named {links}"


# ---------- Citation ----------


CITATION_STYLES = ["Chicago", "MLA", "APA", "BibTeX"]


def test_each_citation_form_has_a_copy_button(browser: Browser, served_site: str) -> None:
    page = open_page(browser, served_site + "#cite-this-article", 1280)
    try:
        page.locator("html.js").wait_for(state="attached")  # the theme's script has started
        tabs = page.locator("#cite-this-article ~ .tabbed-set").first
        for style in CITATION_STYLES:
            tabs.locator(".tabbed-labels label").get_by_text(style, exact=True).click()
            block = tabs.locator(".tabbed-block:visible")
            assert block.count() == 1, f"{style}: {block.count()} panels visible"
            assert "Mahoney" in block.inner_text(), f"{style}: the visible panel is not a citation"
            forms = block.locator(".citation-form")
            assert forms.count() >= 1, f"{style}: no citation forms"
            for form in forms.all():
                # Formatted forms carry their own button; the BibTeX code block gets the theme's.
                button = form.locator("button.md-clipboard, button.md-code__button[data-md-type='copy']")
                assert button.count() == 1 and button.is_visible(), f"{style}: a form has no visible copy button"
    finally:
        close(page)


# ---------- No JavaScript ----------


def test_article_reads_in_full_without_javascript(
    browser: Browser, served_site: str, reference: Reference
) -> None:
    page = open_page(browser, served_site, 1280, javascript=False)
    try:
        assert page.evaluate("typeof window.__md_scope") == "undefined", "JavaScript ran although disabled"
        visible = flat(page.locator("article.md-content__inner").inner_text())
        missing = [b[:60] for b in [reference.title, reference.standfirst, *reference.body, reference.bio] if flat(b) not in visible]
        assert not missing, f"without JavaScript these are not visible: {missing}"
        assert page.locator("figure").count() == 2 and all(f.is_visible() for f in page.locator("figure").all())
        author = page.locator("p.byline a", has_text=FACTS.author)
        assert author.is_visible() and author.get_attribute("href").rstrip("/").endswith("author")
        page.locator("p.byline a", has_text="Cite this article").click()
        assert page.url.endswith("#cite-this-article")
        tabs = page.locator("#cite-this-article ~ .tabbed-set").first
        for style in CITATION_STYLES:
            tabs.locator(".tabbed-labels label").get_by_text(style, exact=True).click()
            shown = tabs.locator(".tabbed-block:visible")
            assert shown.count() == 1 and "Mahoney" in shown.inner_text(), f"without JavaScript the {style} tab shows nothing"
        assert page.locator("article abbr[title='Shanghai Cooperation Organisation']").count() > 0
    finally:
        close(page)


# ---------- Print ----------


@pytest.fixture(scope="module")
def printed_text(browser: Browser, served_site: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    pdf = tmp_path_factory.mktemp("print") / "article.pdf"
    page = open_page(browser, served_site, 1280)
    page.pdf(path=str(pdf), format="A4", print_background=False)
    close(page)
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"pdftotext failed: {result.stderr}"
    return result.stdout


def test_print_has_every_word_of_the_article(printed_text: str, reference: Reference) -> None:
    printed = flat(printed_text)
    blocks = {"title": reference.title, "standfirst": reference.standfirst, "bio": reference.bio}
    blocks |= {f"body block {i}": text for i, text in enumerate(reference.body, start=1)}
    missing = [f"{name}: {text[:60]}…" for name, text in blocks.items() if flat(text) not in printed]
    assert not missing, "the printed article lacks:\n" + "\n".join(missing)


def test_print_has_byline_and_page_address(printed_text: str, site_url: str) -> None:
    printed = flat(printed_text)
    assert flat(f"By {FACTS.author}") in printed and "minread" in printed, "the byline is not printed"
    assert flat(site_url) in printed, f"the printed copy does not give its address {site_url}"


def test_print_names_the_revision(printed_text: str) -> None:
    date, commit = revision()
    assert flat(f"revision {date} (commit {commit})") in flat(printed_text), "the printed page does not name its revision"


def test_print_has_no_site_chrome(printed_text: str) -> None:
    chrome = {
        "search box": r"\bSearch\b",
        "site name in the header": r"a reading edition",
        "footer": r"open an issue",
        "footer credit": r"Made with",
        "navigation tabs": r"About this edition",
        "¶ links": r"¶",
    }
    found = [name for name, pattern in chrome.items() if re.search(pattern, printed_text)]
    assert not found, f"the printed page shows site chrome: {found}"
