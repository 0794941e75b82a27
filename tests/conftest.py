"""pytest's fixtures: the site is built once per test session into a temporary folder, served on a loopback
server and opened in one Chromium. Plain helpers are in helpers.py; this file only wires them up.

The quick lane, `./scripts/test -m "not slow"`, leaves out what pytest_collection_modifyitems below marks
`slow`: the tests that open a browser and those that build the site again beyond the session's one build
(marked `builds` too).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, sync_playwright

from helpers import (
    ADDRESSES, PROJECT_ROOT, AddressSite, Reference, load_reference, parse_pages, project_files, run_build, serve,
)

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
# A test `builds` when it builds the site beyond the session's one build (it takes address_site or calls
# run_build); it is `slow` when it builds or opens a browser. test_zensical.py carries both marks itself.
# The publish workflow tests the folder it deploys with -m "not builds": its one build is that folder.
BROWSER_FIXTURES = {"browser", "engine"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        function = getattr(item, "function", None)
        fixtures = set(getattr(item, "fixturenames", ()))
        if (function is not None and "run_build" in function.__code__.co_names) or "address_site" in fixtures:
            item.add_marker(pytest.mark.builds)
        if item.get_closest_marker("builds") or BROWSER_FIXTURES & fixtures:
            item.add_marker(pytest.mark.slow)


# Set by scripts/zensical-check to test a site another generator built.
TEST_SITE_DIR = os.environ.get("TEST_SITE_DIR")


@pytest.fixture(scope="session")
def reference() -> Reference:
    return load_reference()


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
def html_pages(site: Path) -> dict[str, BeautifulSoup]:
    """Every built HTML page, parsed, keyed by its path relative to the site root."""
    return parse_pages(site)


@pytest.fixture(scope="session")
def article(html_pages: dict[str, BeautifulSoup]) -> BeautifulSoup:
    return html_pages["index.html"]


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the project, for tests that break things on purpose: the files git tracks, and the
    new ones it does not ignore, as they are in the working tree (so an uncommitted change is what is tested).
    No .git (the copy is not a checkout), no site/, node_modules/ or virtual environments; .venv is linked."""
    copy = tmp_path / "project"
    for name in project_files():
        source = PROJECT_ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out, as it is there
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name, follow_symlinks=False)
    (copy / ".venv").symlink_to(PROJECT_ROOT / ".venv")
    return copy


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
