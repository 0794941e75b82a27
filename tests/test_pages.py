"""The build writes the pages it should, without a warning, and each is a sound document: one h1, a title,
a description, a language, and sidebars that show only what they have."""

from __future__ import annotations

import subprocess
from pathlib import Path

from bs4 import BeautifulSoup

from helpers import CONTENT_PAGES, SITE_PAGES

# Headings a template adds after the Markdown (overrides/partials/edition-downloads.html): the theme builds a
# page's table of contents from the Markdown alone, so they are not listed in it.
TEMPLATE_HEADINGS = {"downloads"}


def test_strict_build_prints_no_warning(site_build: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    output = site_build[1].stdout + site_build[1].stderr
    warnings = [line for line in output.splitlines() if "WARNING" in line and "Location 'file:" not in line]
    assert not warnings, "the strict build printed warnings:\n" + "\n".join(warnings)


def test_the_build_writes_exactly_the_expected_pages(html_pages: dict[str, BeautifulSoup]) -> None:
    # SITE_PAGES (tests/helpers.py) is every Markdown page of docs/ plus the theme's 404 page; the abbreviation
    # list in includes/ is appended to pages, not built as one.
    assert sorted(html_pages) == SITE_PAGES, (
        f"built pages {sorted(html_pages)} differ from the pages docs/ should give, {SITE_PAGES}"
    )
    assert not [page for page in SITE_PAGES if "abbreviation" in page], "the abbreviation list is built as a page"


def test_each_page_has_one_h1_title_description_and_lang(html_pages: dict[str, BeautifulSoup]) -> None:
    problems = []
    for name, page in html_pages.items():
        if len(page.find_all("h1")) != 1:
            problems.append(f"{name}: {len(page.find_all('h1'))} h1 elements")
        headings = page.find_all("h1")
        if not (page.title and headings and page.title.get_text(strip=True).startswith(headings[0].get_text(strip=True))):
            problems.append(f"{name}: its <title> does not begin with its heading: {page.title}")
        description = page.find("meta", attrs={"name": "description"})
        if not (description and description.get("content", "").strip()):
            problems.append(f"{name}: no meta description")
        if page.html.get("lang") != "en":
            problems.append(f"{name}: <html lang={page.html.get('lang')!r}>")
    assert not problems, "\n".join(problems)


def test_article_hides_its_navigation_and_table_of_contents(article: BeautifulSoup) -> None:
    for sidebar in ("md-sidebar--primary", "md-sidebar--secondary"):
        node = article.find(class_=sidebar)
        assert node is None or node.has_attr("hidden"), f"the article shows its {sidebar}"


def test_each_table_of_contents_lists_exactly_its_pages_sections(html_pages: dict[str, BeautifulSoup]) -> None:
    # A page without sections gets an empty table of contents, which shows nothing.
    for page in CONTENT_PAGES:
        soup = html_pages[page]
        listed = [a["href"] for a in soup.select(".md-sidebar--secondary nav.md-nav--secondary a[href]")]
        headings = soup.select("article.md-content__inner :is(h2, h3, h4, h5, h6)[id]")
        sections = [f"#{h['id']}" for h in headings if h["id"] not in TEMPLATE_HEADINGS]
        assert listed == sections, f"{page}: the table of contents lists {listed}, the page's sections are {sections}"
