"""Typeset the PDF edition from the built site, so it is made from the same Markdown.

Usage: python -m reading_edition.pdf SITE_DIR OUTPUT.pdf

The article, with its citation forms, comes from SITE_DIR/index.html and the
statement about the source of the text from SITE_DIR's "About this edition"
page, read by built_article.py as for the EPUB edition; nothing is written twice.
Only reading_edition/pdf.css styles the result. Output is deterministic: no dates.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bs4 import BeautifulSoup
from weasyprint import HTML

from reading_edition.built_article import EditionBuildError, colophon, load

STYLESHEET = Path(__file__).resolve().parent / "pdf.css"


def compose(site: Path) -> str:
    """One standalone HTML document: the article, then the colophon."""
    article = load(site)
    body = colophon(article, heading="About this PDF", section_id="about-this-pdf")

    document = BeautifulSoup("<!doctype html><html lang='en'><head><meta charset='utf-8'></head><body></body></html>", "lxml")
    head = document.head
    title_tag = document.new_tag("title")
    title_tag.string = article.title
    head.append(title_tag)
    for name, value in (("author", article.author), ("description", article.description)):
        head.append(document.new_tag("meta", attrs={"name": name, "content": value}))
    main = document.new_tag("main")
    for node in list(article.content.children):
        main.append(node)
    main.append(body)
    document.body.append(main)
    return str(document)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m reading_edition.pdf SITE_DIR OUTPUT.pdf", file=sys.stderr)
        return 2
    site, output = Path(argv[1]), Path(argv[2])
    try:
        html = compose(site)
    except EditionBuildError as error:
        print(f"PDF edition: {error}", file=sys.stderr)
        return 1
    # base_url only resolves the stylesheet's fonts; every link is absolute already.
    # Tags give screen readers the headings, paragraphs and reading order.
    HTML(string=html, base_url=str(site)).write_pdf(output, stylesheets=[str(STYLESHEET)], pdf_tags=True)
    print(f"Wrote {output} ({output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
