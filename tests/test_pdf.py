"""The PDF edition holds the whole article verbatim, with its metadata, its citations and the source of the text;
its links, and the EPUB's, reach the web edition."""

from __future__ import annotations

import hashlib
import re
import statistics
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from helpers import (
    EPUB_NAME, FACTS, OFFLINE_ZIP_NAME, PDF_NAME, PROJECT_ROOT, REFERENCE_TEXT, Reference, assert_whole_text_in_order,
    built_file, copied_into_editions, normalize, resolve, revision,
)

SOFT_HYPHEN_BREAK = re.compile("\u2010\\s+")  # WeasyPrint's hyphenation mark, then the line break
# A line ending on the author’s own hyphen or dash, or inside an address, "9/11" or "Photo/Xinhua" broken after a "/".
BREAK_AFTER_DASH = re.compile(r"([-—])\s*\n\s*|(/)\s*\n\s*(?=\w)")


@pytest.fixture(scope="session")
def pdf(site: Path) -> Path:
    return built_file(site, PDF_NAME, "the PDF edition")


def pdf_info(pdf: Path) -> dict[str, str]:
    output = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in output.splitlines())}


def pdf_links(pdf: Path) -> list[str]:
    """The addresses the PDF's link annotations open (poppler's pdftohtml lists them; it writes a link within
    the PDF as a link to its own .html file, which has no scheme)."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [a["href"] for a in BeautifulSoup(xml, "lxml-xml").find_all("a", href=True) if urlsplit(a["href"]).scheme]


def epub_links(epub: Path) -> list[str]:
    """The addresses that the EPUB's documents link, other than into the book itself."""
    with zipfile.ZipFile(epub) as book:
        documents = [book.read(name) for name in book.namelist() if name.endswith(".xhtml")]
    return [a["href"] for doc in documents for a in BeautifulSoup(doc, "lxml-xml").find_all("a", href=True)
            if urlsplit(a["href"]).scheme]


@pytest.fixture(scope="session")
def pdf_text(pdf: Path) -> str:
    """The PDF's text area only (no running title, no page numbers), line breaks undone."""
    width, height = (float(n) for n in re.findall(r"[\d.]+", pdf_info(pdf)["Page size"])[:2])
    top, bottom = round(height * 0.06), round(height * 0.93)
    raw = subprocess.run(
        # -raw keeps a hyphen that ends a line; the default layout mode drops it and joins the words.
        ["pdftotext", "-raw", "-enc", "UTF-8", "-x", "0", "-y", str(top), "-W", str(round(width)), "-H", str(bottom - top),
         str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout
    joined = BREAK_AFTER_DASH.sub(lambda found: found.group(1) or found.group(2), SOFT_HYPHEN_BREAK.sub("", raw))
    return normalize(joined)


def test_pdf_metadata_names_title_and_author_and_it_is_tagged(pdf: Path, reference: Reference) -> None:
    info = pdf_info(pdf)
    assert info.get("Title") == reference.title, f"PDF title is {info.get('Title')!r}"
    assert info.get("Author") == FACTS.author, f"PDF author is {info.get('Author')!r}"
    assert info.get("Tagged") == "yes", "the PDF has no structure tags, so screen readers get no headings or reading order"


def test_every_paragraph_caption_and_the_bio_are_in_the_pdf_in_order(pdf_text: str, reference: Reference) -> None:
    assert_whole_text_in_order(pdf_text, reference, "PDF")


def test_pdf_has_the_citation_forms_the_source_of_the_text_its_fingerprint_and_the_revision(
    pdf_text: str, html_pages: dict[str, BeautifulSoup]
) -> None:
    date, commit = revision()
    expected = {
        **copied_into_editions(html_pages),
        "the fingerprint of docs/source.txt": hashlib.sha256(REFERENCE_TEXT.read_bytes()).hexdigest(),
        "the revision's date": date,
        "the revision's commit": commit,
    }
    missing = [f"{what}: {text}" for what, text in expected.items() if text not in pdf_text]
    assert not missing, "the PDF lacks:\n" + "\n".join(missing)


def test_pdf_numbers_the_authors_paragraphs_in_the_margin(pdf: Path, reference: Reference) -> None:
    """Each body paragraph's number, as in its #p-N anchor, left of the text block on its first line."""
    output = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [
        [(word.get_text(), *(float(word[edge]) for edge in ("xmin", "xmax", "ymin", "ymax"))) for word in page("word")]
        for page in BeautifulSoup(output, "lxml").find_all("page")  # lxml lowercases pdftotext's xMin…
    ]
    text_left = min(xmin for words in pages for text, xmin, *_ in words if not text.isdigit())
    numbered = {}
    for words in pages:
        for text, _, xmax, top, bottom in words:
            if not text.isdigit() or xmax >= text_left:
                continue
            # pdftotext reads the margin as a column of its own: find the word to the number's right.
            line = [(xmin, word) for word, xmin, _, word_top, word_bottom in words
                    if xmin > xmax and word_top <= (top + bottom) / 2 <= word_bottom]
            numbered[int(text)] = min(line)[1] if line else None
    expected = {n: paragraph.split()[0] for n, paragraph in enumerate(reference.paragraphs, start=1)}
    assert numbered == expected, f"margin numbers and the words after them: {numbered}, expected {expected}"


def test_pdf_sets_the_essay_at_a_comfortable_measure(pdf: Path, reference: Reference) -> None:
    """60 to 75 characters a line, the range typographers give for a single column of running text."""
    body = " ".join(reference.paragraphs)
    lines = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    # A full line of a paragraph: in the essay (its number and a break hyphen aside), and followed by more of it.
    full = [
        len(text) for line, following in zip(lines, lines[1:])
        if (text := re.sub(r"^\d+ ", "", line).rstrip("\u2010-")) and len(text) > 20 and text in body
        and following and re.sub(r"^\d+ ", "", following)[:15] in body and not re.match(r"^\d+ ", following)
    ]
    assert len(full) > 50, f"only {len(full)} full lines of the essay were found in the PDF's text"
    median = statistics.median(full)
    assert 60 <= median <= 75, f"the PDF sets the essay at a median {median} characters a line, not 60 to 75"


def test_pdf_has_no_paragraph_links_and_offers_no_download(pdf: Path, pdf_text: str) -> None:
    assert "¶" not in pdf_text, "the PDF shows the web edition's ¶ links"
    downloads = [url for url in pdf_links(pdf) if url.endswith((PDF_NAME, EPUB_NAME, OFFLINE_ZIP_NAME))]
    assert not downloads, f"the PDF links the web page's downloads: {downloads}"


def test_pdf_embeds_all_its_fonts(pdf: Path) -> None:
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows, "pdffonts lists no fonts"
    not_embedded = [row.split()[0] for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, f"fonts not embedded in the PDF: {not_embedded}"


@pytest.mark.parametrize("edition, links", [(PDF_NAME, pdf_links), (EPUB_NAME, epub_links)], ids=["pdf", "epub"])
def test_every_link_from_the_edition_into_the_site_reaches_a_published_file(
    site: Path, site_url: str, html_pages: dict[str, BeautifulSoup], edition: str, links: Callable[[Path], list[str]]
) -> None:
    # Into the site: any address on its host. One outside its path (the host's root, on a project site) is
    # another site, or none, so it is broken too.
    root = urlsplit(site_url)
    into_site = sorted({url for url in links(built_file(site, edition, "the edition")) if urlsplit(url).netloc == root.netloc})
    assert into_site, f"{edition} links nothing at {site_url}"
    broken = []
    for url in into_site:
        if not urlsplit(url).path.startswith(root.path):
            broken.append(f"{url} is outside the site {site_url}")
            continue
        target, fragment = resolve(site, site_url, "index.html", url)
        page = target.relative_to(site).as_posix()
        if not target.is_file():
            broken.append(f"{url} -> missing {page}")
        elif fragment and target.suffix == ".html" and not html_pages[page].find(id=unquote(fragment)):
            broken.append(f"{url} -> no element with id {fragment!r} in {page}")
    assert not broken, f"links in {edition} that reach nothing the site publishes:\n" + "\n".join(broken)


def test_web_build_needs_no_pdf_toolchain() -> None:
    runtime = (PROJECT_ROOT / "requirements.txt").read_text(encoding="utf-8").lower()
    assert "weasyprint" not in runtime, "requirements.txt pulls in the PDF toolchain: keep it in requirements/pdf.in"
