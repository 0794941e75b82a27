"""Reader aids in the built HTML: reading time, paragraph links, citation, glossary, sharing metadata."""

from __future__ import annotations

import importlib.util
import json
import math
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError
from PIL import Image

from helpers import CONTENT_PAGES, FACTS, PROJECT_ROOT, Reference, abbreviations, meta, normalize, text_of

WORDS_PER_MINUTE = range(230, 266)  # the band, 230–265 inclusive
SOCIAL_CARD = "assets/images/social-card.png"

# ---------- Reading time ----------


def test_byline_reading_time_matches_the_text(article: BeautifulSoup, reference: Reference) -> None:
    byline = article.select_one("p.byline")
    assert byline is not None, "the article has no byline"
    found = re.search(r"\b(\d+) min read\b", byline.get_text())
    assert found, f"the byline has no 'N min read': {byline.get_text()!r}"
    words = sum(len(block.split()) for block in [reference.title, reference.standfirst, *reference.body])
    allowed = {max(1, math.ceil(words / wpm)) for wpm in WORDS_PER_MINUTE}
    assert int(found.group(1)) in allowed, (
        f"the byline says {found.group(1)} min read, but {words} words at 230–265 words a minute "
        f"is {sorted(allowed)} minutes"
    )


# ---------- Paragraph permalinks ----------


def test_every_body_paragraph_has_a_numbered_id_and_named_link(article: BeautifulSoup, reference: Reference) -> None:
    for number, expected in enumerate(reference.paragraphs, start=1):
        anchor = f"p-{number}"
        paragraph = article.find(id=anchor)
        assert paragraph is not None and paragraph.name == "p", f"no <p id={anchor!r}>"
        assert text_of(paragraph) == expected, f"#{anchor} is not body paragraph {number}: {text_of(paragraph)[:60]}…"
        links = paragraph.select("a.para-link")
        assert len(links) == 1, f"#{anchor} has {len(links)} ¶ links"
        assert links[0].get("href") == f"#{anchor}", f"#{anchor}'s ¶ link points to {links[0].get('href')}"
        assert links[0].get("aria-label") == f"Link to paragraph {number}", (
            f"#{anchor}'s ¶ link is named {links[0].get('aria-label')!r}"
        )
    extra = article.find(id=f"p-{len(reference.paragraphs) + 1}")
    assert extra is None, "there are more numbered paragraphs than the source has"


def test_every_body_paragraph_shows_its_number_first_hidden_from_screen_readers(
    article: BeautifulSoup, reference: Reference
) -> None:
    for number in range(1, len(reference.paragraphs) + 1):
        paragraph = article.find(id=f"p-{number}")
        first = next(iter(paragraph.contents), None)
        assert first is not None and first.name == "span" and "para-number" in first.get("class", []), (
            f"#p-{number} does not open with its number: {str(paragraph)[:120]}"
        )
        assert first.get_text() == str(number), f"#p-{number} shows the number {first.get_text()!r}"
        # Screen readers hear the ¶ link's name instead of a stray number before the first word.
        assert first.get("aria-hidden") == "true", f"#p-{number}'s number is read aloud"
        assert first.has_attr("data-search-exclude"), f"#p-{number}'s number goes into the search index"


@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_only_the_authors_paragraphs_are_numbered(
    html_pages: dict[str, BeautifulSoup], reference: Reference, page: str
) -> None:
    content = html_pages[page].select_one("article.md-content__inner")
    numbered = [number.parent.get("id") for number in content.select(".para-number")]
    expected = [f"p-{n}" for n in range(1, len(reference.paragraphs) + 1)] if page == "index.html" else []
    assert numbered == expected, f"{page}: numbers on {numbered}"
    for unnumbered in ("p.standfirst", "p.byline", "figure", "p.bio", "#cite-this-article ~ *"):
        marked = [str(node)[:80] for node in content.select(unnumbered) if node.select(".para-number, .para-link")]
        assert not marked, f"{page}: {unnumbered} carries a paragraph number or ¶ link: {marked}"


# ---------- Cite this article ----------


def test_byline_links_to_the_citation(article: BeautifulSoup) -> None:
    link = article.select_one("p.byline a[href='#cite-this-article']")
    assert link is not None and normalize(link.get_text()) == "Cite this article"


# ---------- Abbreviations ----------


def test_every_abbreviation_in_the_text_has_its_expansion(article: BeautifulSoup, reference: Reference) -> None:
    text = " ".join([reference.title, reference.standfirst, *reference.body, reference.bio])
    content = article.select_one("article.md-content__inner")
    for abbr, expansion in abbreviations().items():
        in_source = len(re.findall(rf"\b{re.escape(abbr)}\b", text))
        assert in_source, f"{abbr} is in the glossary but not in the article"
        marked = [node for node in content.find_all("abbr") if node.get_text() == abbr]
        assert len(marked) == in_source, f"{abbr} occurs {in_source} times but is marked {len(marked)} times"
        assert {node.get("title") for node in marked} == {expansion}, f"{abbr} has the wrong expansion"


def test_abbreviation_list_is_not_a_page(site: Path) -> None:
    built = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert not any("abbreviation" in path for path in built), f"the abbreviation list was built as a page: {built}"


# ---------- Sharing and search engines ----------


@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_page_has_canonical_url_and_sharing_tags(
    html_pages: dict[str, BeautifulSoup], site_url: str, page: str
) -> None:
    soup = html_pages[page]
    canonical = soup.find("link", rel="canonical")
    expected_url = urljoin(site_url, page.removesuffix("index.html"))
    assert canonical is not None and canonical["href"] == expected_url, f"{page}: canonical is not {expected_url}"
    description = meta(soup, "description")
    assert description, f"{page}: no meta description"
    title = normalize(soup.find("h1").get_text())
    expectations = {
        "og:url": expected_url,
        "og:title": title,
        "og:description": description,
        "og:image": site_url + SOCIAL_CARD,
        "og:image:width": "1200",
        "og:image:height": "630",
        "twitter:card": "summary_large_image",
        "twitter:title": title,
        "twitter:description": description,
        "twitter:image": site_url + SOCIAL_CARD,
    }
    wrong = {key: meta(soup, key) for key, value in expectations.items() if meta(soup, key) != value}
    assert not wrong, f"{page}: wrong or missing sharing tags {wrong}"
    assert meta(soup, "og:type") == ("article" if page == "index.html" else "website")


def test_article_json_ld_describes_the_article(article: BeautifulSoup, reference: Reference, site_url: str) -> None:
    scripts = article.find_all("script", type="application/ld+json")
    assert len(scripts) == 1, f"expected one JSON-LD block, found {len(scripts)}"
    data = json.loads(scripts[0].string)
    assert data["@type"] == "Article"
    assert data["headline"] == reference.title
    assert data["description"] == reference.standfirst
    assert data["url"] == site_url and data["image"] == site_url + SOCIAL_CARD
    author = data["author"]
    assert author["@type"] == "Person" and author["name"] == FACTS.author
    affiliations = [org["name"] for org in author["affiliation"]]
    assert affiliations, "the author has no affiliation"
    for name in affiliations:
        parts = [part.strip() for part in name.split(",")]
        assert all(part in reference.bio for part in parts), f"affiliation {name!r} is not in the author's bio"
    dated = [key for key in data if "date" in key.lower()]
    assert not dated, f"JSON-LD claims dates {dated}, but the publication date is not known"


def test_404_page_has_site_tags_but_no_page_claims(html_pages: dict[str, BeautifulSoup]) -> None:
    page = html_pages["404.html"]
    assert meta(page, "og:image"), "404.html lost the site-wide sharing tags"
    assert meta(page, "og:url") is None, "404.html claims a canonical address"
    assert page.find("script", type="application/ld+json") is None
    assert meta(page, "citation_title") is None


def test_social_card_is_a_1200_by_630_png(site: Path) -> None:
    with Image.open(site / SOCIAL_CARD) as card:
        assert card.format == "PNG", f"the social card is {card.format}, not PNG"
        assert card.size == (1200, 630), f"the social card is {card.size}, not 1200×630"


def test_social_card_script_redraws_the_committed_image(tmp_path: Path) -> None:
    output = tmp_path / "card.png"
    result = subprocess.run(
        [sys.executable, "-m", "reading_edition.social_card", str(output)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    committed = PROJECT_ROOT / "docs" / SOCIAL_CARD
    with Image.open(output) as fresh, Image.open(committed) as kept:
        assert fresh.size == kept.size and fresh.tobytes() == kept.tobytes(), (
            f"{committed} is not what reading_edition/social_card.py draws: run the script and commit the image"
        )


def test_robots_txt_names_the_absolute_sitemap(site: Path, site_url: str) -> None:
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    sitemaps = re.findall(r"^Sitemap:\s*(\S+)\s*$", robots, flags=re.MULTILINE)
    assert sitemaps == [site_url + "sitemap.xml"], f"robots.txt names {sitemaps}"
    assert (site / "sitemap.xml").is_file()
    assert not re.search(r"^Disallow:\s*/\s*$", robots, flags=re.MULTILINE), "robots.txt shuts out every crawler"


def test_sitemap_lists_every_page(site: Path, site_url: str) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for page in CONTENT_PAGES:
        url = urljoin(site_url, page.removesuffix("index.html"))
        assert f"<loc>{url}</loc>" in sitemap, f"the sitemap does not list {url}"


def load_site_url_hook():
    spec = importlib.util.spec_from_file_location("site_url_hook", PROJECT_ROOT / "hooks" / "site_url.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Page:
    class file:  # noqa: N801 - stands in for mkdocs.structure.files.File
        src_uri = "index.md"


def test_site_url_hook_refuses_to_cite_an_unknown_address() -> None:
    hook = load_site_url_hook()
    config = type("Config", (), {"site_url": None})()
    with pytest.raises(PluginError, match="site_url"):
        hook.on_page_markdown("see {{ config.site_url }}", page=_Page(), config=config, files=None)
    assert hook.on_page_markdown("no placeholder", page=_Page(), config=config, files=None) == "no placeholder"


def test_site_url_hook_refuses_to_link_an_unknown_repository() -> None:
    hook = load_site_url_hook()
    config = type("Config", (), {"site_url": "https://example.org/", "repo_url": None})()
    with pytest.raises(PluginError, match="index.md uses {{ config.repo_url }}, but repo_url is not set"):
        hook.on_page_markdown("[source]({{ config.repo_url }})", page=_Page(), config=config, files=None)
    config.repo_url = "https://github.com/someone/a-fork"
    filled = hook.on_page_markdown("[issues]({{ config.repo_url }}/issues) at {{ config.site_url }}", page=_Page(), config=config, files=None)
    assert filled == "[issues](https://github.com/someone/a-fork/issues) at https://example.org/"
