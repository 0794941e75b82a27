"""Bad input fails the strict build with a message naming the problem, and loses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run_build


def assert_fails_naming(result, *expected: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the build succeeded but should have failed:\n{output}"
    for fragment in expected:
        assert fragment in output, f"the failure message does not mention {fragment!r}:\n{output}"


@pytest.mark.parametrize(
    "target, named", [("no-such-page.md", "no-such-page.md"), ("index.md#no-such-anchor", "no-such-anchor")]
)
def test_broken_link_or_anchor_fails_naming_file_and_target(project_copy: Path, target: str, named: str) -> None:
    page = project_copy / "docs" / "author.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n[gone]({target})\n", encoding="utf-8")
    assert_fails_naming(run_build(project_copy, project_copy / "site"), "author.md", named)


def test_nav_entry_to_missing_page_fails_naming_it(project_copy: Path) -> None:
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("nav:\n", "nav:\n  - Missing: missing-page.md\n"), encoding="utf-8")
    assert_fails_naming(run_build(project_copy, project_copy / "site"), "missing-page.md")


def test_malformed_config_fails_naming_the_file(project_copy: Path) -> None:
    config = project_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\ntheme: [unclosed\n", encoding="utf-8")
    assert_fails_naming(run_build(project_copy, project_copy / "site"), "mkdocs.yml")


def test_failed_build_keeps_the_last_good_site(project_copy: Path) -> None:
    site_dir = project_copy / "site"
    first = run_build(project_copy, site_dir)
    assert first.returncode == 0, first.stdout + first.stderr
    good = {p.relative_to(site_dir): p.read_bytes() for p in site_dir.rglob("*") if p.is_file()}

    page = project_copy / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("(author.md)", "(missing.md)", 1), encoding="utf-8")
    assert_fails_naming(run_build(project_copy, site_dir), "missing.md")

    after = {p.relative_to(site_dir): p.read_bytes() for p in site_dir.rglob("*") if p.is_file()}
    assert after == good, "a failed build changed the last good site"
    leftovers = [p.name for p in project_copy.iterdir() if p.name.startswith(".site-staging")]
    assert not leftovers, f"a failed build left staging folders behind: {leftovers}"


def test_invalid_epub_fails_the_editions_build_with_epubchecks_message_and_keeps_the_last_good_site(
    project_copy: Path,
) -> None:
    site_dir = project_copy / "site"
    site_dir.mkdir()
    last_good = site_dir / "index.html"
    last_good.write_text("the last good site", encoding="utf-8")
    # A maintainer styles the book with a font file that is not in it: EPUBCheck's RSC-007.
    stylesheet = project_copy / "editions" / "epub.css"
    stylesheet.write_text(
        stylesheet.read_text(encoding="utf-8") + '\n@font-face { font-family: "Body"; src: url(fonts/body.woff2); }\n',
        encoding="utf-8",
    )
    # A copy is no git checkout, so the build's date is given as scripts/source-date-epoch would.
    result = run_build(project_copy, site_dir, env={"SOURCE_DATE_EPOCH": "1720656000"}, script="build-editions")
    assert_fails_naming(result, "EPUBCheck rejected", "ERROR(RSC-007)", "fonts/body.woff2")
    assert [p.name for p in site_dir.iterdir()] == ["index.html"], "a failed build changed the last good site"
    assert last_good.read_text(encoding="utf-8") == "the last good site", "a failed build changed the last good site"
    leftovers = [p.name for p in project_copy.iterdir() if p.name.startswith(".editions-staging")]
    assert not leftovers, f"a failed build left staging folders behind: {leftovers}"
