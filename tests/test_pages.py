"""Every page is a well-formed document: one h1, a title, a description, a language."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup


def test_strict_build_prints_no_warning(site_build: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    output = site_build[1].stdout + site_build[1].stderr
    warnings = [line for line in output.splitlines() if "WARNING" in line and "Location 'file:" not in line]
    assert not warnings, "the strict build printed warnings:\n" + "\n".join(warnings)


def test_expected_pages_exist(html_pages: dict[str, BeautifulSoup]) -> None:
    for page in ("index.html", "author/index.html", "edition/index.html", "404.html"):
        assert page in html_pages, f"{page} was not built"


def test_each_page_has_one_h1_title_description_and_lang(html_pages: dict[str, BeautifulSoup]) -> None:
    problems = []
    for name, page in html_pages.items():
        if len(page.find_all("h1")) != 1:
            problems.append(f"{name}: {len(page.find_all('h1'))} h1 elements")
        if not (page.title and page.title.get_text(strip=True)):
            problems.append(f"{name}: no <title>")
        description = page.find("meta", attrs={"name": "description"})
        if not (description and description.get("content", "").strip()):
            problems.append(f"{name}: no meta description")
        if page.html.get("lang") != "en":
            problems.append(f"{name}: <html lang={page.html.get('lang')!r}>")
    assert not problems, "\n".join(problems)


def test_article_hides_empty_navigation_and_toc(article: BeautifulSoup) -> None:
    for sidebar in ("md-sidebar--primary", "md-sidebar--secondary"):
        node = article.find(class_=sidebar)
        assert node is None or node.has_attr("hidden"), f"the article shows an empty {sidebar}"


@pytest.mark.parametrize("page", ["author/index.html", "edition/index.html"])
def test_pages_without_headings_show_no_empty_toc(html_pages: dict[str, BeautifulSoup], page: str) -> None:
    soup = html_pages[page]
    toc = soup.find(class_="md-sidebar--secondary")
    has_toc_entries = bool(toc and toc.select("nav.md-nav--secondary li"))
    if not soup.select("article h2"):
        assert toc is None or toc.has_attr("hidden") or has_toc_entries is False
        assert not has_toc_entries, f"{page} shows a table of contents with no headings"


def test_theme_loads_no_google_fonts(html_pages: dict[str, BeautifulSoup]) -> None:
    for name, page in html_pages.items():
        for link in page.find_all("link", href=True):
            assert "fonts.googleapis" not in link["href"] and "fonts.gstatic" not in link["href"], (
                f"{name} requests web fonts from Google: {link['href']}"
            )
