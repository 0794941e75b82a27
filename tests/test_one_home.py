"""Each fact about the edition is written once, in mkdocs.yml, and agrees with the text as received."""

from __future__ import annotations

from dataclasses import asdict
from fnmatch import fnmatch

import yaml

from helpers import FACTS, PROJECT_ROOT, Reference, project_files

HOME = "mkdocs.yml"
# Prose may name the essay and its author: Markdown cannot read mkdocs.yml (Zensical
# runs no hooks), and the author's own text (docs/source.txt as received, docs/index.md
# as published) has its title line and biography; LICENSE names the essay it does not cover.
PROSE = ["docs/*.md", "README.md", "LICENSE", "docs/source.txt"]
ALLOWED = {
    "title": PROSE,
    "author": PROSE,
    "affiliations": PROSE,
    # The BibTeX form's citation key happens to read the same.
    "folder": ["docs/index.md"],
}


def project_texts() -> dict[str, str]:
    texts = {}
    for name in project_files():
        try:
            texts[name] = (PROJECT_ROOT / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):  # images; a file deleted but not yet committed
            continue
    return texts


def stray_copies(texts: dict[str, str]) -> list[str]:
    """Where a fact is written outside its home and the files allowed to repeat it."""
    found = []
    for fact, value in asdict(FACTS).items():
        for literal in value if isinstance(value, tuple) else [value]:
            for name, text in texts.items():
                allowed = name == HOME or any(fnmatch(name, pattern) for pattern in ALLOWED.get(fact, []))
                if literal in text and not allowed:
                    found.append(f"{name} writes the {fact} {literal!r}")
    return found


def test_each_fact_is_written_only_in_mkdocs_yml() -> None:
    strays = stray_copies(project_texts())
    assert not strays, (
        "facts written outside mkdocs.yml: read them from config.extra (templates) or "
        "reading_edition/facts.py (scripts, tests) instead:\n" + "\n".join(strays)
    )


def test_the_check_finds_a_copy_but_allows_prose() -> None:
    strays = stray_copies({"overrides/partial.html": f'<a href="{FACTS.pdf}">', "docs/author.md": FACTS.title})
    assert f"overrides/partial.html writes the pdf {FACTS.pdf!r}" in strays, strays
    assert not [stray for stray in strays if stray.startswith("docs/")], strays


def test_facts_agree_with_the_text_as_received(reference: Reference) -> None:
    assert FACTS.title == reference.title, f"mkdocs.yml's title {FACTS.title!r} is not the essay's {reference.title!r}"
    # The article's page title: without it MkDocs would title the page after its nav label.
    front_matter = yaml.safe_load((PROJECT_ROOT / "docs" / "index.md").read_text(encoding="utf-8").split("---")[1])
    assert front_matter["title"] == FACTS.title, f"docs/index.md's front matter title is not {FACTS.title!r}"
    # The theme's <meta name="author"> for the article alone: the other pages are the editors'.
    assert front_matter["author"] == FACTS.author, f"docs/index.md's front matter author is not {FACTS.author!r}"
    assert reference.bio.startswith(FACTS.author + " "), f"the author's biography does not name {FACTS.author!r}"
    for affiliation in FACTS.affiliations:
        name = affiliation.split(",")[0]
        assert name in reference.bio, f"the author's biography does not name the affiliation {name!r}"
