"""The author's words appear verbatim and in order; editorial additions stay apart."""

from __future__ import annotations

from bs4 import BeautifulSoup

from helpers import FACTS, Reference, normalize, text_of

# Elements the edition adds inside the author's paragraphs: the ¶ link and the visible number.
def article_blocks(article: BeautifulSoup) -> list[str]:
    """Text of every paragraph and caption in the article body, in document order."""
    content = article.select_one("article.md-content__inner")
    assert content is not None, "the article page has no Material content area"
    return [text_of(node) for node in content.select("p, figcaption") if not node.find_parent("figcaption")]


def test_title_is_the_only_h1(article: BeautifulSoup, reference: Reference) -> None:
    headings = [normalize(h.get_text()) for h in article.find_all("h1")]
    assert headings == [reference.title], f"expected one h1 {reference.title!r}, found {headings}"


def test_every_paragraph_verbatim_and_in_source_order(article: BeautifulSoup, reference: Reference) -> None:
    blocks = article_blocks(article)
    expected = [reference.standfirst, *reference.body]
    position = 0
    for number, paragraph in enumerate(expected, start=1):
        try:
            position = blocks.index(paragraph, position) + 1
        except ValueError:
            near = [b for b in blocks if b[:40] == paragraph[:40]]
            raise AssertionError(
                f"source paragraph {number} is missing, altered or out of order:\n"
                f"  expected: {paragraph}\n  closest:  {near[0] if near else '(nothing with the same opening)'}"
            ) from None


def test_nothing_from_the_author_is_duplicated_or_dropped(article: BeautifulSoup, reference: Reference) -> None:
    blocks = article_blocks(article)
    for paragraph in {reference.standfirst, *reference.body}:
        expected = [reference.standfirst, *reference.body].count(paragraph)
        assert blocks.count(paragraph) == expected, (
            f"paragraph appears {blocks.count(paragraph)} times, source has it {expected} times: {paragraph[:80]}…"
        )


def test_standfirst_is_a_lead_paragraph(article: BeautifulSoup, reference: Reference) -> None:
    lead = article.select_one("p.standfirst")
    assert lead is not None and text_of(lead) == reference.standfirst, "standfirst is not styled as the lead"


def test_captions_are_figures_with_honest_placeholders(article: BeautifulSoup, reference: Reference) -> None:
    figures = article.select("figure")
    captions = [text_of(f.figcaption) for f in figures if f.figcaption]
    assert captions == reference.captions, f"figure captions differ from the source: {captions}"
    for figure in figures:
        assert figure.find("img") is None, "a figure shows an image, but this edition has no photographs"
        placeholder = figure.select_one(".photo-placeholder")
        assert placeholder is not None, f"figure {figure.get('id')} has no placeholder"
        assert "not reproduced" in placeholder.get_text(), "the placeholder does not say the photo is absent"


def test_chinese_character_is_marked_zh(html_pages: dict[str, BeautifulSoup]) -> None:
    article = html_pages["index.html"]
    spans = [node for node in article.find_all(string=lambda s: "和" in s)]
    assert spans, "和 is missing from the article"
    for node in spans:
        lang = node.parent.get("lang", "")
        assert lang == "zh" or lang.startswith("zh-"), f"和 is inside <{node.parent.name} lang={lang!r}>, not lang=zh"


def test_bio_is_on_the_author_page_and_the_article(html_pages: dict[str, BeautifulSoup], reference: Reference) -> None:
    for page in ("author/index.html", "index.html"):
        texts = [text_of(p) for p in html_pages[page].select("article p")]
        assert reference.bio in texts, f"the author bio is not verbatim on {page}"


def test_byline_links_to_author_page(article: BeautifulSoup) -> None:
    byline = article.select_one("p.byline")
    assert byline is not None, "the article has no byline"
    link = byline.find("a", string=FACTS.author)
    assert link is not None and link["href"].rstrip("/").endswith("author"), "byline does not link to the author page"
