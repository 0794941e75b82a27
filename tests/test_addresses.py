"""The site works at every kind of address a fork or copy of this repository gets on GitHub Pages.

Each address in helpers.ADDRESSES (a project site under another repository name, a user site at the
root of <owner>.github.io, a custom domain) is built once per session with its own SITE_URL and
REPO_URL, editions included, and served under its path as GitHub Pages serves it (404.html for
every miss). Every page is then checked for what depends on the address.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response

from helpers import (
    CONTENT_PAGES, CSP_LISTENER, FACTS, OFFLINE_ZIP_NAME, PDF_NAME, SITE_PAGES,
    AddressSite, broken_links, load, meta, mkdocs_env_default, page_url, parse_pages,
)

SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# The owner in mkdocs.yml's default addresses: a build for anyone else must not name it anywhere.
DEFAULT_OWNER = urlsplit(mkdocs_env_default("repo_url")).path.strip("/").split("/")[0]
MISSING_PATHS = ["no-such-page", "no/such/deep/page/", "author/no-such-file.html"]


def expected_address(address_site: AddressSite, built_page: str) -> str:
    return address_site.address.site_url + built_page.removesuffix("index.html")


def printed_from(soup: BeautifulSoup) -> str | None:
    """The address in the print-only line "Printed from <address>…"."""
    line = soup.select_one(".edition-print-url")
    found = re.search(r"Printed from (\S+)", line.get_text()) if line else None
    return found.group(1).rstrip(",") if found else None


@pytest.fixture(scope="session")
def offline_pages(address_site: AddressSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, BeautifulSoup]:
    """The offline edition built for that address, unzipped."""
    target = tmp_path_factory.mktemp(f"offline-{address_site.name}")
    with zipfile.ZipFile(address_site.folder / OFFLINE_ZIP_NAME) as archive:
        archive.extractall(target)
    (folder,) = target.iterdir()  # the archive holds one folder
    return parse_pages(folder)


@pytest.fixture(scope="session")
def pdf_text(address_site: AddressSite) -> str:
    """The PDF edition's text with all whitespace removed, so an address broken across lines still reads whole."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(address_site.folder / PDF_NAME), "-"],
        capture_output=True, text=True, check=True,
    ).stdout
    return re.sub(r"[\s\u00ad\u2010]+", "", text)


# ---------- The built files ----------


def test_every_link_asset_anchor_and_download_resolves(address_site: AddressSite) -> None:
    site_url = address_site.address.site_url
    checked, broken = broken_links(address_site.folder, site_url, address_site.pages)
    assert checked > 20, f"{site_url}: only {checked} internal links were found: the crawler is not looking"
    assert not broken, f"broken internal links at {site_url}:\n" + "\n".join(broken)
    downloads = {a["href"].rsplit("/", 1)[-1] for a in address_site.pages["edition/index.html"].select("a[download]")}
    assert {PDF_NAME, OFFLINE_ZIP_NAME} <= downloads, f"{site_url}: 'About this edition' offers {downloads}"


@pytest.mark.parametrize("built_page", CONTENT_PAGES)
def test_page_names_its_own_address(address_site: AddressSite, built_page: str) -> None:
    soup = address_site.pages[built_page]
    site_url, expected = address_site.address.site_url, expected_address(address_site, built_page)
    canonical = soup.find("link", rel="canonical")
    found = {
        "canonical": canonical.get("href") if canonical else None,
        "og:url": meta(soup, "og:url"),
        "print line": printed_from(soup),
    }
    wrong = {what: value for what, value in found.items() if value != expected}
    assert not wrong, f"{built_page} at {site_url}: expected {expected}, found {wrong}"
    for key in ("og:image", "twitter:image"):
        assert (meta(soup, key) or "").startswith(site_url), f"{built_page}: {key} is {meta(soup, key)}, not under {site_url}"


def test_citation_forms_and_metadata_name_the_address(address_site: AddressSite) -> None:
    article, site_url = address_site.pages["index.html"], address_site.address.site_url
    heading = article.find(id="cite-this-article")
    assert heading is not None, "the article has no 'Cite this article' section"
    forms = [block.get_text(" ") for tabs in heading.find_next_siblings(class_="tabbed-set") for block in tabs.select(".tabbed-block")]
    assert len(forms) >= 4, f"only {len(forms)} citation styles found"
    not_naming = [form for form in forms if site_url not in form]
    assert not not_naming, f"citation forms that do not give {site_url}:\n" + "\n".join(not_naming)
    assert meta(article, "article:author") == site_url + "author/"
    linked_data = json.loads(article.find("script", type="application/ld+json").string)
    assert linked_data["url"] == site_url, f"JSON-LD names {linked_data['url']}, not {site_url}"


def test_sitemap_and_robots_txt_name_the_address(address_site: AddressSite) -> None:
    site_url, folder = address_site.address.site_url, address_site.folder
    locations = {node.text for node in ET.parse(folder / "sitemap.xml").getroot().findall("sm:url/sm:loc", SITEMAP)}
    expected = {expected_address(address_site, page) for page in CONTENT_PAGES}
    assert locations == expected, f"sitemap.xml lists {sorted(locations)}, expected {sorted(expected)}"
    assert gzip.decompress((folder / "sitemap.xml.gz").read_bytes()) == (folder / "sitemap.xml").read_bytes()
    robots = (folder / "robots.txt").read_text(encoding="utf-8")
    sitemaps = re.findall(r"^Sitemap:\s*(\S+)\s*$", robots, flags=re.MULTILINE)
    assert sitemaps == [site_url + "sitemap.xml"], f"robots.txt at {site_url} names {sitemaps}"


def test_404_page_links_only_under_the_site_path(address_site: AddressSite) -> None:
    base_path = urlsplit(address_site.address.site_url).path
    page = address_site.pages["404.html"]
    urls = [tag.get("href") or tag.get("src") for tag in page.find_all(["a", "link", "script", "img"])]
    local = [url for url in urls if url and not url.startswith(("#", "http://", "https://", "data:"))]
    outside = [url for url in local if not url.startswith(base_path)]
    assert local and not outside, f"404.html at {base_path} has links that break at other depths: {outside}"


def test_every_repository_link_names_repo_url(
    address_site: AddressSite, offline_pages: dict[str, BeautifulSoup]
) -> None:
    repo_url = address_site.address.repo_url
    repo_host = urlsplit(repo_url).netloc
    pages = {**address_site.pages, **{f"offline/{name}": soup for name, soup in offline_pages.items()}}
    wrong, header_links = [], set()
    for name, soup in pages.items():
        for link in soup.find_all("a", href=True):
            href = str(link["href"])
            if urlsplit(href).netloc == repo_host and href != repo_url and not href.startswith(repo_url + "/"):
                wrong.append(f"{name}: {href}")
        if soup.select_one(f".md-header a.md-source[href='{repo_url}']"):
            header_links.add(name)
    assert not wrong, f"links to a repository other than {repo_url}:\n" + "\n".join(wrong)
    assert header_links == set(pages), f"pages whose header does not link {repo_url}: {sorted(set(pages) - header_links)}"
    for name in ("edition/index.html", "offline/edition.html"):
        in_text = [a["href"] for a in pages[name].select("article a[href]") if str(a["href"]).startswith(repo_url)]
        assert in_text, f"{name}: 'About this edition' does not link the repository {repo_url}"


def test_nothing_published_names_the_default_owner(
    address_site: AddressSite, pdf_text: str, offline_pages: dict[str, BeautifulSoup]
) -> None:
    mentions = [
        path.relative_to(address_site.folder).as_posix()
        for path in sorted(address_site.folder.rglob("*"))
        if path.suffix in (".html", ".xml", ".txt", ".json", ".js", ".ris") and DEFAULT_OWNER in path.read_text(encoding="utf-8")
    ]
    mentions += [f"offline/{name}" for name, soup in offline_pages.items() if DEFAULT_OWNER in str(soup)]
    if DEFAULT_OWNER in pdf_text:
        mentions.append(PDF_NAME)
    assert not mentions, f"built for {address_site.address.site_url}, yet these name {DEFAULT_OWNER!r}: {mentions}"


def test_pdf_and_offline_edition_name_the_address(
    address_site: AddressSite, pdf_text: str, offline_pages: dict[str, BeautifulSoup]
) -> None:
    site_url = address_site.address.site_url
    assert site_url in pdf_text, f"the PDF built for {site_url} does not give that address"
    offline_edition = offline_pages["edition.html"]
    assert offline_edition.find("a", href=site_url), f"the offline edition does not link the web edition at {site_url}"
    canonical = offline_pages["index.html"].find("link", rel="canonical")
    # The offline plugin writes .html addresses, and index.html is served at the web edition too.
    assert canonical is not None and canonical["href"] == site_url + "index.html", f"offline canonical: {canonical}"


# ---------- In a browser, served as GitHub Pages serves it ----------


class Watch:
    """What a page reports that a reader would notice: errors, blocked content, failed loads."""

    def __init__(self, page: Page, expected_status: int = 200) -> None:
        self.page = page
        self.problems: list[str] = []
        self.expected_status = expected_status
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        page.on("requestfailed", lambda request: self.problems.append(f"failed: {request.url} ({request.failure})"))
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        # Chromium logs the 404 page's own status as an error; any other 404 is caught in _response.
        own_status = f"status of {self.expected_status}" in message.text and self.expected_status != 200
        if message.type == "error" and not own_status:
            self.problems.append(f"console error: {message.text}")

    def _response(self, response: Response) -> None:
        is_document = response.request.resource_type == "document"
        if response.status >= 400 and not (is_document and response.status == self.expected_status):
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def report(self) -> list[str]:
        return self.problems + [f"CSP: {v}" for v in self.page.evaluate("window.__cspViolations || []")]


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="light", service_workers="block")
    context.add_init_script(CSP_LISTENER)
    yield context
    context.close()


@pytest.mark.parametrize("built_page", SITE_PAGES)
def test_page_loads_with_no_error_csp_violation_or_failed_request(
    context: BrowserContext, served_address_site: str, built_page: str
) -> None:
    page = context.new_page()
    watch = Watch(page)
    url = page_url(served_address_site, built_page)
    load(page, url)
    assert page.locator("h1").first.is_visible(), f"{url} shows no heading"
    if built_page == "index.html":
        heading = page.locator("h1").first.inner_text().strip()
        assert heading == FACTS.title, f"{url} is headed {heading!r}, not the essay's title"
    assert not watch.report(), f"{url}:\n" + "\n".join(watch.report())


@pytest.mark.parametrize("missing", MISSING_PATHS)
def test_a_missing_address_at_any_depth_gets_the_styled_404_page_with_working_links(
    context: BrowserContext, served_address_site: str, missing: str
) -> None:
    page = context.new_page()
    watch = Watch(page, expected_status=404)
    url = served_address_site + missing
    load(page, url, status=404)
    assert page.locator("h1").first.inner_text() == "Page not found", f"{url} does not show the 404 page"
    position = page.eval_on_selector(".md-header", "el => getComputedStyle(el).position")
    assert position == "sticky", f"the 404 page at {url} lost its stylesheet (header is {position})"
    assert not watch.report(), f"{url}:\n" + "\n".join(watch.report())
    targets = page.eval_on_selector_all("article a[href]", "links => links.map(a => a.href)")
    assert len(targets) >= 3, f"the 404 page at {url} offers {targets}"
    for target in targets:
        answer = context.request.get(target)
        assert answer.ok, f"the 404 page at {url} links {target}, which answers {answer.status}"
        assert "Page not found" not in answer.text(), f"the 404 page at {url} links {target}, itself a missing page"


def test_search_finds_astana(context: BrowserContext, served_address_site: str) -> None:
    page = context.new_page()
    page.goto(served_address_site, wait_until="networkidle")
    page.locator(".md-search__input").click()
    page.keyboard.type("Astana")
    # The article's result: other pages (a glossary entry) may mention Astana too, and rank first.
    article = page.locator(f"a[href^='{served_address_site}?']")
    result = page.locator(".md-search-result__item", has=page.locator("mark", has_text="Astana")).filter(has=article).first
    result.wait_for(timeout=15_000)
    result.locator("a").first.click()
    page.wait_for_url(re.compile(r"#p-\d+$"), timeout=10_000)
    assert page.url.startswith(served_address_site), f"the search result led away from the site: {page.url}"
    assert "Astana" in page.locator(f"p#{page.url.rsplit('#', 1)[1]}").inner_text()
