"""Reader aids in the built HTML: the byline, paragraph numbers and links, abbreviations, and the metadata
that sharing sites and search engines read (canonical URL, og:/twitter tags, JSON-LD, the social card)."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError
from PIL import Image

from helpers import (
    CONTENT_PAGES, FACTS, MATCHING_COPY, OTHER_COPY, PROJECT_ROOT, SITE_PAGES, Reference, abbreviations, meta,
    normalize, text_of,
)
from reading_edition import site_url as site_url_hook

WORDS_PER_MINUTE = range(230, 266)  # the band, 230–265 inclusive
SOCIAL_CARD = "assets/images/social-card.png"


def test_byline_gives_the_reading_time_and_links_the_author_and_the_citation(
    article: BeautifulSoup, reference: Reference
) -> None:
    byline = article.select_one("p.byline")
    assert byline is not None, "the article has no byline"
    found = re.search(r"\b(\d+) min\b", byline.get_text())
    assert found, f"the byline gives no reading time in minutes: {byline.get_text()!r}"
    words = sum(len(block.split()) for block in [reference.title, reference.standfirst, *reference.body])
    allowed = {max(1, math.ceil(words / wpm)) for wpm in WORDS_PER_MINUTE}
    assert int(found.group(1)) in allowed, (
        f"the byline says {found.group(1)} min, but {words} words at 230–265 words a minute is {sorted(allowed)} min"
    )
    author = byline.find("a", string=FACTS.author)
    assert author is not None and author["href"].rstrip("/").endswith("author"), "the byline does not link the author page"
    assert byline.select_one("a[href='#cite-this-article']"), "the byline does not link 'Cite this article'"


# ---------- Paragraph numbers and links ----------


def test_every_body_paragraph_opens_with_its_number_and_has_its_link(article: BeautifulSoup, reference: Reference) -> None:
    # The extension's rules (which paragraphs, written ids) are tested on plain Markdown in test_paragraph_numbers.py.
    for number, expected in enumerate(reference.paragraphs, start=1):
        anchor = f"p-{number}"
        paragraph = article.find(id=anchor)
        assert paragraph is not None and paragraph.name == "p", f"no <p id={anchor!r}>"
        assert text_of(paragraph) == expected, f"#{anchor} is not body paragraph {number}: {text_of(paragraph)[:60]}…"
        first = next(iter(paragraph.contents), None)
        assert first is not None and "para-number" in (first.get("class") or []) and first.get_text() == str(number), (
            f"#{anchor} does not open with its number {number}: {str(paragraph)[:120]}"
        )
        # Screen readers hear the ¶ link's name instead of a stray number before the first word.
        assert first.get("aria-hidden") == "true", f"#{anchor}'s number is read aloud"
        assert first.has_attr("data-search-exclude"), f"#{anchor}'s number goes into the search index"
        links = paragraph.select("a.para-link")
        assert len(links) == 1 and links[0].get("href") == f"#{anchor}", f"#{anchor} needs one ¶ link to #{anchor}"
        assert re.search(rf"\b{number}\b", links[0].get("aria-label", "")), (
            f"#{anchor}'s ¶ link is named {links[0].get('aria-label')!r}, which does not give its number"
        )
    assert article.find(id=f"p-{len(reference.paragraphs) + 1}") is None, "more paragraphs are numbered than the source has"


def test_only_the_authors_paragraphs_are_numbered(html_pages: dict[str, BeautifulSoup], reference: Reference) -> None:
    for page in CONTENT_PAGES:
        content = html_pages[page].select_one("article.md-content__inner")
        numbered = [number.parent.get("id") for number in content.select(".para-number")]
        expected = [f"p-{n}" for n in range(1, len(reference.paragraphs) + 1)] if page == "index.html" else []
        assert numbered == expected, f"{page}: numbers on {numbered}"
        for unnumbered in ("p.standfirst", "p.byline", "figure", "p.bio", "#cite-this-article ~ *"):
            marked = [str(node)[:80] for node in content.select(unnumbered) if node.select(".para-number, .para-link")]
            assert not marked, f"{page}: {unnumbered} carries a paragraph number or ¶ link: {marked}"


# ---------- Abbreviations ----------


def test_every_abbreviation_in_the_text_has_its_expansion(article: BeautifulSoup, reference: Reference) -> None:
    text = " ".join([reference.title, reference.standfirst, *reference.body, reference.bio])
    content = article.select_one("article.md-content__inner")
    for abbr, expansion in abbreviations().items():
        in_source = len(re.findall(rf"\b{re.escape(abbr)}\b", text))
        assert in_source, f"{abbr} is in includes/abbreviations.md but not in the article"
        # A dotted abbreviation is listed without its final dot (mkdocs.yml says why); the element holds it.
        marked = [node for node in content.find_all("abbr") if node.get_text().removesuffix(".") == abbr]
        assert len(marked) == in_source, f"{abbr} occurs {in_source} times but is marked {len(marked)} times"
        assert {node.get("title") for node in marked} == {expansion}, f"{abbr} has the wrong expansion"
    # "U.S." is underlined and explained whole: the full stop that ends a dotted abbreviation is inside the element.
    cut = [
        f"<abbr>{node.get_text()}</abbr>{node.next_sibling[:1]}" for node in content.find_all("abbr")
        if re.fullmatch(r"\w+(\.\w+)+", node.get_text()) and isinstance(node.next_sibling, str)
        and node.next_sibling.startswith(".")
    ]
    assert not cut, f"a dotted abbreviation's final full stop is outside its element: {cut}"


# ---------- Sharing and search engines ----------


@pytest.mark.parametrize("page", SITE_PAGES)
def test_page_has_its_canonical_url_and_sharing_tags(html_pages: dict[str, BeautifulSoup], site_url: str, page: str) -> None:
    soup = html_pages[page]
    site_wide = {
        "og:image": site_url + SOCIAL_CARD,
        "og:image:width": "1200",
        "og:image:height": "630",
        "twitter:card": "summary_large_image",
        "twitter:image": site_url + SOCIAL_CARD,
    }
    if page == "404.html":
        # The 404 page answers for any missing address: it claims none, and cites nothing.
        expected = {**site_wide, "og:url": None, "citation_title": None}
        canonical_expected = None
    else:
        url = urljoin(site_url, page.removesuffix("index.html"))
        title, description = normalize(soup.h1.get_text()), meta(soup, "description")
        expected = {
            **site_wide, "og:url": url, "og:title": title, "og:description": description, "twitter:title": title,
            "twitter:description": description, "og:type": "article" if page == "index.html" else "website",
        }
        canonical_expected = url
    canonical = soup.find("link", rel="canonical")
    assert (canonical["href"] if canonical else None) == canonical_expected, f"{page}: canonical is not {canonical_expected}"
    wrong = {key: meta(soup, key) for key, value in expected.items() if meta(soup, key) != value}
    assert not wrong, f"{page}: wrong or missing sharing tags {wrong}; expected {expected}"


def test_only_the_article_has_json_ld_and_it_describes_the_republication(
    html_pages: dict[str, BeautifulSoup], reference: Reference, site_url: str
) -> None:
    blocks = {page: soup.find_all("script", type="application/ld+json") for page, soup in html_pages.items()}
    assert {page: len(found) for page, found in blocks.items() if found} == {"index.html": 1}, (
        f"JSON-LD blocks per page: { {page: len(found) for page, found in blocks.items()} }; only the article has one"
    )
    data = json.loads(blocks["index.html"][0].string)
    expected = {
        "@type": "Article", "headline": reference.title, "description": reference.standfirst,
        "url": site_url, "image": site_url + SOCIAL_CARD,
    }
    wrong = {key: data.get(key) for key, value in expected.items() if data.get(key) != value}
    assert not wrong, f"JSON-LD {wrong}, expected {expected}"
    assert data["isPartOf"]["@type"] == "WebSite" and data["isPartOf"]["url"] == site_url, f"isPartOf {data['isPartOf']}"
    author = data["author"]
    assert author["@type"] == "Person" and author["name"] == FACTS.author, f"JSON-LD author {author}"
    affiliations = [org["name"] for org in author["affiliation"]]
    assert affiliations == list(FACTS.affiliations), f"JSON-LD affiliations {affiliations}, mkdocs.yml's {FACTS.affiliations}"
    # The original's date, outlet and rights holder are not known: the record claims none, nor a copy as its source.
    claims = [key for key in re.findall(r'"([^"]+)":', json.dumps(data)) if re.search(r"date|publisher|copyright", key, re.I)]
    copies = [copy for copy in (MATCHING_COPY, OTHER_COPY) if urlsplit(copy).netloc in json.dumps(data)]
    assert not claims and not copies, f"JSON-LD claims {claims + copies}, which the edition does not know"


def test_social_card_is_a_1200_by_630_png(site: Path) -> None:
    with Image.open(site / SOCIAL_CARD) as card:
        assert (card.format, card.size) == ("PNG", (1200, 630)), f"the social card is a {card.format} of {card.size}"


def test_sharing_image_and_favicon_are_drawn_in_the_stylesheets_colours(tmp_path: Path) -> None:
    """The colours are written once, in edition.css: the committed images must be what the script draws from it."""
    output = tmp_path / "card.png"
    result = subprocess.run(
        [sys.executable, "-m", "reading_edition.social_card", str(output)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    committed = PROJECT_ROOT / "docs" / SOCIAL_CARD
    with Image.open(output) as fresh, Image.open(committed) as kept:
        assert fresh.size == kept.size and fresh.tobytes() == kept.tobytes(), (
            f"{committed} is not what reading_edition/social_card.py draws from the stylesheet: run it and commit the images"
        )
    favicon = committed.with_name("favicon.svg")
    assert output.with_name("favicon.svg").read_text() == favicon.read_text(), (
        f"{favicon} is not in the stylesheet's colours: run python -m reading_edition.social_card and commit the images"
    )


# ---------- The addresses written into the Markdown at build time (reading_edition/site_url.py) ----------


class _Page:
    class file:  # noqa: N801 - stands in for mkdocs.structure.files.File
        src_uri = "index.md"


def test_site_url_hook_fills_both_addresses_and_refuses_an_unknown_one() -> None:
    config = type("Config", (), {"site_url": None, "repo_url": None})()
    assert site_url_hook.on_page_markdown("no placeholder", page=_Page(), config=config, files=None) == "no placeholder"
    with pytest.raises(PluginError, match=r"index\.md uses \{\{ config\.site_url \}\}, but site_url is not set"):
        site_url_hook.on_page_markdown("see {{ config.site_url }}", page=_Page(), config=config, files=None)
    config.site_url = "https://example.org/"
    with pytest.raises(PluginError, match=r"index\.md uses \{\{ config\.repo_url \}\}, but repo_url is not set"):
        site_url_hook.on_page_markdown("[source]({{ config.repo_url }})", page=_Page(), config=config, files=None)
    config.repo_url = "https://github.com/someone/a-fork"
    filled = site_url_hook.on_page_markdown(
        "[issues]({{ config.repo_url }}/issues) at {{ config.site_url }}", page=_Page(), config=config, files=None
    )
    assert filled == "[issues](https://github.com/someone/a-fork/issues) at https://example.org/", filled
