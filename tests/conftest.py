"""Shared fixtures: the site is built once per test session into a temporary folder."""

from __future__ import annotations

import http.server
import os
import posixpath
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from edition_facts import load as load_facts
from playwright.sync_api import Browser, sync_playwright

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_TEXT = Path(__file__).resolve().parent / "source.txt"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Chromium still looks up Google's update hosts despite the flags above; resolving no
    # name but the loopback address keeps test runs off the network (pages still report
    # any request they try, which the browser tests check).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

# Records CSP violations from the first byte of every document (init scripts run before the page's own).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@dataclass(frozen=True)
class Reference:
    """The article as received, split the way the source's lines are ordered."""

    title: str
    standfirst: str
    body: list[str]  # body paragraphs and photo captions, in source order
    bio: str

    @property
    def captions(self) -> list[str]:
        return [p for p in self.body if p.endswith("(Photo/Xinhua)")]

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body if not p.endswith("(Photo/Xinhua)")]


def normalize(text: str) -> str:
    """Fold U+00A0 and runs of whitespace to one space: the only change the edition may make."""
    return " ".join(text.replace("\u00a0", " ").split())


def load_reference() -> Reference:
    lines = [normalize(line) for line in REFERENCE_TEXT.read_text(encoding="utf-8").splitlines()]
    blocks = [line for line in lines if line]
    return Reference(title=blocks[0], standfirst=blocks[1], body=blocks[2:-1], bio=blocks[-1])


@pytest.fixture(scope="session")
def reference() -> Reference:
    return load_reference()


def assert_whole_text_in_order(text: str, reference: Reference, edition: str) -> None:
    """Title, standfirst, every paragraph and caption, and the bio, each verbatim, in source order, in `text`."""
    position = 0
    for number, block in enumerate([reference.title, reference.standfirst, *reference.body, reference.bio], 1):
        found = text.find(block, position)
        if found < 0:
            opening = text.find(block[:40])
            raise AssertionError(
                f"source block {number} is missing, altered or out of order in the {edition}:\n  expected: {block}\n"
                f"  {edition} has: {text[opening:opening + len(block)] if opening >= 0 else '(not even its opening)'}"
            )
        position = found + len(block)


def run_build(
    project: Path, site_dir: Path, env: dict[str, str] | None = None, script: str = "build"
) -> subprocess.CompletedProcess[str]:
    """Run one of the project's build scripts (strict, atomic) and capture its output."""
    return subprocess.run(
        ["bash", str(project / "scripts" / script), str(site_dir)],
        cwd=project,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


# Set by scripts/zensical-check to test a site another generator built.
TEST_SITE_DIR = os.environ.get("TEST_SITE_DIR")
# Title, author, download files' names: from mkdocs.yml, their one home.
FACTS = load_facts()
PDF_NAME = FACTS.pdf
OFFLINE_ZIP_NAME = FACTS.offline_zip
EPUB_NAME = FACTS.epub


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The one strict build of the session, with the PDF, EPUB and offline editions: its folder and its output."""
    site_dir = tmp_path_factory.mktemp("build") / "site"
    result = run_build(PROJECT_ROOT, site_dir, script="build-editions")
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site_dir, result


@pytest.fixture(scope="session")
def site(request: pytest.FixtureRequest) -> Path:
    """Everything that is published, or the site TEST_SITE_DIR names."""
    if TEST_SITE_DIR:
        return Path(TEST_SITE_DIR)
    return request.getfixturevalue("site_build")[0]


@pytest.fixture(scope="session")
def site_url(site: Path) -> str:
    """The site's public root URL, as the build wrote it into the sitemap."""
    namespace = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in ET.parse(site / "sitemap.xml").getroot().findall("sm:url/sm:loc", namespace)]
    return min(locations, key=len)


def mkdocs_env_default(key: str) -> str:
    """The default that mkdocs.yml gives a setting read from the environment (`key: !ENV [NAME, default]`)."""
    loader = type("EnvDefaultLoader", (yaml.SafeLoader,), {})
    loader.add_constructor("!ENV", lambda load, node: load.construct_sequence(node)[-1])
    return yaml.load((PROJECT_ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=loader)[key]


@dataclass(frozen=True)
class Address:
    """Where someone who forks or copies the repository gets their site, and the repository it names."""

    site_url: str
    repo_url: str


# One of each kind of address GitHub Pages gives (docs.github.com, "What is GitHub Pages?": a
# project site at <owner>.github.io/<repository>, a user or organisation site at the root of
# <owner>.github.io, and a custom domain), none of them this project's default.
ADDRESSES = {
    "project-site": Address("https://someone.github.io/another-name/", "https://github.com/someone/another-name"),
    "user-site": Address("https://someone.github.io/", "https://github.com/someone/someone.github.io"),
    "custom-domain": Address("https://essay.example.org/", "https://github.com/another-owner/essay-edition"),
}


@dataclass(frozen=True)
class AddressSite:
    """Everything that is published, built for one of ADDRESSES."""

    name: str
    address: Address
    folder: Path
    pages: dict[str, BeautifulSoup]


@pytest.fixture(scope="session", params=list(ADDRESSES))
def address_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AddressSite:
    """The site and its editions built once per session for each kind of address, as the publish workflow would."""
    address = ADDRESSES[request.param]
    folder = tmp_path_factory.mktemp(f"address-{request.param}") / "site"
    env = {"SITE_URL": address.site_url, "REPO_URL": address.repo_url}
    result = run_build(PROJECT_ROOT, folder, env=env, script="build-editions")
    assert result.returncode == 0, f"build for {address.site_url} failed:\n{result.stdout}\n{result.stderr}"
    return AddressSite(request.param, address, folder, parse_pages(folder))


@pytest.fixture(scope="session")
def served_address_site(address_site: AddressSite) -> Iterator[str]:
    """That build on a loopback server under its address's path (/another-name/ or /); yields the served root."""
    with serve(address_site.folder, urlsplit(address_site.address.site_url).path) as root_url:
        yield root_url


def parse_pages(site: Path) -> dict[str, BeautifulSoup]:
    """Every HTML page under `site`, parsed, keyed by its path relative to `site`."""
    return {
        page.relative_to(site).as_posix(): BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for page in sorted(site.rglob("*.html"))
    }


@pytest.fixture(scope="session")
def html_pages(site: Path) -> dict[str, BeautifulSoup]:
    """Every built HTML page, parsed, keyed by its path relative to the site root."""
    return parse_pages(site)


@pytest.fixture(scope="session")
def article(html_pages: dict[str, BeautifulSoup]) -> BeautifulSoup:
    return html_pages["index.html"]


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the project's sources, for tests that break things on purpose."""
    copy = tmp_path / "project"
    shutil.copytree(
        PROJECT_ROOT,
        copy,
        ignore=shutil.ignore_patterns(".git", ".venv", "site", "node_modules", "__pycache__", ".pytest_cache"),
    )
    (copy / ".venv").symlink_to(PROJECT_ROOT / ".venv")
    return copy


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


def broken_links(site: Path, site_url: str, pages: dict[str, BeautifulSoup]) -> tuple[int, list[str]]:
    """Every internal link, asset, download and #anchor on `pages`: how many were checked, and which break."""
    broken = []
    checked = 0
    for page, soup in pages.items():
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
                ids = {node["id"] for node in pages[key].find_all(id=True)}
                if unquote(fragment) not in ids:
                    broken.append(f"{page}: {url} -> no element with id {fragment!r} in {key}")
    return checked, broken


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site under its path (/<repository>/ for a project site, / at the root of a
    user site or a custom domain), with the site's 404.html for every miss, as GitHub Pages does."""

    site_root: Path
    base_path: str

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature is the stdlib's
        pass

    def translate_path(self, path: str) -> str:
        url_path = urlsplit(path).path
        if not url_path.startswith(self.base_path):
            return str(self.site_root / "__outside_site__")
        return super().translate_path("/" + url_path[len(self.base_path):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            return super().send_error(code, message, explain)
        body = (self.site_root / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve(site: Path, base_path: str) -> Iterator[str]:
    """A folder on a loopback HTTP server under base_path; yields its root URL."""
    handler = type("Handler", (_SiteHandler,), {"site_root": site, "base_path": base_path})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{base_path}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def served_site(site: Path, site_url: str) -> Iterator[str]:
    """The built site on a loopback HTTP server; yields its root URL (with the project-site path)."""
    with serve(site, urlsplit(site_url).path) as root_url:
        yield root_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium (or CHROMIUM_PATH), driven by Playwright; never a downloaded browser."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
