"""Every internal link, asset and #anchor in the built site resolves."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from helpers import broken_links


def test_every_internal_link_and_anchor_resolves(
    site: Path, site_url: str, html_pages: dict[str, BeautifulSoup]
) -> None:
    checked, broken = broken_links(site, site_url, html_pages)
    assert checked > 20, f"only {checked} internal links were found: the crawler is not looking"
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def test_404_page_works_at_any_depth(site_url: str, html_pages: dict[str, BeautifulSoup]) -> None:
    page = html_pages["404.html"]
    urls = [tag.get("href") or tag.get("src") for tag in page.find_all(["a", "link", "script", "img"])]
    relative = [u for u in urls if u and not u.startswith(("/", "#", "http://", "https://", "data:"))]
    assert not relative, f"404.html has relative URLs that break at deeper paths: {relative}"
    root_path = urlsplit(site_url).path
    content = page.select_one("article")
    assert content.find("a", href=root_path), f"404.html has no link back to the article at {root_path}"
