"""Bad input fails the strict build with a message naming each problem, and the last good site stays."""

from __future__ import annotations

import subprocess
from pathlib import Path

from helpers import run_build

LAST_GOOD = "the last good site"


def last_good_site(project: Path) -> Path:
    """A site folder as a previous build left it: a failed build must leave it as it is."""
    site_dir = project / "site"
    site_dir.mkdir()
    (site_dir / "index.html").write_text(LAST_GOOD, encoding="utf-8")
    return site_dir


def assert_failed_and_kept(
    result: subprocess.CompletedProcess[str], site_dir: Path, staging: str, *named: tuple[str, ...]
) -> None:
    """The build failed; each problem's `named` parts share a line of its output; the last good site is as it was."""
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build succeeded but should have failed:\n{output}"
    lines = output.splitlines()
    for parts in named:
        assert any(all(part in line for part in parts) for line in lines), f"no line of the output names {parts}:\n{output}"
    kept = [(p.name, p.read_text(encoding="utf-8")) for p in site_dir.iterdir()]
    assert kept == [("index.html", LAST_GOOD)], f"a failed build changed the last good site: {kept}"
    leftovers = [p.name for p in site_dir.parent.iterdir() if p.name.startswith(staging)]
    assert not leftovers, f"a failed build left staging folders behind: {leftovers}"


def test_broken_link_anchor_and_nav_entry_each_fail_the_build_named(project_copy: Path) -> None:
    site_dir = last_good_site(project_copy)
    page = project_copy / "docs" / "author.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[a](no-such-page.md) [b](index.md#no-such-anchor)\n", encoding="utf-8")
    config = project_copy / "mkdocs.yml"
    nav = config.read_text(encoding="utf-8").replace("nav:\n", "nav:\n  - Missing: missing-page.md\n")
    config.write_text(nav, encoding="utf-8")
    result = run_build(project_copy, site_dir)
    named = [("author.md", "no-such-page.md"), ("author.md", "no-such-anchor"), ("missing-page.md",)]
    assert_failed_and_kept(result, site_dir, ".site-staging", *named)


def test_malformed_config_fails_naming_the_file(project_copy: Path) -> None:
    site_dir = last_good_site(project_copy)
    config = project_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\ntheme: [unclosed\n", encoding="utf-8")
    assert_failed_and_kept(run_build(project_copy, site_dir), site_dir, ".site-staging", ("mkdocs.yml",))


def test_invalid_epub_fails_the_editions_build_with_epubchecks_message(project_copy: Path) -> None:
    site_dir = last_good_site(project_copy)
    # A maintainer styles the book with a font file that is not in it: EPUBCheck's RSC-007.
    stylesheet = project_copy / "reading_edition" / "epub.css"
    stylesheet.write_text(
        stylesheet.read_text(encoding="utf-8") + '\n@font-face { font-family: "Body"; src: url(fonts/body.woff2); }\n',
        encoding="utf-8",
    )
    # A copy is no git checkout, so the build's date is given, as scripts/revision would give it.
    result = run_build(project_copy, site_dir, env={"SOURCE_DATE_EPOCH": "1720656000"}, script="build-editions")
    assert_failed_and_kept(result, site_dir, ".editions-staging", ("EPUBCheck rejected",), ("ERROR(RSC-007)", "fonts/body.woff2"))
