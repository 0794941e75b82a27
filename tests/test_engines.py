"""The reader's checks, written once and run in Chromium, Firefox (Gecko) and WebKit, at a phone's and a
desktop's width: every page starts the theme quietly and privately and fits; search, the palette toggle,
¶ links, every citation form's copy button and the skip link work, with no error or CSP violation on the way;
the essay starts on a phone's first screen, under a byline that leaves no word alone on a line.

Each engine is one browser process for this module, behind the interface in tests/engines.py. Run one
engine alone with its marker: ./scripts/test -m webkit (or chromium, firefox).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser

from helpers import SITE_PAGES, page_url, serve
from engines import PROBE_SCRIPT, ChromiumEngine, Engine, FirefoxEngine, ForeignRequestTrap, WebKitEngine

# Selenium's own WebKitGTK driver still calls an API it has deprecated; nothing here to change.
pytestmark = pytest.mark.filterwarnings("ignore:setting remote_server_addr:DeprecationWarning")
ENGINES = [pytest.param(name, marks=getattr(pytest.mark, name)) for name in ("chromium", "firefox", "webkit")]
# A phone at 320 px, the narrowest in common use and the width WCAG 2.1 asks content to reflow to
# (1.4.10): a page that fits it without scrolling sideways fits the wider phones too.
VIEWPORTS = {"phone": (320, 812), "desktop": (1280, 800)}
CSP_META = '<meta http-equiv="Content-Security-Policy"'

# The theme has started once it has swapped the root's no-js class for js and given every code
# block its copy button: what a reader sees of it, whatever loads its script.
THEME_STARTED = """document.documentElement.classList.contains("js")
  && [...document.querySelectorAll(".md-content pre > code")].every(code =>
       code.closest(".highlight, pre")?.parentElement.querySelector("button[data-md-type=copy], button.md-clipboard"))"""
# The page has settled once no new resource has been fetched for half a second.
SETTLED = """new Promise(resolve => {
  let count = -1
  const check = () => {
    const now = performance.getEntriesByType("resource").length
    if (now === count) return resolve(true)
    count = now
    setTimeout(check, 500)
  }
  check()
})"""
FIRST_VISIBLE = """selectors => selectors.find(selector =>
  [...document.querySelectorAll(selector)].some(el => el.checkVisibility?.() ?? el.offsetParent !== null))"""
# An element takes a pointer click once it has stayed the same node with the same box for 100 ms (menus
# and panels animate open, search results are replaced as the query grows) and the point a click aims at,
# its centre, hits it rather than nothing or a cover: WebDriver's "in-view centre point", which WebKit's
# driver checks and refuses as "element not interactable". Scrolled to the middle of the window first, clear
# of the sticky header and of the "copied" notice at the foot.
CLICKABLE = """selector => new Promise(resolve => {
  const element = document.querySelector(selector)
  element?.scrollIntoView({block: "center"})
  const box = () => { const {x, y, width, height} = element?.getBoundingClientRect() ?? {}; return [x, y, width, height].join() }
  const before = box()
  setTimeout(() => {
    const {x, y, width, height} = element?.getBoundingClientRect() ?? {}
    const hit = width > 0 && height > 0 && document.elementFromPoint(x + width / 2, y + height / 2)
    resolve(document.querySelector(selector) === element && box() === before && !!hit && element.contains(hit))
  }, 100)
})"""
IN_VIEW_BELOW_HEADER = """selector => {
  const box = document.querySelector(selector).getBoundingClientRect()
  const header = document.querySelector(".md-header").getBoundingClientRect().bottom
  return box.top >= header - 2 && box.top < innerHeight
}"""


@pytest.fixture(scope="module")
def probed_site(site: Path, site_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built site, served with tests/engine_probe.js as the first script of every page."""
    base_path = urlsplit(site_url).path
    copy = tmp_path_factory.mktemp("probed") / "site"
    shutil.copytree(site, copy)
    shutil.copy(PROBE_SCRIPT, copy / PROBE_SCRIPT.name)
    for page in copy.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        start = html.find(CSP_META)
        assert start >= 0, f"{page.relative_to(copy)} has no CSP <meta> to put the probe after"
        end = html.index(">", start) + 1
        probe_tag = f'<script src="{base_path}{PROBE_SCRIPT.name}"></script>'
        page.write_text(html[:end] + probe_tag + html[end:], encoding="utf-8")
    with serve(copy, base_path) as root_url:
        yield root_url


@pytest.fixture(scope="module")
def trap() -> Iterator[ForeignRequestTrap]:
    trap = ForeignRequestTrap()
    yield trap
    trap.close()


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest, trap: ForeignRequestTrap) -> Iterator[Engine]:
    name = request.param
    if name == "chromium":
        browser: Browser = request.getfixturevalue("browser")
        launched: Engine = ChromiumEngine(browser)
    elif name == "firefox":
        launched = FirefoxEngine(trap.port)
    else:
        launched = WebKitEngine(trap.port)
    yield launched
    launched.close()


def open_page(engine: Engine, url: str, viewport: str, settle: bool = False) -> None:
    """Load a page and wait until the theme has started (and, to settle, until nothing more is fetched)."""
    width, height = VIEWPORTS[viewport]
    engine.open(url, width, height)
    engine.wait_for(THEME_STARTED, "the theme did not start (no js class on the root, or a code block lacks its copy button)")
    if settle:
        engine.evaluate(SETTLED)


def click(engine: Engine, selector: str) -> None:
    """Click as a reader does: once the element is on screen, has stopped moving and nothing covers it."""
    engine.wait_for(f"({CLICKABLE})({json.dumps(selector)})", f"{selector} never held still, uncovered, on screen")
    engine.click(selector)


def click_first_visible(engine: Engine, *selectors: str) -> None:
    selector = engine.call(FIRST_VISIBLE, list(selectors))
    assert selector, f"{engine.name}: none of {selectors} is visible"
    click(engine, selector)


def assert_quiet(engine: Engine) -> None:
    """No CSP violation or error in the current page: the theme works, styling by CSSOM only, under the CSP."""
    probe = engine.probe()
    assert not probe["csp"], f"{engine.name}: CSP violations:\n" + "\n".join(probe["csp"])
    errors = probe["errors"] + engine.console_errors()
    assert not errors, f"{engine.name}: errors:\n" + "\n".join(errors)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("built_page", SITE_PAGES)
def test_page_starts_quietly_privately_and_fits(
    engine: Engine, probed_site: str, trap: ForeignRequestTrap, built_page: str, viewport: str
) -> None:
    trap.take()
    open_page(engine, page_url(probed_site, built_page), viewport, settle=True)

    assert_quiet(engine)
    site = urlsplit(probed_site).netloc
    requested = [url for url in engine.requests() if urlsplit(url).scheme not in ("data", "blob", "about")]
    foreign = [url for url in requested if urlsplit(url).netloc != site] + trap.take()
    assert not foreign, f"{engine.name}: requests to other hosts:\n" + "\n".join(foreign)

    content, window = engine.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert content <= window, f"{engine.name}: horizontal overflow, content {content}px wide in a {window}px viewport"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_search_finds_astana_and_leads_to_its_paragraph(engine: Engine, probed_site: str, viewport: str) -> None:
    open_page(engine, probed_site + "author/", viewport)
    # A phone shows a search button; a desktop shows the field itself.
    click_first_visible(engine, "label.md-header__button[for=__search]", ".md-search__input")
    engine.wait_for("document.activeElement?.matches('.md-search__input')", "the search field did not take focus")
    engine.type("Astana")
    # The article's result: a glossary entry may mention Astana too, and rank above it. Its link names
    # the whole query: the theme already marks "Astana" in its results for "Astan", then replaces
    # them, and a result replaced while it is being clicked takes no click.
    result = engine.wait_for(
        f"""(() => {{
          const items = [...document.querySelectorAll(".md-search-result__list > li")]
          const index = items.findIndex(item => item.querySelector("a")?.href.startsWith({json.dumps(probed_site + "?h=astana")})
            && [...item.querySelectorAll("mark")].some(mark => /astana/i.test(mark.textContent)))
          return index >= 0 && `.md-search-result__list > li:nth-child(${{index + 1}}) > a`
        }})()""",
        "search showed no result from the article marking Astana",
    )
    # The essay leads the editors' pages, even a glossary entry named after the summit; a page listed only for
    # its sections still names the words to mark (the theme gave such a page an empty ?h=).
    links = engine.evaluate("[...document.querySelectorAll('.md-search-result__list > li')].map(item => [...item.querySelectorAll('a')].map(a => a.href))")
    assert links[0][0].startswith(probed_site + "?h=astana"), f"{engine.name}: the article is not the first result: {links}"
    empty = [href for item in links for href in item if parse_qs(urlsplit(href).query, keep_blank_values=True).get("h") == [""]]
    assert not empty, f"{engine.name}: search results link with an empty ?h=: {empty}"
    assert_quiet(engine)
    click(engine, result)
    try:
        target = engine.wait_for(
            "/^#p-\\d+$/.test(location.hash) && location.hash", "the result did not lead to a paragraph (#p-N)"
        )
    except AssertionError as error:
        raise AssertionError(f"{error}; the page is at {engine.evaluate('location.href')}") from None
    text, is_target = engine.evaluate(f"[document.querySelector('{target}').textContent, document.querySelector('{target}').matches(':target')]")
    assert "Astana" in text, f"{engine.name}: search led to {target}, which does not mention Astana"
    assert is_target, f"{engine.name}: {target} is not the page's :target"
    engine.wait_for(f"({IN_VIEW_BELOW_HEADER})('{target}')", f"{target} is not in view below the header")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_palette_toggle_changes_the_page_at_every_step_and_the_choice_stays(
    engine: Engine, probed_site: str, viewport: str
) -> None:
    open_page(engine, probed_site, viewport)
    scheme = "document.body.dataset.mdColorScheme"
    schemes = [engine.evaluate(scheme)]
    try:
        # From "follow the system": Enter on the focused toggle, then two taps. Each step must change the page;
        # the last leaves a choice that differs from the system's palette, so that keeping it shows.
        engine.evaluate("document.querySelector('input[name=__palette]:has(+ label:not([hidden]))').focus()")
        engine.press("Enter")
        schemes.append(engine.evaluate(scheme))
        for _ in range(2):
            click(engine, "form[data-md-component=palette] label:not([hidden])")
            schemes.append(engine.evaluate(scheme))
        assert all(a != b for a, b in zip(schemes, schemes[1:])), f"{engine.name}: a step left the palette as it was: {schemes}"
        for url in (probed_site, probed_site + "edition/"):  # the same page again, and the next
            open_page(engine, url, viewport)
            shown = engine.evaluate(scheme)
            assert shown == schemes[-1], f"{engine.name}: {url} opened in the {shown} palette, not the chosen {schemes[-1]}"
        assert_quiet(engine)
    finally:
        engine.evaluate("localStorage.clear()")


# The citation styles' tabs, and what the copy button of each form in the panel shown copies: a formatted
# form's own button, or the button the theme gives the BibTeX code block.
CITATION_TABS = """() => [...document.querySelectorAll(".citation-styles .tabbed-labels > label")].map(label => label.htmlFor)"""
SHOWN_FORMS = """() => [...[...document.querySelectorAll(".citation-styles .tabbed-block")]
  .find(block => block.checkVisibility())?.querySelectorAll(".citation-form") ?? []]
  .map(form => form.querySelector("button[data-clipboard-target]")?.dataset.clipboardTarget ?? null)"""
PASTE_FIELD = """(() => { const field = document.createElement("textarea"); field.id = "paste-here";
  document.body.append(field); field.focus() })()"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_skip_link_paragraph_link_and_every_citation_copy_button_work(engine: Engine, probed_site: str, viewport: str) -> None:
    """On one load of the article: the first Tab reaches the skip link, which leads into the article; a ¶ link
    opens its paragraph; every citation form's copy button copies what the form shows."""
    open_page(engine, probed_site, viewport)
    engine.press("Tab")
    focused = engine.evaluate("document.activeElement?.outerHTML.slice(0, 120) ?? null")
    assert engine.evaluate("document.activeElement?.matches('a.md-skip')"), f"{engine.name}: the first Tab reached {focused}"
    box = engine.evaluate("(({x, y, width}) => [x, y, width])(document.activeElement.getBoundingClientRect())")
    assert box[0] >= 0 and box[1] >= 0 and box[2] > 0, f"{engine.name}: the focused skip link is off screen at {box}"
    engine.press("Enter")
    engine.press("Tab")
    inside = engine.evaluate("document.activeElement?.closest('article.md-content__inner') !== null")
    focused = engine.evaluate("document.activeElement?.outerHTML.slice(0, 120) ?? null")
    assert inside, f"{engine.name}: after the skip link, Tab went to {focused}, outside the article"

    click(engine, "#p-3 > a.para-link")
    engine.wait_for("location.hash === '#p-3'", "the ¶ link of paragraph 3 did not put #p-3 in the address")
    highlighted, other = engine.evaluate(
        "['#p-3', '#p-2'].map(s => getComputedStyle(document.querySelector(s)).backgroundColor)"
    )
    assert engine.evaluate("document.querySelector('#p-3').matches(':target')"), f"{engine.name}: #p-3 is not the :target"
    assert highlighted != other, f"{engine.name}: the linked paragraph is not highlighted ({highlighted})"
    engine.wait_for(f"({IN_VIEW_BELOW_HEADER})('#p-3')", "the linked paragraph is not in view below the header")

    tabs = engine.call(CITATION_TABS)
    assert tabs, f"{engine.name}: no citation style tabs"
    for tab in tabs:
        click(engine, f"label[for={json.dumps(tab)}]")
        targets = engine.call(SHOWN_FORMS)
        assert targets and None not in targets, f"{engine.name}: a form in tab {tab} has no copy button: {targets}"
        for target in targets:
            click(engine, f"button[data-clipboard-target={json.dumps(target)}]")
            # The reader pastes it somewhere: into a text field added for the purpose.
            engine.evaluate(PASTE_FIELD)
            engine.press("Control+v")
            pasted, shown = engine.call(
                "target => [document.querySelector('#paste-here').value, document.querySelector(target).innerText]", target
            )
            engine.evaluate("document.querySelector('#paste-here').remove()")
            assert pasted.strip() == shown.strip(), f"{engine.name}: {target} pasted as {pasted!r}, not as shown: {shown!r}"
    assert_quiet(engine)


# --- added by R1: where the essay starts ---

# The article's opening: whether the title, standfirst and byline are shown, the top of paragraph 1, and the words
# on each line of the byline (a word: a run of letters or digits with what is attached to it; "·" is none).
OPENING = """(() => {
  const shown = selector => { const element = document.querySelector(selector)
    return !!element?.checkVisibility() && element.getBoundingClientRect().height > 0 }
  const range = document.createRange()
  const lines = []
  const walker = document.createTreeWalker(document.querySelector("p.byline"), NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const word of node.data.matchAll(/\\S*[\\p{L}\\p{N}]\\S*/gu)) {
      range.setStart(node, word.index)
      range.setEnd(node, word.index + word[0].length)
      const box = range.getClientRects()[0]
      if (!box) continue
      const line = lines.find(line => Math.abs(line.top - box.top) < box.height / 2)
      if (line) line.words.push(word[0]); else lines.push({top: box.top, words: [word[0]]})
    }
  }
  return {
    shown: Object.fromEntries(["h1", "p.standfirst", "p.byline"].map(selector => [selector, shown(selector)])),
    paragraph: document.querySelector("#p-1").getBoundingClientRect().top,
    byline: lines.sort((a, b) => a.top - b.top).map(line => line.words.join(" ")),
  }
})()"""
# An iPhone's window (375 × 812 CSS px): the essay's first lines start above this, on the first screen.
PHONE, FIRST_LINES_ABOVE = (375, 812), 450


@pytest.mark.parametrize("window", [PHONE, (1280, 800)], ids=["phone", "desktop"])
def test_the_essay_starts_on_the_first_screen_under_a_byline_with_no_word_alone(
    engine: Engine, probed_site: str, window: tuple[int, int]
) -> None:
    engine.open(probed_site, *window)
    engine.wait_for(THEME_STARTED, "the theme did not start")
    opening = engine.evaluate(OPENING)
    problems = [f"the opening does not show {selector}" for selector, shown in opening["shown"].items() if not shown]
    if any(len(line.split()) == 1 for line in opening["byline"]):
        problems.append(f"the byline leaves a word alone on a line: {opening['byline']}")
    if window == PHONE and opening["paragraph"] >= FIRST_LINES_ABOVE:
        problems.append(f"paragraph 1 starts at y={opening['paragraph']:.0f}, not above {FIRST_LINES_ABOVE}")
    assert not problems, f"{engine.name}, {window[0]}×{window[1]}: " + "; ".join(problems)
