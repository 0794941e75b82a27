"""Typeset the PDF edition from the built site, so it is made from the same Markdown.

Usage: python editions/make_pdf.py SITE_DIR OUTPUT.pdf

The article, with its citation forms, comes from SITE_DIR/index.html and the
statement about the source of the text from SITE_DIR's "About this edition"
page; nothing is written twice.
Only editions/pdf.css styles the result. Output is deterministic: no dates.
"""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag
from weasyprint import HTML

STYLESHEET = Path(__file__).resolve().parent / "pdf.css"
# Web-only furniture that means nothing on paper.
WEB_ONLY = [".para-link", ".headerlink", ".md-content__button", ".md-source-file", "script", "button", "input"]
SOURCE_SECTION_ID = "source-of-the-text"
CITATION_SECTION_ID = "cite-this-article"


class PdfBuildError(Exception):
    """The built site lacks something the PDF needs."""


def read_page(path: Path) -> BeautifulSoup:
    if not path.is_file():
        raise PdfBuildError(f"{path} is missing: build the site first")
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def find_edition_page(site: Path) -> Path:
    """The "About this edition" page, wherever directory URLs put it."""
    for candidate in (site / "edition" / "index.html", site / "edition.html"):
        if candidate.is_file():
            return candidate
    raise PdfBuildError(f"no 'About this edition' page in {site}")


def meta_content(page: BeautifulSoup, name: str) -> str:
    tag = page.find("meta", attrs={"name": name})
    if tag is None or not tag.get("content"):
        raise PdfBuildError(f"the article page has no <meta name={name!r}>")
    return str(tag["content"])


def canonical_url(page: BeautifulSoup) -> str:
    link = page.find("link", rel="canonical")
    if link is None or not link.get("href"):
        raise PdfBuildError("the article page has no canonical URL: is site_url set?")
    return str(link["href"])


def article_content(page: BeautifulSoup) -> Tag:
    content = page.select_one("article.md-content__inner")
    if content is None:
        raise PdfBuildError("the article page has no Material content area")
    return content


def strip_web_only(content: Tag) -> None:
    for selector in WEB_ONLY:
        for node in content.select(selector):
            node.decompose()


def flatten_tabs(content: Tag, page: BeautifulSoup) -> None:
    """Print every tab of a tabbed set, each under its own label, as paper has no tabs."""
    for tabbed in content.select(".tabbed-set"):
        labels = [label.get_text(" ", strip=True) for label in tabbed.select(".tabbed-labels > label")]
        blocks = tabbed.select(".tabbed-content > .tabbed-block")
        if len(labels) != len(blocks):
            raise PdfBuildError(f"a tabbed set has {len(labels)} labels but {len(blocks)} panels")
        flat = page.new_tag("div", attrs={"class": "tabbed-print"})
        for label, block in zip(labels, blocks):
            heading = page.new_tag("p", attrs={"class": "tab-label"})
            heading.string = label
            flat.append(heading)
            flat.append(block)
        tabbed.replace_with(flat)


def require_citation_forms(content: Tag) -> None:
    """The PDF's citation line is the article's own "Cite this article" section, never a copy."""
    heading = content.find(id=CITATION_SECTION_ID)
    following = heading.find_next_sibling(True) if heading else None
    if following is None or following.name in ("h1", "h2", "hr"):
        raise PdfBuildError(f"the article has no #{CITATION_SECTION_ID} section with citation forms")


def absolute_links(content: Tag, base_url: str) -> None:
    """Links on paper must work from anywhere: point them at the web edition."""
    for link in content.find_all("a", href=True):
        if not link["href"].startswith("#"):
            link["href"] = urljoin(base_url, link["href"])


def source_section(site: Path, base_url: str) -> list[Tag]:
    """The edition page's own statement of where the text comes from."""
    page = read_page(find_edition_page(site))
    heading = page.find(id=SOURCE_SECTION_ID)
    if heading is None:
        raise PdfBuildError(f"'About this edition' has no #{SOURCE_SECTION_ID} section")
    nodes: list[Tag] = []
    for sibling in heading.find_next_siblings(True):
        if sibling.name in ("h1", "h2"):
            break
        nodes.append(sibling)
    if not nodes:
        raise PdfBuildError(f"the #{SOURCE_SECTION_ID} section is empty")
    for node in nodes:
        absolute_links(node, base_url)
    return nodes


def revision(page: BeautifulSoup) -> str:
    """The revision the page's footer names (overrides/partials/edition-footer.html)."""
    line = page.select_one(".edition-revision")
    if line is None:
        raise PdfBuildError("the article page's footer names no revision (.edition-revision)")
    return " ".join(line.get_text(" ", strip=True).split())


def colophon(page: BeautifulSoup, *, url: str, source: list[Tag]) -> Tag:
    """Editorial matter: where this PDF comes from, which revision it is, where the text comes from."""
    section = page.new_tag("section", attrs={"class": "colophon", "id": "about-this-pdf"})
    heading = page.new_tag("h2")
    heading.string = "About this PDF"
    section.append(heading)
    fragment = BeautifulSoup(
        f"<p>From the reading edition at <a href='{url}'>{url}</a>. {revision(page)}. "
        "The text as received is reproduced verbatim; everything else is editorial. "
        f"To cite the essay, see <a href='#{CITATION_SECTION_ID}'>Cite this article</a>.</p>"
        "<p><strong>Source of the text.</strong></p>",
        "lxml",
    )
    for node in list(fragment.body.children):
        section.append(node)
    for node in source:
        section.append(node)
    return section


def compose(site: Path) -> str:
    """One standalone HTML document: the article, then the colophon."""
    page = read_page(site / "index.html")
    url = canonical_url(page)
    author = meta_content(page, "author")
    content = article_content(page)
    heading = content.find("h1")
    if heading is None:
        raise PdfBuildError("the article has no title")
    title = heading.get_text(" ", strip=True)
    description = meta_content(page, "description")

    strip_web_only(content)
    flatten_tabs(content, page)
    require_citation_forms(content)
    absolute_links(content, url)
    body = colophon(page, url=url, source=source_section(site, url))

    document = BeautifulSoup("<!doctype html><html lang='en'><head><meta charset='utf-8'></head><body></body></html>", "lxml")
    head = document.head
    title_tag = document.new_tag("title")
    title_tag.string = title
    head.append(title_tag)
    for name, value in (("author", author), ("description", description)):
        head.append(document.new_tag("meta", attrs={"name": name, "content": value}))
    main = document.new_tag("main")
    for node in list(content.children):
        main.append(node)
    main.append(body)
    document.body.append(main)
    return str(document)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python editions/make_pdf.py SITE_DIR OUTPUT.pdf", file=sys.stderr)
        return 2
    site, output = Path(argv[1]), Path(argv[2])
    try:
        html = compose(site)
    except PdfBuildError as error:
        print(f"PDF edition: {error}", file=sys.stderr)
        return 1
    # base_url only resolves the stylesheet's fonts; every link is absolute already.
    # Tags give screen readers the headings, paragraphs and reading order.
    HTML(string=html, base_url=str(site)).write_pdf(output, stylesheets=[str(STYLESHEET)], pdf_tags=True)
    print(f"Wrote {output} ({output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
