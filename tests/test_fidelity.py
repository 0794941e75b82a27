"""The author's words appear verbatim, once each and in source order; the edition's additions stay apart."""

from __future__ import annotations

import difflib

from bs4 import BeautifulSoup

from helpers import Reference, normalize, text_of


def test_title_is_the_only_h1(article: BeautifulSoup, reference: Reference) -> None:
    headings = [normalize(h.get_text()) for h in article.find_all("h1")]
    assert headings == [reference.title], f"expected one h1 {reference.title!r}, found {headings}"


def test_standfirst_body_and_captions_are_the_source_verbatim_once_each_in_order(
    article: BeautifulSoup, reference: Reference
) -> None:
    content = article.select_one("article.md-content__inner")
    assert content is not None, "the article page has no Material content area"
    blocks = [text_of(node) for node in content.select("p, figcaption") if not node.find_parent("figcaption")]
    expected = [reference.standfirst, *reference.body]
    # The page's other paragraphs (byline, placeholders, citation notes) are the edition's, not the author's.
    authors = [block for block in blocks if block in expected]
    if authors != expected:
        missing = [block for block in expected if block not in blocks]
        closest = difflib.get_close_matches(missing[0], blocks, n=1, cutoff=0.5) if missing else []
        raise AssertionError(
            "the author's paragraphs on the page differ from docs/source.txt (missing, altered, repeated or "
            "out of order):\n" + "\n".join(difflib.unified_diff(expected, authors, "source", "page", lineterm="", n=0))
            + (f"\n  nearest paragraph on the page: {closest[0]}" if closest else "")
        )
    lead = content.select_one("p.standfirst")
    assert lead is not None and text_of(lead) == reference.standfirst, "the standfirst is not styled as the lead"


def test_captions_are_figures_without_photographs(article: BeautifulSoup, reference: Reference) -> None:
    figures = article.select("figure")
    captions = [text_of(figure.figcaption) for figure in figures if figure.figcaption]
    assert captions == reference.captions, f"figure captions differ from the source: {captions}"
    for figure in figures:
        assert figure.find("img") is None, f"figure {figure.get('id')} shows an image; this edition reproduces none"
        placeholder = figure.select_one(".photo-placeholder")
        assert placeholder is not None and normalize(placeholder.get_text()), (
            f"figure {figure.get('id')} has no placeholder telling the reader a photograph stood there"
        )


def test_chinese_character_is_marked_zh(article: BeautifulSoup) -> None:
    nodes = article.find_all(string=lambda s: "和" in s)
    assert nodes, "和 is missing from the article"
    for node in nodes:
        lang = node.parent.get("lang", "")
        assert lang == "zh" or lang.startswith("zh-"), f"和 is inside <{node.parent.name} lang={lang!r}>, not lang=zh"


def test_bio_is_on_the_author_page_and_the_article(html_pages: dict[str, BeautifulSoup], reference: Reference) -> None:
    for page in ("author/index.html", "index.html"):
        texts = [text_of(p) for p in html_pages[page].select("article p")]
        assert reference.bio in texts, f"the author's biography is not verbatim on {page}"
