"""The article's first view stays within its transfer budget, counted from the built files.

GitHub Pages sends text compressed with gzip, so each text file counts at its gzip size (level 6)
and anything else (images) at its size on disk. What counts is everything the article's HTML
references, and what its stylesheets reference in turn (fonts, images): the page as the reader
first receives it. Two files the theme's script fetches right after load, the search worker and
the search index, are not in this budget (Lighthouse's transfer figure misses the worker too);
their size is printed with every failure, and the browser test below makes sure nothing else
is fetched on first view without being counted here.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from playwright.sync_api import Browser

BUDGET_BYTES = 80 * 1024
ARTICLE = "index.html"
COMPRESSED_BY_PAGES = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def wire_size(file: Path) -> int:
    data = file.read_bytes()
    return len(gzip.compress(data, compresslevel=6, mtime=0)) if file.suffix in COMPRESSED_BY_PAGES else len(data)


def site_file(site: Path, site_path: str, url: str) -> Path | None:
    """The built file a URL on a page at site_path points to, or None for data: and other hosts."""
    parts = urlsplit(url)
    if parts.scheme == "data" or parts.netloc:
        return None
    resolved = PurePosixPath(urlsplit(urljoin("/" + site_path, parts.path)).path.lstrip("/"))
    return site / resolved


def referenced_files(site: Path, page: str) -> list[Path]:
    """Files the page loads by itself: stylesheets, scripts, icons, images, and what the CSS pulls in."""
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "lxml")
    urls = [tag["href"] for tag in soup.select("link[href]") if {"stylesheet", "icon", "preload", "modulepreload"} & set(tag.get("rel", []))]
    urls += [tag["src"] for tag in soup.select("script[src], img[src], source[src], video[poster]")]
    # The theme's scripts, which the inline loader (partials/after-first-paint.html) starts once the page is painted.
    urls += [tag["data-after-first-paint"] for tag in soup.select("script[data-after-first-paint]")]
    files = [file for url in urls if (file := site_file(site, page, str(url))) is not None]
    for stylesheet in [file for file in files if file.suffix == ".css"]:
        css_path = stylesheet.relative_to(site).as_posix()
        for _, url in CSS_URL.findall(stylesheet.read_text(encoding="utf-8")):
            if (file := site_file(site, css_path, url)) is not None:
                files.append(file)
    return list(dict.fromkeys(files))


def theme_search_files(site: Path, page: str) -> list[Path]:
    config = json.loads(BeautifulSoup((site / page).read_text(encoding="utf-8"), "lxml").select_one("#__config").string)
    worker = site_file(site, page, config["search"])
    assert worker is not None
    return [worker, site / "search" / "search_index.json"]


def test_article_first_view_is_within_budget(site: Path) -> None:
    files = [site / ARTICLE] + referenced_files(site, ARTICLE)
    missing = [file.relative_to(site).as_posix() for file in files if not file.is_file()]
    assert not missing, f"the article references files the build did not write: {missing}"
    sizes = {file.relative_to(site).as_posix(): wire_size(file) for file in files}
    total = sum(sizes.values())
    search = {file.relative_to(site).as_posix(): wire_size(file) for file in theme_search_files(site, ARTICLE)}
    table = "\n".join(f"  {size / 1024:6.1f} KiB  {name}" for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]))
    after = "\n".join(f"  {size / 1024:6.1f} KiB  {name}" for name, size in search.items())
    assert total <= BUDGET_BYTES, (
        f"first view of the article: {total / 1024:.1f} KiB, over the {BUDGET_BYTES / 1024:.0f} KiB budget:\n{table}\n"
        f"(not counted, fetched by the theme after load:\n{after})"
    )


def test_first_view_fetches_nothing_outside_the_budget(browser: Browser, served_site: str, site: Path) -> None:
    # 375 px wide like Lighthouse's mobile run; anything fetched on load must be budgeted above.
    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(served_site, wait_until="networkidle")
    context.close()
    base_path = urlsplit(served_site).path
    counted = {site / ARTICLE, *referenced_files(site, ARTICLE), *theme_search_files(site, ARTICLE)}
    outside = []
    for url in fetched:
        if urlsplit(url).scheme == "data":
            continue
        path = urlsplit(url).path.removeprefix(base_path)
        file = site / (path + "index.html" if path == "" or path.endswith("/") else path)
        if file not in counted:
            outside.append(url)
    assert not outside, "first view fetches files the budget does not count:\n" + "\n".join(outside)
