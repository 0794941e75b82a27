"""The EPUB edition: the whole text in order, true metadata, no web furniture.

That it is valid is EPUBCheck's word, which the build asks for and fails without (tests/test_bad_input.py)."""

from __future__ import annotations

import io
import posixpath
import re
import uuid
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Tag
from PIL import Image

from helpers import (
    EPUB_NAME, FACTS, Reference, assert_whole_text_in_order, built_file, commit_time, copied_into_editions, normalize,
    revision,
)

# The book's text blocks; none of them holds another.
TEXT_BLOCKS = ["h1", "h2", "h3", "p", "pre", "li"]


@pytest.fixture(scope="session")
def epub(site: Path) -> Path:
    return built_file(site, EPUB_NAME, "the EPUB edition")


class Book:
    """The EPUB read back as a reading system reads it: container, package, spine."""

    def __init__(self, path: Path) -> None:
        self.archive = zipfile.ZipFile(path)
        container = self.xml("META-INF/container.xml")
        self.opf_path = container.find("rootfile")["full-path"]
        self.package = self.xml(self.opf_path)
        base = posixpath.dirname(self.opf_path)
        self.manifest = {
            item["id"]: {**item.attrs, "path": posixpath.join(base, item["href"])}
            for item in self.package.find("manifest").find_all("item")
        }
        self.spine = [self.manifest[ref["idref"]]["path"] for ref in self.package.find("spine").find_all("itemref")]

    def xml(self, name: str) -> BeautifulSoup:
        return BeautifulSoup(self.archive.read(name), "lxml-xml")

    def meta(self, prop: str) -> list[str]:
        return [node.get_text(strip=True) for node in self.package.find_all("meta", attrs={"property": prop})]

    def dc(self, name: str) -> list[str]:
        return [node.get_text(strip=True) for node in self.package.find_all(name)]

    def item_with(self, prop: str) -> dict[str, str]:
        items = [item for item in self.manifest.values() if prop in item.get("properties", "").split()]
        assert len(items) == 1, f"the package has {len(items)} items with properties={prop!r}"
        return items[0]

    @property
    def documents(self) -> list[tuple[str, BeautifulSoup]]:
        return [(name, self.xml(name)) for name in self.spine]

    def text(self) -> str:
        """The text of every block in reading order, a space between blocks and none inside one."""
        blocks = [node for _, page in self.documents for node in page.find("body").find_all(TEXT_BLOCKS)]
        return normalize(" ".join(node.get_text() for node in blocks))

    def element(self, element_id: str) -> Tag:
        for _, page in self.documents:
            node = page.find(id=element_id)
            if node is not None:
                return node
        raise AssertionError(f"no element with id {element_id!r} in the book")


@pytest.fixture(scope="session")
def book(epub: Path) -> Book:
    return Book(epub)


def test_every_paragraph_caption_and_the_bio_are_in_the_book_in_order(book: Book, reference: Reference) -> None:
    assert_whole_text_in_order(book.text(), reference, "EPUB")


def test_paragraph_anchors_and_numbers_carry_over_from_the_web_page(book: Book, article: BeautifulSoup) -> None:
    web = article.select("article [id^='p-']")
    assert web, "the article page has no paragraph anchors"
    book_ids = [node["id"] for _, page in book.documents for node in page.find_all(id=True) if node["id"].startswith("p-")]
    assert book_ids == [node["id"] for node in web], f"the book's paragraph anchors are {book_ids}"
    for node in web:
        # Whatever the page shows in a paragraph (its number included) the book shows; the ¶ link has no text.
        expected, got = normalize(node.get_text()), normalize(book.element(node["id"]).get_text())
        assert got == expected, f"paragraph #{node['id']} differs:\n  web:  {expected}\n  EPUB: {got}"


def test_book_is_english_with_the_chinese_character_marked(book: Book) -> None:
    assert book.package.find("package").get("xml:lang") == "en", "the package document is not marked English"
    assert book.dc("language") == ["en"], f"dc:language is {book.dc('language')}"
    for name, page in book.documents:
        html = page.find("html")
        assert html.get("lang") == "en" and html.get("xml:lang") == "en", f"{name} is not marked English"
    marked = [node for _, page in book.documents for node in page.find_all(string=lambda s: "和" in s)]
    assert marked, "the book lacks the character 和"
    for node in marked:
        assert node.parent.get("lang") == "zh", f"和 sits in <{node.parent.name} lang={node.parent.get('lang')!r}>"


def test_metadata_names_the_title_author_a_stable_identifier_and_the_commit_time(
    book: Book, reference: Reference, site_url: str
) -> None:
    assert book.dc("title") == [reference.title], f"dc:title is {book.dc('title')}"
    assert book.dc("creator") == [FACTS.author], f"dc:creator is {book.dc('creator')}"
    # The EPUB's own address names the edition; every build of it carries the same identifier.
    expected = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, site_url + EPUB_NAME)}"
    unique_id = book.package.find("package")["unique-identifier"]
    identifier = book.package.find("identifier", id=unique_id)
    assert identifier is not None and identifier.get_text(strip=True) == expected, (
        f"the unique identifier is {identifier}, not {expected}"
    )
    modified = commit_time().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert book.meta("dcterms:modified") == [modified], f"dcterms:modified {book.meta('dcterms:modified')}, commit {modified}"
    assert book.dc("date") == [modified], f"dc:date {book.dc('date')} is not the commit time {modified}"


def test_accessibility_metadata_is_true_of_the_book(book: Book, reference: Reference) -> None:
    assert book.meta("schema:accessMode") == ["textual"], book.meta("schema:accessMode")
    assert book.meta("schema:accessModeSufficient") == ["textual"], book.meta("schema:accessModeSufficient")
    assert book.meta("schema:accessibilityHazard") == ["none"], book.meta("schema:accessibilityHazard")
    features = set(book.meta("schema:accessibilityFeature"))
    assert features == {"displayTransformability", "readingOrder", "structuralNavigation", "tableOfContents"}, (
        f"accessibility features {sorted(features)}"
    )
    summary = book.meta("schema:accessibilitySummary")
    assert len(summary) == 1 and summary[0], f"accessibility summary {summary}"

    # Textual only (DAISY: cover artwork is not visual content), and the summary's "the only image
    # is the cover, which ... has a text description": one image, the cover, described.
    images = [item for item in book.manifest.values() if item["media-type"].startswith("image/")]
    assert [item["path"] for item in images] == [book.item_with("cover-image")["path"]], f"images: {images}"
    cover_page = book.xml(book.spine[0])
    svg = cover_page.find("svg")
    assert svg is not None and svg.find("image") is not None, "the first page in the spine is not the cover"
    title, label = svg.find("title"), svg.get("aria-label") or ""
    assert svg.get("role") == "img" and title and title.get_text() == label, "the cover image has no text alternative"
    # The cover shows the title and the author (reading_edition/social_card.py), so its description names them.
    assert reference.title in label and FACTS.author in label, f"the cover's description {label!r} names not both"
    with Image.open(io.BytesIO(book.archive.read(book.item_with("cover-image")["path"]))) as cover:
        assert cover.height > cover.width, f"the cover is {cover.width}×{cover.height}, not portrait as e-readers show it"
    # "displayTransformability": reflowable, no fixed layout.
    assert not book.meta("rendition:layout"), "the book is fixed-layout"
    # "hazards: none": no sound, video or script that could flash or move.
    media = {item["media-type"] for item in book.manifest.values()}
    assert not {m for m in media if m.startswith(("audio/", "video/"))}, f"the book has media: {media}"
    assert not any("scripted" in item.get("properties", "") for item in book.manifest.values()), "the book has scripts"
    # "structuralNavigation", "tableOfContents": headings, and a nav document listing them.
    headings = [h.get_text(" ", strip=True) for _, page in book.documents for h in page.find_all(["h1", "h2"])]
    nav = book.xml(book.item_with("nav")["path"])
    toc = nav.find("nav", attrs={"epub:type": "toc"})
    assert toc is not None, "the navigation document has no table of contents"
    entries = [a.get_text(" ", strip=True) for a in toc.find_all("a")]
    assert entries == headings and len(headings) >= 4, f"table of contents {entries}, headings {headings}"
    # The paragraph the summary names for the Chinese character is the one that holds it, marked.
    named = re.findall(r"paragraph (\d+)", summary[0])
    wrong = [n for n in named if book.element(f"p-{n}").find(attrs={"lang": "zh"}) is None]
    assert named and not wrong, f"the summary names paragraphs {named} for the Chinese character; not marked there: {wrong}"


def test_no_web_only_furniture(book: Book) -> None:
    found = []
    for name, page in book.documents:
        body = page.find("body")
        for selector in ("script", "button", "input", "form", ".para-link", ".glossary-link", ".headerlink",
                         ".md-content__button", ".edition-downloads", ".edition-print-url", "[download]"):
            found += [f"{name}: {selector}" for _ in body.select(selector)]
    assert not found, "web-only furniture in the book:\n" + "\n".join(found)


def test_book_has_the_citation_forms_the_source_of_the_text_the_revision_and_its_date(
    book: Book, html_pages: dict[str, BeautifulSoup]
) -> None:
    date, commit = revision()
    expected = {
        **copied_into_editions(html_pages),
        "the revision's date": date,
        "the revision's commit": commit,
        "the date in its metadata, in words": f"{commit_time():%-d %B %Y}",
    }
    text = book.text()
    missing = [f"{what}: {block}" for what, block in expected.items() if block not in text]
    assert not missing, "the book lacks:\n" + "\n".join(missing)


def test_every_link_inside_the_book_reaches_an_element_and_the_author_link_stays_inside(book: Book) -> None:
    """In a book the byline's author link leads to the author note in it, not out to the website."""
    broken, author_links = [], []
    for name, page in book.documents:
        for link in page.find_all("a", href=True):
            target = urlsplit(link["href"])
            if target.scheme:
                continue
            document = posixpath.normpath(posixpath.join(posixpath.dirname(name), target.path)) if target.path else name
            if document not in book.spine or (target.fragment and not book.xml(document).find(id=target.fragment)):
                broken.append(link["href"])
        author_links += [link["href"] for link in page.select(".byline a[href]")]
    assert not broken, f"links inside the book that lead nowhere: {broken}"
    assert author_links and all(not urlsplit(href).scheme for href in author_links), (
        f"the byline's author link leaves the book: {author_links}"
    )
