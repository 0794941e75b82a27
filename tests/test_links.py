"""Every internal link, asset and #anchor in the built site resolves."""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup


def resolve(site: Path, site_url: str, page: str, url: str) -> tuple[Path, str] | None:
    """Map a URL found on `page` to (file in the built site, fragment), or None if it is external."""
    parts = urlsplit(url)
    root = urlsplit(site_url)
    if parts.scheme in ("mailto", "tel", "data", "javascript"):
        return None
    if parts.scheme or parts.netloc:
        if parts.netloc != root.netloc or not parts.path.startswith(root.path):
            return None
        path = parts.path[len(root.path):]
    elif parts.path.startswith("/"):
        assert parts.path.startswith(root.path), f"{page}: absolute path {url} is outside the site path {root.path}"
        path = parts.path[len(root.path):]
    else:
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page), parts.path)) if parts.path else page
    path = unquote(path).lstrip("./") if path not in (".", "") else ""
    target = site / path
    if target.is_dir() or path == "" or url.endswith("/"):
        target = target / "index.html"
    return target, parts.fragment


def test_every_internal_link_and_anchor_resolves(
    site: Path, site_url: str, html_pages: dict[str, BeautifulSoup]
) -> None:
    broken = []
    checked = 0
    for page, soup in html_pages.items():
        for tag in soup.find_all(["a", "link", "script", "img", "source"]):
            url = tag.get("href") or tag.get("src")
            if not url:
                continue
            resolved = resolve(site, site_url, page, url)
            if resolved is None:
                continue
            target, fragment = resolved
            checked += 1
            if not target.exists():
                broken.append(f"{page}: {url} -> missing {target.relative_to(site)}")
                continue
            if fragment and target.suffix == ".html":
                key = target.relative_to(site).as_posix()
                ids = {node["id"] for node in html_pages[key].find_all(id=True)}
                if unquote(fragment) not in ids:
                    broken.append(f"{page}: {url} -> no element with id {fragment!r} in {key}")
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
