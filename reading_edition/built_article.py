"""The article as the site built it, made ready for the PDF and EPUB editions.

Both editions are made from SITE_DIR/index.html and the "Source of the text"
section of the "About this edition" page, so nothing is written twice: this
module reads them, strips what only means something on the web (links to
oneself and to the glossary, copy buttons, scripts, download links) and prints
every citation tab under its label, since paper and e-readers have no tabs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

# Web-only furniture, removed with its content.
WEB_ONLY = [
    ".headerlink",
    ".md-content__button",
    ".md-source-file",
    ".edition-downloads",  # "Download PDF · Download EPUB": the reader already holds an edition
    ".edition-print-url",  # the page's address for print; each edition's colophon gives it
    "script",
    "button",
    "input",
]
# Links to their own paragraph, and the editors' links from the essay to the web edition's glossary,
# which the editions do not carry: the link goes, its text (a paragraph number, the author's words) stays.
UNWRAPPED_LINKS = ".para-link, .glossary-link"
SOURCE_SECTION_ID = "source-of-the-text"
CITATION_SECTION_ID = "cite-this-article"


class EditionBuildError(Exception):
    """The built site lacks something an edition needs."""


@dataclass
class BuiltArticle:
    """The article page's content, cleaned for an edition, with what the page says about it."""

    page: BeautifulSoup  # the whole parsed page, to make new tags with
    content: Tag  # the article, furniture stripped, tabs flattened, links absolute
    title: str
    author: str
    description: str
    url: str  # the web edition's canonical address
    source: list[Tag]  # the "Source of the text" section of "About this edition"


def read_page(path: Path) -> BeautifulSoup:
    if not path.is_file():
        raise EditionBuildError(f"{path} is missing: build the site first")
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def find_edition_page(site: Path) -> Path:
    """The "About this edition" page, wherever directory URLs put it."""
    for candidate in (site / "edition" / "index.html", site / "edition.html"):
        if candidate.is_file():
            return candidate
    raise EditionBuildError(f"no 'About this edition' page in {site}")


def meta_content(page: BeautifulSoup, name: str) -> str:
    tag = page.find("meta", attrs={"name": name})
    if tag is None or not tag.get("content"):
        raise EditionBuildError(f"the article page has no <meta name={name!r}>")
    return str(tag["content"])


def canonical_url(page: BeautifulSoup) -> str:
    link = page.find("link", rel="canonical")
    if link is None or not link.get("href"):
        raise EditionBuildError("the article page has no canonical URL: is site_url set?")
    return str(link["href"])


def article_content(page: BeautifulSoup) -> Tag:
    content = page.select_one("article.md-content__inner")
    if content is None:
        raise EditionBuildError("the article page has no Material content area")
    return content


def strip_web_only(content: Tag) -> None:
    for selector in WEB_ONLY:
        for node in content.select(selector):
            node.decompose()
    for link in content.select(UNWRAPPED_LINKS):
        link.unwrap()


def flatten_tabs(content: Tag, page: BeautifulSoup) -> None:
    """Print every tab of a tabbed set, each under its own label."""
    for tabbed in content.select(".tabbed-set"):
        labels = [label.get_text(" ", strip=True) for label in tabbed.select(".tabbed-labels > label")]
        blocks = tabbed.select(".tabbed-content > .tabbed-block")
        if len(labels) != len(blocks):
            raise EditionBuildError(f"a tabbed set has {len(labels)} labels but {len(blocks)} panels")
        flat = page.new_tag("div", attrs={"class": "tabbed-print"})
        for label, block in zip(labels, blocks):
            heading = page.new_tag("p", attrs={"class": "tab-label"})
            heading.string = label
            flat.append(heading)
            flat.append(block)
        tabbed.replace_with(flat)


def require_citation_forms(content: Tag) -> None:
    """An edition's citation is the article's own "Cite this article" section, never a copy."""
    heading = content.find(id=CITATION_SECTION_ID)
    following = heading.find_next_sibling(True) if heading else None
    if following is None or following.name in ("h1", "h2", "hr"):
        raise EditionBuildError(f"the article has no #{CITATION_SECTION_ID} section with citation forms")


def absolute_links(content: Tag, base_url: str) -> None:
    """Links in an edition must work from anywhere: point them at the web edition.

    A `download` attribute goes too: on paper or in a book the link opens the web
    edition's file rather than saving it (EPUB reading systems have no downloads)."""
    for link in content.find_all("a", href=True):
        if not link["href"].startswith("#"):
            link["href"] = urljoin(base_url, link["href"])
            del link["download"]


def source_section(site: Path) -> list[Tag]:
    """The edition page's own statement of where the text comes from, its links made absolute
    against that page's own address (a relative link there is relative to edition/, not the root)."""
    page = read_page(find_edition_page(site))
    base_url = canonical_url(page)
    heading = page.find(id=SOURCE_SECTION_ID)
    if heading is None:
        raise EditionBuildError(f"'About this edition' has no #{SOURCE_SECTION_ID} section")
    nodes: list[Tag] = []
    for sibling in heading.find_next_siblings(True):
        if sibling.name in ("h1", "h2"):
            break
        nodes.append(sibling)
    if not nodes:
        raise EditionBuildError(f"the #{SOURCE_SECTION_ID} section is empty")
    for node in nodes:
        strip_web_only(node)
        absolute_links(node, base_url)
    return nodes


def revision(page: BeautifulSoup) -> str:
    """The revision the page's footer names (overrides/partials/edition-footer.html)."""
    line = page.select_one(".edition-revision")
    if line is None:
        raise EditionBuildError("the article page's footer names no revision (.edition-revision)")
    return " ".join(line.get_text(" ", strip=True).split())


def colophon(article: BuiltArticle, *, heading: str, section_id: str, extra_html: str = "") -> Tag:
    """Editorial matter: where this edition comes from, which revision it is, where the text comes from."""
    page, url = article.page, article.url
    section = page.new_tag("section", attrs={"class": "colophon", "id": section_id})
    title = page.new_tag("h2")
    title.string = heading
    section.append(title)
    fragment = BeautifulSoup(
        f"<p>From the reading edition at <a href='{url}'>{url}</a>. {revision(page)}. "
        "The text as received is reproduced verbatim; everything else is editorial. "
        f"To cite the essay, see <a href='#{CITATION_SECTION_ID}'>Cite this article</a>.</p>"
        f"{extra_html}"
        "<p><strong>Source of the text.</strong></p>",
        "lxml",
    )
    for node in list(fragment.body.children):
        section.append(node)
    for node in article.source:
        section.append(node)
    return section


def load(site: Path) -> BuiltArticle:
    """The built article, ready for an edition: every check an edition relies on is made here."""
    page = read_page(site / "index.html")
    url = canonical_url(page)
    content = article_content(page)
    heading = content.find("h1")
    if heading is None:
        raise EditionBuildError("the article has no title")
    strip_web_only(content)
    flatten_tabs(content, page)
    require_citation_forms(content)
    absolute_links(content, url)
    return BuiltArticle(
        page=page,
        content=content,
        title=heading.get_text(" ", strip=True),
        author=meta_content(page, "author"),
        description=meta_content(page, "description"),
        url=url,
        source=source_section(site),
    )
