"""The offline edition: a zip of the site that works from the file system with no network at all."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from mkdocs.config import load_config
from playwright.sync_api import Browser, ConsoleMessage, Page, Request
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from helpers import (
    EPUB_NAME, FACTS, OFFLINE_ZIP_NAME, PDF_NAME, PROJECT_ROOT, Reference, built_file, normalize, parse_pages, resolve,
)

TOP_FOLDER = FACTS.folder


@pytest.fixture(scope="session")
def offline_site(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive unzipped, as a reader would."""
    target = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(built_file(site, OFFLINE_ZIP_NAME, "the offline edition")) as archive:
        archive.extractall(target)
    return target / TOP_FOLDER


@pytest.fixture(scope="session")
def offline_pages(offline_site: Path) -> dict[str, BeautifulSoup]:
    return parse_pages(offline_site)


def test_offline_config_keeps_every_plugin_of_the_web_edition() -> None:
    web = load_config(str(PROJECT_ROOT / "mkdocs.yml"))
    offline = load_config(str(PROJECT_ROOT / "mkdocs.offline.yml"))
    missing = set(web.plugins) - set(offline.plugins)
    assert not missing, f"mkdocs.offline.yml drops {sorted(missing)}: keep plugins a mapping in both files, so INHERIT merges them"
    assert "material/offline" in offline.plugins, "mkdocs.offline.yml does not enable Material's offline plugin"


def test_archive_holds_one_folder_with_the_pages_the_pdf_and_the_epub(site: Path) -> None:
    with zipfile.ZipFile(site / OFFLINE_ZIP_NAME) as archive:
        names = archive.namelist()
    outside = [name for name in names if not name.startswith(f"{TOP_FOLDER}/")]
    assert not outside, f"entries outside the archive's folder {TOP_FOLDER}/: {outside[:5]}"
    for expected in ("index.html", "author.html", "edition.html", PDF_NAME, EPUB_NAME, "search/search_index.js"):
        assert f"{TOP_FOLDER}/{expected}" in names, f"the offline edition lacks {expected}"


def test_offline_pages_load_nothing_from_another_host_and_every_link_resolves_inside_the_archive(
    offline_site: Path, offline_pages: dict[str, BeautifulSoup], site_url: str
) -> None:
    broken = []
    for page, soup in offline_pages.items():
        for tag in soup.find_all(["a", "link", "script", "img", "source", "iframe"]):
            url = tag.get("href") or tag.get("src")
            if not url or urlsplit(url).scheme in ("mailto", "data"):
                continue
            if urlsplit(url).scheme or url.startswith("//"):
                # A link to the web edition is fine (the canonical address too); loading anything from it is not.
                if tag.name != "a" and "canonical" not in tag.get("rel", []):
                    broken.append(f"{page}: <{tag.name}> loads {url} from the network")
            elif url.startswith("/"):
                broken.append(f"{page}: {url} is root-absolute, which points outside the edition on disk")
            elif not (target := resolve(offline_site, site_url, page, url)[0]).exists():
                broken.append(f"{page}: {url} -> missing {target.relative_to(offline_site)}")
    assert not broken, "what breaks when the edition is opened from disk:\n" + "\n".join(broken)


def watch(page: Page) -> list[str]:
    """What would show a reader that something is broken or leaking, as the page reports it."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(f"console {message.type}: {message.text}")

    def on_request(request: Request) -> None:
        if urlsplit(request.url).scheme not in ("file", "data", "about", "blob"):
            problems.append(f"network request: {request.url}")

    page.on("console", on_console)
    page.on("request", on_request)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed request: {request.url} ({request.failure})"))
    return problems


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a browser context with no network."""
    context = browser.new_context(offline=True)
    yield context.new_page()
    context.close()


def test_offline_edition_reads_navigates_and_searches_from_disk(offline_site: Path, page: Page, reference: Reference) -> None:
    problems = watch(page)
    page.goto((offline_site / "index.html").as_uri())
    assert normalize(page.locator("article h1").inner_text()) == reference.title, "the article title is not shown"
    captions = [normalize(text) for text in page.locator("article figure figcaption").all_inner_texts()]
    assert captions == reference.captions, f"the figures are not all shown: {captions}"
    assert page.locator("article .photo-placeholder").first.is_visible(), "the photo placeholder is not visible"

    page.locator(".md-tabs a[href='author.html']").first.click()
    page.wait_for_url("**/author.html")
    assert reference.bio in normalize(page.locator("article").inner_text()), "navigation did not reach the author page"

    # The theme's script starts after the first paint, and its search hears typing once it has set
    # up (it then fills in the results line); it answers once its index is built, which on a busy
    # machine can take a while.
    page.wait_for_function("() => document.querySelector('.md-search-result__meta').textContent.trim() !== ''")
    page.locator("input[data-md-component='search-query']").fill("Astana")
    result = page.locator(".md-search-result__item").first
    try:
        result.wait_for(state="visible", timeout=30_000)
    except PlaywrightTimeoutError:
        raise AssertionError("searching 'Astana' showed no result; the page reported:\n" + "\n".join(problems)) from None
    assert "Astana" in result.inner_text(), f"the first search result does not mention Astana: {result.inner_text()[:120]}"

    assert not problems, "the offline edition misbehaves from file://:\n" + "\n".join(problems)
