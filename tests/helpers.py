"""What the tests share: the text as received, the edition's facts, the built pages and how to reach
them, the loopback server, and a few readings of the checkout (its revision, its commit time).

Plain functions and constants only; pytest's fixtures are in conftest.py. Test modules import from here
and never from one another (tests/test_suite_rules.py checks that).
"""

from __future__ import annotations

import http.server
import os
import posixpath
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from bs4 import BeautifulSoup, Tag
from reading_edition.facts import load as load_facts
from playwright.sync_api import Page

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The text as received, published beside the pages so readers can check its fingerprint.
REFERENCE_TEXT = PROJECT_ROOT / "docs" / "source.txt"


# ---------- The text as received ----------


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


# ---------- Builds ----------


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


# ---------- The edition's facts and its pages ----------


# Title, author, download files' names: from mkdocs.yml, their one home.
FACTS = load_facts()
PDF_NAME = FACTS.pdf
OFFLINE_ZIP_NAME = FACTS.offline_zip
EPUB_NAME = FACTS.epub

# The pages the build should produce, known before the build so that tests can be parametrized per page.
DOCS = PROJECT_ROOT / "docs"


def _built_path(source: Path) -> str:
    """Where MkDocs (use_directory_urls) writes a Markdown page, relative to the site root."""
    relative = source.relative_to(DOCS).with_suffix("")
    if relative.name in ("index", "README"):
        relative = relative.parent
    return (relative / "index.html").as_posix().removeprefix("./")


# Every page of the edition plus the 404 page that the theme override adds.
SITE_PAGES: list[str] = sorted([_built_path(source) for source in DOCS.rglob("*.md")] + ["404.html"])
# The pages readers reach by a link: all but the 404 page.
CONTENT_PAGES: list[str] = [page for page in SITE_PAGES if page != "404.html"]


def page_url(root_url: str, built_path: str) -> str:
    """The served address of a built page: directory URLs for pages, the file itself for 404.html."""
    return root_url + built_path.removesuffix("index.html")


def mkdocs_env_default(key: str) -> str:
    """The default that mkdocs.yml gives a setting read from the environment (`key: !ENV [NAME, default]`)."""
    loader = type("EnvDefaultLoader", (yaml.SafeLoader,), {})
    loader.add_constructor("!ENV", lambda load, node: load.construct_sequence(node)[-1])
    return yaml.load((PROJECT_ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=loader)[key]


def built_repo_url() -> str:
    """The repository the site under test names: REPO_URL as the build had it, else mkdocs.yml's default."""
    return os.environ.get("REPO_URL") or mkdocs_env_default("repo_url")


@dataclass(frozen=True)
class Address:
    """Where someone who forks or copies the repository gets their site, and the repository it names."""

    site_url: str
    repo_url: str


# GitHub Pages gives a project site at <owner>.github.io/<repository>, a user or organisation site at
# the root of <owner>.github.io, or a custom domain (docs.github.com, "What is GitHub Pages?"). The
# session's own build is a project site; this one differs from it in everything that can differ: the
# host, a site at the root of its domain, and another owner's repository.
ADDRESSES = {
    "custom-domain": Address("https://essay.example.org/", "https://github.com/another-owner/essay-edition"),
}


@dataclass(frozen=True)
class AddressSite:
    """Everything that is published, built for one of ADDRESSES."""

    name: str
    address: Address
    folder: Path
    pages: dict[str, BeautifulSoup]


def built_file(site: Path, name: str, what: str) -> Path:
    """A file the build writes at the top of the site (a download, an edition); fail naming it if it is missing."""
    path = site / name
    assert path.is_file(), f"the build did not write {what} {name}"
    return path


def meta(soup: BeautifulSoup, key: str) -> str | None:
    """Content of <meta name=key> or <meta property=key>, or None."""
    tag = soup.find("meta", attrs={"name": key}) or soup.find("meta", attrs={"property": key})
    return tag.get("content") if tag else None


def parse_pages(site: Path) -> dict[str, BeautifulSoup]:
    """Every HTML page under `site`, parsed, keyed by its path relative to `site`."""
    return {
        page.relative_to(site).as_posix(): BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for page in sorted(site.rglob("*.html"))
    }


# ---------- Links, and the site on a loopback server ----------


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



# ---------- In the browser ----------


def load(page: Page, url: str, status: int | None = None, wait_until: str = "networkidle") -> None:
    """Open `url` in `page` and check the answer: a success, or exactly `status` if given."""
    response = page.goto(url, wait_until=wait_until)  # type: ignore[arg-type]
    answered = response.status if response else None
    assert answered is not None and (answered == status if status else response.ok), f"GET {url} answered {answered}"


# WCAG 2 contrast inside a page, for the tests that measure colours themselves (axe-core passes over what is
# hidden from screen readers, and over controls' non-text contrast). A statement block to paste into an
# evaluated function: rgba(css) reads any CSS colour as the screen shows it, [r, g, b, a]; over(top, bottom)
# lays one colour on another; contrast(x, y) is the WCAG ratio of two opaque colours.
WCAG_COLOUR_JS = """
  const paint = new OffscreenCanvas(1, 1).getContext("2d", {willReadFrequently: true});
  const rgba = (css) => {
    paint.clearRect(0, 0, 1, 1);
    paint.fillStyle = "#000";
    paint.fillStyle = css;
    paint.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = paint.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const over = ([r, g, b, a], [R, G, B]) => [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a), 1];
  const luminance = (colour) => {
    const [r, g, b] = colour.slice(0, 3).map((v) => (v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
"""


# Records CSP violations from the first byte of every document (init scripts run before the page's own).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber}`);
});
"""




# ---------- The edition's sources and the checkout ----------


# The two copies of the essay that "About this edition" names (the text as received matches the first).
MATCHING_COPY = "http://cnfocus.com/china-s-principled-diplomacy-resonates-with-central-asia"
OTHER_COPY = "http://en.chinadiplomacy.org.cn/2024-07/11/content_117302704.shtml"


def project_files() -> list[str]:
    """The project's files as a maintainer has them: those git tracks and the new ones it does not ignore
    (so an uncommitted change counts), relative to PROJECT_ROOT. A tracked file deleted in the working
    tree is still listed; callers skip what is not there."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\0")
    return [name for name in listed if name]


def revision() -> tuple[str, str]:
    """The revision this checkout's builds name: (YYYY-MM-DD, short commit id), from scripts/revision."""
    date, commit, _ = _scripts_revision()
    return date, commit


def commit_time() -> datetime:
    """What every build of this checkout stamps: SOURCE_DATE_EPOCH, else the revision's commit time."""
    return datetime.fromtimestamp(int(_scripts_revision()[2]), timezone.utc)


def _scripts_revision() -> list[str]:
    output = subprocess.run(
        ["bash", str(PROJECT_ROOT / "scripts" / "revision")], capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(output) == 3 and "unknown" not in output, (
        f"scripts/revision gave {output}: run the tests in a git checkout with at least one commit"
    )
    return output


def abbreviations() -> dict[str, str]:
    """The appended abbreviation list: abbreviation as matched -> expansion."""
    text = (PROJECT_ROOT / "includes" / "abbreviations.md").read_text(encoding="utf-8")
    entries = dict(re.findall(r"^\*\[([^\]]+)\]:\s*(.+)$", text, flags=re.MULTILINE))
    assert entries, "includes/abbreviations.md defines no abbreviations"
    return entries


# What the edition adds inside the author's paragraphs: left out when comparing with the text as received.
EDITORIAL_SELECTORS = [".para-link", ".para-number"]


def text_of(element: Tag) -> str:
    """An element's text as the author wrote it: without the edition's ¶ links and numbers, normalized."""
    copy = BeautifulSoup(str(element), "lxml")
    for selector in EDITORIAL_SELECTORS:
        for node in copy.select(selector):
            node.decompose()
    return normalize(copy.get_text())


# --- added by T3: what the PDF and the EPUB take over from the web pages ---


def copied_into_editions(html_pages: dict[str, BeautifulSoup]) -> dict[str, str]:
    """Each block the PDF and EPUB editions copy from the web pages, as its text, by what it is: every citation
    form under "Cite this article", and each paragraph and list item of "Source of the text" on the edition page."""
    heading = html_pages["index.html"].find(id="cite-this-article")
    assert heading is not None, "the article has no 'Cite this article' section"
    blocks = {f"citation form {n}": block for n, block in enumerate(heading.find_all_next(class_="tabbed-block"), 1)}
    source = html_pages["edition/index.html"].find(id="source-of-the-text")
    assert source is not None, "'About this edition' has no 'Source of the text' section"
    for sibling in source.find_next_siblings(True):
        if sibling.name in ("h1", "h2"):
            break
        for n, block in enumerate(sibling.find_all("li") if sibling.name in ("ul", "ol") else [sibling], 1):
            blocks[f"'Source of the text', <{sibling.name}> {n}"] = block
    assert len(blocks) > 2, f"only {len(blocks)} blocks found to copy into the editions"
    return {what: normalize(block.get_text()) for what, block in blocks.items()}
