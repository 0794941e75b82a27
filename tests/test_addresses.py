"""The site works at its address, whatever that is: links resolve, the 404 page works at any depth,
and everything that names an address names SITE_URL (and REPO_URL for the repository).

Two builds are checked: the session's (a project site, under /<repository>/) and one for helpers.ADDRESSES
(a custom domain at the root, another owner's repository), built once per session with its own SITE_URL
and REPO_URL, editions included, as the publish workflow of such a copy would build it.
"""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, ConsoleMessage, Response

from helpers import (
    CONTENT_PAGES, CSP_LISTENER, EPUB_NAME, OFFLINE_ZIP_NAME, PDF_NAME, AddressSite, broken_links,
    load, meta, mkdocs_env_default, page_url,
)

SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# The owner in mkdocs.yml's default addresses: a build for anyone else must not name it anywhere.
DEFAULT_OWNER = urlsplit(mkdocs_env_default("repo_url")).path.strip("/").split("/")[0]
MISSING_PATHS = ["no-such-page", "no/such/deep/page/", "author/no-such-file.html"]
# Files whose text a reader or a crawler gets, also inside the offline edition and the EPUB.
TEXT_SUFFIXES = {".html", ".xhtml", ".xml", ".opf", ".ncx", ".txt", ".json", ".js", ".css", ".ris"}
URL = re.compile(r"https?://[^\s,;)]+")


@pytest.fixture(scope="session")
def published(address_site: AddressSite) -> dict[str, str]:
    """The text of every file the address build publishes, archive members included (as archive/member)."""
    texts = {}
    for path in sorted(address_site.folder.rglob("*")):
        name = path.relative_to(address_site.folder).as_posix()
        if path.suffix in (".zip", ".epub"):
            with zipfile.ZipFile(path) as archive:
                texts |= {
                    f"{name}/{member}": archive.read(member).decode("utf-8")
                    for member in archive.namelist() if Path(member).suffix in TEXT_SUFFIXES
                }
        elif path.suffix == ".pdf":  # whitespace and hyphens out, so an address broken across lines reads whole
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
            texts[name] = re.sub(r"[\s\u00ad\u2010]+", "", text)
        elif path.suffix in TEXT_SUFFIXES:
            texts[name] = path.read_text(encoding="utf-8")
    return texts


@pytest.fixture(scope="session")
def offline_pages(published: dict[str, str]) -> dict[str, BeautifulSoup]:
    """The offline edition's pages, keyed by their path inside its one folder."""
    prefix = f"{OFFLINE_ZIP_NAME}/"
    return {
        name.removeprefix(prefix).split("/", 1)[1]: BeautifulSoup(text, "lxml")
        for name, text in published.items() if name.startswith(prefix) and name.endswith(".html")
    }


# ---------- The built files ----------


def assert_links_resolve(site_url: str, folder: Path, pages: dict[str, BeautifulSoup]) -> None:
    checked, broken = broken_links(folder, site_url, pages)
    assert checked > 20, f"{site_url}: only {checked} internal links were found: the crawler is not looking"
    assert not broken, f"broken internal links at {site_url}:\n" + "\n".join(broken)
    # The editions are offered for download (the links themselves were resolved above).
    for page, offered in (("index.html", {PDF_NAME, EPUB_NAME}), ("edition/index.html", {PDF_NAME, EPUB_NAME, OFFLINE_ZIP_NAME})):
        downloads = {str(a["href"]).rsplit("/", 1)[-1] for a in pages[page].select("a[download][href]")}
        assert offered <= downloads, f"{site_url}{page}: downloads {sorted(downloads)}, missing {sorted(offered - downloads)}"


def assert_robots_txt_and_sitemap_name(site_url: str, folder: Path) -> None:
    robots = (folder / "robots.txt").read_text(encoding="utf-8")
    sitemaps = re.findall(r"^Sitemap:\s*(\S+)\s*$", robots, flags=re.MULTILINE)
    assert sitemaps == [site_url + "sitemap.xml"], f"robots.txt at {site_url} names the sitemaps {sitemaps}"
    assert not re.search(r"^Disallow:\s*/\s*$", robots, flags=re.MULTILINE), f"robots.txt at {site_url} shuts out every crawler"
    listed = {node.text for node in ET.parse(folder / "sitemap.xml").getroot().findall("sm:url/sm:loc", SITEMAP)}
    expected = {page_url(site_url, page) for page in CONTENT_PAGES}
    assert listed == expected, f"sitemap.xml at {site_url}: missing {sorted(expected - listed)}, extra {sorted(listed - expected)}"


# Each for the session's build and for the address build.
def test_every_link_asset_anchor_and_download_resolves(site_url: str, site: Path, html_pages: dict[str, BeautifulSoup]) -> None:
    assert_links_resolve(site_url, site, html_pages)


def test_every_link_asset_anchor_and_download_resolves_at_the_address(address_site: AddressSite) -> None:
    assert_links_resolve(address_site.address.site_url, address_site.folder, address_site.pages)


def test_robots_txt_and_sitemap_name_the_address_and_list_every_page(site_url: str, site: Path) -> None:
    assert_robots_txt_and_sitemap_name(site_url, site)


def test_robots_txt_and_sitemap_name_the_address_and_list_every_page_at_the_address(address_site: AddressSite) -> None:
    assert_robots_txt_and_sitemap_name(address_site.address.site_url, address_site.folder)


def test_every_address_on_a_page_follows_site_url(address_site: AddressSite) -> None:
    site_url, pages = address_site.address.site_url, address_site.pages
    wrong = []
    for page in CONTENT_PAGES:
        soup, expected = pages[page], page_url(site_url, page)
        canonical, print_line = soup.find("link", rel="canonical"), soup.select_one(".edition-print-url")
        found = {
            "canonical": [canonical.get("href")] if canonical else [],
            "og:url": [meta(soup, "og:url")],
            "print line": URL.findall(print_line.get_text()) if print_line else [],
        }
        wrong += [f"{page}: {what} gives {urls}, not {expected}" for what, urls in found.items() if urls != [expected]]
        wrong += [f"{page}: {key} is {meta(soup, key)}" for key in ("og:image", "twitter:image")
                  if not (meta(soup, key) or "").startswith(site_url)]
    article = pages["index.html"]
    heading = article.find(id="cite-this-article")
    forms = [block.get_text(" ") for block in heading.find_all_next(class_="tabbed-block")] if heading else []
    if not forms:
        wrong.append("the article shows no citation forms")
    wrong += [f"citation form without {site_url}: {form}" for form in forms if site_url not in form]
    linked_data = json.loads(article.find("script", type="application/ld+json").string)
    if linked_data.get("url") != site_url:
        wrong.append(f"JSON-LD url is {linked_data.get('url')}")
    assert not wrong, f"addresses that do not follow SITE_URL={site_url}:\n" + "\n".join(wrong)


def test_every_repository_link_names_repo_url(address_site: AddressSite, offline_pages: dict[str, BeautifulSoup]) -> None:
    repo_url = address_site.address.repo_url
    pages = {**address_site.pages, **{f"offline/{name}": soup for name, soup in offline_pages.items()}}
    wrong, without_header_link = [], []
    for name, soup in pages.items():
        for link in soup.find_all("a", href=True):
            href = str(link["href"])
            if urlsplit(href).netloc == urlsplit(repo_url).netloc and href != repo_url and not href.startswith(repo_url + "/"):
                wrong.append(f"{name}: {href}")
        if not soup.select_one(f".md-header a.md-source[href='{repo_url}']"):
            without_header_link.append(name)
    assert not wrong, f"links to a repository other than {repo_url}:\n" + "\n".join(wrong)
    assert not without_header_link, f"pages whose header does not link {repo_url}: {without_header_link}"
    for name in ("edition/index.html", "offline/edition.html"):
        in_text = [a["href"] for a in pages[name].select("article a[href]") if str(a["href"]).startswith(repo_url)]
        assert in_text, f"{name}: 'About this edition' does not link the repository {repo_url}"


def test_nothing_published_names_the_default_owner(address_site: AddressSite, published: dict[str, str]) -> None:
    assert len(published) > 20, f"only {len(published)} published files were read: {sorted(published)}"
    mentions = [name for name, text in published.items() if DEFAULT_OWNER in text]
    assert not mentions, f"built for {address_site.address.site_url}, yet these name {DEFAULT_OWNER!r}: {mentions}"


def test_the_pdf_epub_and_offline_editions_name_the_address(
    address_site: AddressSite, published: dict[str, str], offline_pages: dict[str, BeautifulSoup]
) -> None:
    site_url = address_site.address.site_url
    assert site_url in published[PDF_NAME], f"the PDF built for {site_url} does not give that address"
    epub_texts = [text for name, text in published.items() if name.startswith(f"{EPUB_NAME}/") and name.endswith(".xhtml")]
    assert any(site_url in text for text in epub_texts), f"the EPUB built for {site_url} does not give that address"
    assert offline_pages["edition.html"].find("a", href=site_url), f"the offline edition does not link the web edition at {site_url}"
    canonical = offline_pages["index.html"].find("link", rel="canonical")
    # The offline plugin writes .html addresses, and index.html is served at the web edition too.
    assert canonical is not None and canonical["href"] == site_url + "index.html", f"offline canonical: {canonical}"


# ---------- In a browser, served as GitHub Pages serves it (404.html for every miss) ----------


@pytest.mark.parametrize("missing", MISSING_PATHS)
def test_a_missing_address_at_any_depth_gets_the_styled_404_page_with_working_links(
    browser: Browser, served_site: str, html_pages: dict[str, BeautifulSoup], missing: str
) -> None:
    # The session's site is served under its project path, where a link that is relative, or absolute
    # without that path, breaks; a site at the root of its domain would hide the second kind.
    url = served_site + missing
    context = browser.new_context(service_workers="block")
    context.add_init_script(CSP_LISTENER)
    page, problems = context.new_page(), []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "status of 404" not in message.text:  # Chromium logs the page's own 404
            problems.append(f"console error: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.url != url:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url} ({request.failure})"))
    try:
        load(page, url, status=404)
        heading = html_pages["404.html"].find("h1").get_text()
        assert page.locator("h1").first.inner_text() == heading, f"{url} does not show the site's 404.html"
        position = page.eval_on_selector(".md-header", "el => getComputedStyle(el).position")
        assert position == "sticky", f"the 404 page at {url} lost its stylesheet (header is {position})"
        problems += [f"CSP: {violation}" for violation in page.evaluate("window.__cspViolations")]
        assert not problems, f"{url}:\n" + "\n".join(problems)
        targets = page.eval_on_selector_all("article a[href]", "links => links.map(a => a.href)")
        assert served_site in targets, f"the 404 page at {url} does not link the article at {served_site}: {targets}"
        for target in targets:
            answer = context.request.get(target)
            assert answer.ok, f"the 404 page at {url} links {target}, which answers {answer.status}"
    finally:
        context.close()
