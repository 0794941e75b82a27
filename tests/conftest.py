"""Shared fixtures: the site is built once per test session into a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_TEXT = Path(__file__).resolve().parent / "source.txt"
MKDOCS = [sys.executable, "-m", "mkdocs"]
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


def run_build(project: Path, site_dir: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the project's own build script (strict, atomic) and capture its output."""
    return subprocess.run(
        ["bash", str(project / "scripts" / "build"), str(site_dir)],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("build") / "site"
    result = run_build(PROJECT_ROOT, site_dir)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site_dir


@pytest.fixture(scope="session")
def site_url(site: Path) -> str:
    """The site's public root URL, as the build wrote it into the sitemap."""
    namespace = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in ET.parse(site / "sitemap.xml").getroot().findall("sm:url/sm:loc", namespace)]
    return min(locations, key=len)


@pytest.fixture(scope="session")
def html_pages(site: Path) -> dict[str, BeautifulSoup]:
    """Every built HTML page, parsed, keyed by its path relative to the site root."""
    return {
        page.relative_to(site).as_posix(): BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for page in sorted(site.rglob("*.html"))
    }


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
