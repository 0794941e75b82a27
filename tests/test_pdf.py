"""The PDF edition holds the whole article verbatim, with its metadata, a citation and the source."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import (
    FACTS, MATCHING_COPY, OTHER_COPY, PDF_NAME, PROJECT_ROOT, REFERENCE_TEXT, Reference,
    assert_whole_text_in_order, built_file, normalize, resolve, revision,
)

SOFT_HYPHEN_BREAK = re.compile("\u2010\\s+")  # WeasyPrint's hyphenation mark, then the line break
# A line ending on the author's own hyphen or dash, or inside an address or "9/11" broken after a "/".
BREAK_AFTER_DASH = re.compile(r"([-—])\s*\n\s*|(/)\s*\n\s*(?=[a-z0-9])")


@pytest.fixture(scope="session")
def pdf(site: Path) -> Path:
    return built_file(site, PDF_NAME, "the PDF edition")


def pdf_info(pdf: Path) -> dict[str, str]:
    output = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in output.splitlines())}


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


def test_pdf_has_byline_source_and_web_address(pdf_text: str, site_url: str) -> None:
    expected = {
        "byline": f"By {FACTS.author}",
        "web edition URL": site_url,
        "the copy the text matches": MATCHING_COPY,
        "the other copy": OTHER_COPY,
        "which one it matches": "the text as received matches this copy",
        "how the other differs": "straight apostrophes",
        "outlet caveat": "The original outlet and the date of first publication are not confirmed",
        "who wrote what": "as they came with the text",
        "fingerprint": hashlib.sha256(REFERENCE_TEXT.read_bytes()).hexdigest(),
    }
    missing = [f"{what}: {text!r}" for what, text in expected.items() if text not in pdf_text]
    assert not missing, "the PDF lacks:\n" + "\n".join(missing)


def test_pdf_has_every_citation_form_of_the_article_page(pdf_text: str, article: BeautifulSoup) -> None:
    heading = article.find(id="cite-this-article")
    assert heading is not None, "the article page has no 'Cite this article' section"
    forms = {
        normalize(label.get_text()): normalize(block.get_text())
        for tabbed in heading.find_next_siblings(class_="tabbed-set")
        for label, block in zip(tabbed.select(".tabbed-labels > label"), tabbed.select(".tabbed-block"))
    }
    assert forms, "the article page shows no citation forms"
    missing = [f"{style}: {form}" for style, form in forms.items() if form not in pdf_text]
    assert not missing, "citation forms missing from the PDF:\n" + "\n".join(missing)


def test_pdf_colophon_names_the_revision(pdf_text: str) -> None:
    date, commit = revision()
    assert f"Revision {date}, commit {commit}" in pdf_text, f"the PDF does not name revision {date} ({commit})"


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


def test_pdf_has_no_web_only_paragraph_furniture(pdf_text: str) -> None:
    assert "¶" not in pdf_text and "Link to paragraph" not in pdf_text, "the PDF shows the web edition's ¶ links"


def test_pdf_does_not_link_to_itself(pdf_text: str) -> None:
    assert "Download PDF" not in pdf_text, "the PDF shows the web page's 'Download PDF' link"


def test_pdf_embeds_all_its_fonts(pdf: Path) -> None:
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows, "pdffonts lists no fonts"
    not_embedded = [row.split()[0] for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, f"fonts not embedded in the PDF: {not_embedded}"


def test_article_byline_links_to_the_pdf(site: Path, site_url: str, article: BeautifulSoup) -> None:
    byline = article.select_one("p.byline")
    assert byline is not None, "the article has no byline"
    link = byline.find("a", string="Download PDF")
    assert link is not None, "the byline has no 'Download PDF' link"
    target, _ = resolve(site, site_url, "index.html", link["href"])
    assert target == site / PDF_NAME, f"'Download PDF' points at {link['href']}, not the PDF edition"


def test_web_build_needs_no_pdf_toolchain() -> None:
    runtime = (PROJECT_ROOT / "requirements.txt").read_text(encoding="utf-8").lower()
    assert "weasyprint" not in runtime, "requirements.txt pulls in the PDF toolchain: keep it in requirements/pdf.in"
