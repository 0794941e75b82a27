"""The PDF edition holds the whole article verbatim, with its metadata, a citation and the source."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import PDF_NAME, PROJECT_ROOT, Reference, normalize
from test_links import resolve

SOFT_HYPHEN_BREAK = re.compile("\u2010\\s+")  # WeasyPrint's hyphenation mark, then the line break
BREAK_AFTER_DASH = re.compile(r"([-—])\s*\n\s*")  # a line ending on the author's own hyphen or dash


@pytest.fixture(scope="session")
def pdf(site: Path) -> Path:
    path = site / PDF_NAME
    assert path.is_file(), f"the build did not write the PDF edition {PDF_NAME}"
    return path


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
    joined = BREAK_AFTER_DASH.sub(r"\1", SOFT_HYPHEN_BREAK.sub("", raw))
    return normalize(joined)


def test_pdf_metadata_names_title_and_author_and_it_is_tagged(pdf: Path, reference: Reference) -> None:
    info = pdf_info(pdf)
    assert info.get("Title") == reference.title, f"PDF title is {info.get('Title')!r}"
    assert info.get("Author") == "Josef Gregory Mahoney", f"PDF author is {info.get('Author')!r}"
    assert info.get("Tagged") == "yes", "the PDF has no structure tags, so screen readers get no headings or reading order"


def test_every_paragraph_caption_and_the_bio_are_in_the_pdf_in_order(pdf_text: str, reference: Reference) -> None:
    position = 0
    for number, block in enumerate([reference.title, reference.standfirst, *reference.body, reference.bio], 1):
        found = pdf_text.find(block, position)
        if found < 0:
            opening = pdf_text.find(block[:40])
            raise AssertionError(
                f"source block {number} is missing, altered or out of order in the PDF:\n  expected: {block}\n"
                f"  PDF has:  {pdf_text[opening:opening + len(block)] if opening >= 0 else '(not even its opening)'}"
            )
        position = found + len(block)


def test_pdf_has_byline_source_and_web_address(pdf_text: str, site_url: str) -> None:
    expected = {
        "byline": "By Josef Gregory Mahoney",
        "web edition URL": site_url,
        "host of the source copy": "en.chinadiplomacy.org.cn",
        "outlet caveat": "original outlet is not confirmed",
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
    assert "weasyprint" not in runtime, "requirements.txt pulls in the PDF toolchain: keep it in requirements-pdf.txt"
