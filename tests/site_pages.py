"""The pages the build should produce, known before the build so tests can be parametrized per page."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _built_path(source: Path) -> str:
    """Where MkDocs (use_directory_urls) writes a Markdown page, relative to the site root."""
    relative = source.relative_to(DOCS).with_suffix("")
    if relative.name in ("index", "README"):
        relative = relative.parent
    return (relative / "index.html").as_posix().removeprefix("./")


# Every page of the edition plus the 404 page that the theme override adds.
SITE_PAGES: list[str] = sorted([_built_path(source) for source in DOCS.rglob("*.md")] + ["404.html"])


def page_url(root_url: str, built_path: str) -> str:
    """The served address of a built page: directory URLs for pages, the file itself for 404.html."""
    return root_url + built_path.removesuffix("index.html")
