"""The paragraph-numbering Markdown extension (reading_edition/paragraphs.py) on plain Python-Markdown: which
paragraphs it numbers, and the written ids it keeps or refuses. Its markup in the built article is checked in
test_reader.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown import Markdown

from helpers import run_build
from reading_edition.paragraphs import ParagraphNumberingError

# The extensions the article's structure relies on, as mkdocs.yml lists them.
SITE_EXTENSIONS = ["attr_list", "md_in_html", "pymdownx.blocks.caption", "pymdownx.blocks.html"]

ARTICLE = """\
# A title

A standfirst.
{ .standfirst }

By Someone · 2 min read
{ .byline }

First paragraph, with a [link](https://example.org/).

Second paragraph.

/// html | div.photo-placeholder
Photograph not reproduced.
///

/// caption
A caption.
///

Third paragraph, set apart.
{ .pull-quote }

Fourth paragraph.

---

## About the author

A bio.
{ .bio }

A note after the body.
"""


def convert(text: str, numbered: bool = True) -> BeautifulSoup:
    extensions = SITE_EXTENSIONS + (["reading_edition.paragraphs"] if numbered else [])
    return BeautifulSoup(Markdown(extensions=extensions).convert(text), "html.parser")


def numbered(soup: BeautifulSoup) -> list[str]:
    """The id of every paragraph that got a visible number, checking the number matches it."""
    ids = []
    for number in soup.select("span.para-number"):
        paragraph = number.parent
        assert paragraph.name == "p" and paragraph["id"] == f"p-{number.get_text()}", f"number {number} is misplaced"
        ids.append(paragraph["id"])
    return ids


def test_numbers_the_body_paragraphs_only() -> None:
    soup = convert(ARTICLE)
    assert numbered(soup) == ["p-1", "p-2", "p-3", "p-4"]
    first = soup.find(id="p-1")
    children = [child.name for child in first.find_all(True, recursive=False)]
    assert children == ["span", "a", "a"], f"expected the number, the author's link, the ¶ link; got {children}"
    assert first.get_text().startswith("1First paragraph"), first
    assert first.find("a", href="https://example.org/").get_text() == "link", "the author's link lost its text"
    assert soup.find(id="p-3")["class"] == ["pull-quote"], "the paragraph lost its own class"
    for unnumbered in (".standfirst", ".byline", ".bio", "figure", ".photo-placeholder"):
        element = soup.select_one(unnumbered)
        assert element is not None, f"the sample lost its {unnumbered}"
        assert not element.get("id", "").startswith("p-"), f"{unnumbered} got a paragraph id"
        assert element.select(".para-number, .para-link") == [], f"{unnumbered} got a number or ¶ link"
    after_body = soup.find(string=re.compile("A note after the body")).parent
    assert after_body.get("id") is None and not after_body.select(".para-number")


def test_pages_without_a_byline_are_left_alone() -> None:
    page = "# Glossary\n\nSome paragraph.\n\nAnother one.\n\n---\n\nMore.\n"
    assert str(convert(page)) == str(convert(page, numbered=False))


def test_body_ends_at_a_heading_even_without_a_rule() -> None:
    soup = convert(ARTICLE.replace("\n---\n", "\n"))
    assert numbered(soup) == ["p-1", "p-2", "p-3", "p-4"]


def test_the_same_markdown_instance_numbers_each_page_from_one() -> None:
    md = Markdown(extensions=SITE_EXTENSIONS + ["reading_edition.paragraphs"])
    first = md.convert(ARTICLE)
    md.reset()
    assert md.convert(ARTICLE) == first


def test_written_ids_keep_published_anchors() -> None:
    # A paragraph inserted after ¶2 and a removed ¶4: every other anchor stays put.
    text = ARTICLE.replace("Third paragraph, set apart.\n{ .pull-quote }", "Inserted.\n{ #p-2a }\n\nThird, set apart.\n{ .pull-quote }")
    text = text.replace("Fourth paragraph.", "Fifth paragraph.\n{ #p-5 }\n\nSixth paragraph.")
    soup = convert(text)
    assert numbered(soup) == ["p-1", "p-2", "p-2a", "p-3", "p-5", "p-6"]
    assert soup.find(id="p-2a").select_one(".para-number").get_text() == "2a"
    assert soup.find(id="p-2a").select_one(".para-link")["aria-label"] == "Link to paragraph 2a"
    # The hand-written ids docs/index.md used to carry are accepted as they are.
    assert numbered(convert(ARTICLE.replace("Second paragraph.", "Second paragraph.\n{ #p-2 }"))) == [
        "p-1", "p-2", "p-3", "p-4"
    ]


@pytest.mark.parametrize(
    "written, complaint",
    [
        ("Second paragraph.\n{ #intro }", "'intro'"),
        ("Second paragraph.\n{ #p-1 }", "never go back"),
        ("Second paragraph.\n{ #p-4a }", "an inserted paragraph is p-1a"),
        ("Inserted.\n{ #p-1a }\n\nInserted again.\n{ #p-1a }", "used twice"),
    ],
)
def test_wrong_written_ids_fail_naming_the_page(written: str, complaint: str) -> None:
    with pytest.raises(ParagraphNumberingError, match=re.escape(complaint)) as error:
        convert(ARTICLE.replace("Second paragraph.", written))
    assert "“A title”" in str(error.value), f"the error does not name the page: {error.value}"


def test_a_byline_with_no_body_fails_naming_the_page() -> None:
    empty = ARTICLE[: ARTICLE.index("First paragraph")] + ARTICLE[ARTICLE.index("---") :]
    with pytest.raises(ParagraphNumberingError, match="“A title”.*no paragraph"):
        convert(empty)


def test_strict_build_of_an_article_without_body_fails_naming_the_file(project_copy: Path) -> None:
    page = project_copy / "docs" / "index.md"
    text = page.read_text(encoding="utf-8")
    byline_end = re.search(r"^\{ \.byline[^}]*\}\n", text, re.MULTILINE).end()  # the byline's attribute list
    page.write_text(text[:byline_end] + text[text.index("\n---\n") :], encoding="utf-8")
    result = run_build(project_copy, project_copy / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build succeeded without the article's body:\n{output}"
    assert "index.md" in output and "no paragraph between" in output, f"the error does not name the file:\n{output}"
