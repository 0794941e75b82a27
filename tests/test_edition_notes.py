"""What the edition says about itself: the source of the text, its fingerprint, change notes, rights,
the revision on every page, and metadata that names who wrote each page."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from datetime import date as Date
from pathlib import Path

from bs4 import BeautifulSoup

from helpers import (
    FACTS, MATCHING_COPY, OTHER_COPY, PROJECT_ROOT, REFERENCE_TEXT, Reference, normalize, resolve, revision,
)

AUTHOR = FACTS.author
NBSP = "\u00a0"


def edition_text(html_pages: dict[str, BeautifulSoup]) -> str:
    return normalize(html_pages["edition/index.html"].select_one("article.md-content__inner").get_text(" "))


def section(page: BeautifulSoup, heading_id: str) -> str:
    """The text from a heading to the next heading of its level or higher."""
    heading = page.find(id=heading_id)
    assert heading is not None, f"no #{heading_id} on the page"
    parts = []
    for sibling in heading.find_next_siblings(True):
        if sibling.name in ("h1", "h2"):
            break
        if "edition-print-url" not in (sibling.get("class") or []):  # the print-only address line
            parts.append(sibling.get_text(" "))
    return normalize(" ".join(parts))


# ---------- Source of the text ----------


def test_edition_page_names_both_copies_and_how_they_relate(html_pages: dict[str, BeautifulSoup]) -> None:
    source = section(html_pages["edition/index.html"], "source-of-the-text")
    for claim in (
        MATCHING_COPY,
        OTHER_COPY,
        "the text as received matches this copy",
        "a different version",
        "straight apostrophes",
        "Lead: President Xi Jinping's recent diplomatic efforts",
        "Neither site was read live",
        "stored copies",
        "could not be compared",
        "not confirmed",
        "Jul. 4, 2024",
        "the 70th anniversary of the Five Principles this year",
        "not a date of publication",
    ):
        assert claim in source, f"'Source of the text' does not say: {claim!r}"
    assert source.index(MATCHING_COPY) < source.index("matches this copy") < source.index(OTHER_COPY), (
        "'matches this copy' should follow the cnfocus.com address, before the other copy's"
    )


def test_cite_note_names_both_copies(article: BeautifulSoup) -> None:
    note = normalize(" ".join(p.get_text(" ") for p in article.select("#cite-this-article ~ p.cite-note")))
    for claim in (MATCHING_COPY, OTHER_COPY, "matches", "not known"):
        assert claim in note, f"the cite note does not say {claim!r}"


def test_edition_page_says_who_wrote_what(html_pages: dict[str, BeautifulSoup]) -> None:
    source = section(html_pages["edition/index.html"], "source-of-the-text")
    assert "The standfirst, the two photo captions and the author note are given as they came with the text" in source
    assert "may be the outlet’s rather than the author’s" in source


# ---------- Fingerprint ----------


def test_edition_page_gives_the_sha256_of_the_text_as_received(html_pages: dict[str, BeautifulSoup]) -> None:
    data = REFERENCE_TEXT.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    source = section(html_pages["edition/index.html"], "source-of-the-text")
    assert digest in source, f"'Source of the text' does not give the SHA-256 of tests/source.txt, {digest}"
    assert f"{len(data):,} bytes" in source, f"'Source of the text' does not give the size, {len(data):,} bytes"
    assert "sha256sum source.txt" in source, "no line on how a reader checks the fingerprint"


def test_readers_can_download_the_exact_bytes_the_fingerprint_is_of(
    html_pages: dict[str, BeautifulSoup], site: Path, site_url: str
) -> None:
    reference = REFERENCE_TEXT.read_bytes()
    assert (PROJECT_ROOT / "docs" / "source.txt").read_bytes() == reference, (
        "docs/source.txt is not a byte-for-byte copy of tests/source.txt: copy it again"
    )
    links = [a["href"] for a in html_pages["edition/index.html"].select("article a[href]") if a["href"].endswith("source.txt")]
    assert links, "About this edition does not link the text as received (source.txt)"
    target, _ = resolve(site, site_url, "edition/index.html", links[0])
    assert target.read_bytes() == reference, f"{links[0]} is not the text as received"


# ---------- Change notes ----------


def test_change_notes_match_the_bytes_of_the_source(html_pages: dict[str, BeautifulSoup]) -> None:
    text = REFERENCE_TEXT.read_text(encoding="utf-8")
    alone = [line for line in text.splitlines() if line == NBSP]
    between_words = text.count(NBSP) - len(alone)
    changes = section(html_pages["edition/index.html"], "what-this-edition-changed")
    assert f"{text.count(NBSP)} no-break spaces" in changes
    assert f"{between_words} stand between words" in changes
    assert f"{len(alone)} stands alone on a line" in changes and "that line is dropped" in changes
    doubled = text.count(NBSP + NBSP) + text.count(NBSP + " ") + text.count(" " + NBSP)
    assert doubled == 0 and "none of them doubled" in changes, "the note on doubled no-break spaces is not true"


def test_repeated_standfirst_is_shown_as_the_body_paragraph_it_is(
    article: BeautifulSoup, reference: Reference
) -> None:
    repeated = article.find(id="p-14")
    assert repeated is not None, "the article has no #p-14"
    words = [text for text in repeated.find_all(string=True) if not text.find_parent(class_="para-number")]
    assert normalize(" ".join(words)).startswith(reference.standfirst), "#p-14 is not the repeated standfirst"
    assert article.select(".pull-quote") == [], "the repeated standfirst is still styled as a pull quote"
    assert repeated.get("class") == article.find(id="p-13").get("class"), (
        f"#p-14 has classes {repeated.get('class')}, other body paragraphs {article.find(id='p-13').get('class')}"
    )


def test_numbering_note_says_what_the_article_numbers(
    html_pages: dict[str, BeautifulSoup], article: BeautifulSoup
) -> None:
    # Which paragraphs carry which number, and which none, is checked in test_reader.py: here, that the note says so.
    count = len(article.select(".para-number"))
    changes = section(html_pages["edition/index.html"], "what-this-edition-changed")
    assert f"The {count} paragraphs of the body are numbered 1 to {count}" in changes, changes
    assert "paragraph 14, the repeated standfirst, is numbered" in changes
    assert "The title, the standfirst, the photo captions and the author note are not numbered" in changes


# ---------- Rights ----------


def test_no_page_claims_a_copyright_or_names_a_publisher(html_pages: dict[str, BeautifulSoup]) -> None:
    assert not re.search(r"^copyright\s*:", (PROJECT_ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.MULTILINE)
    for path, page in html_pages.items():
        text = normalize(page.get_text(" ")).casefold()
        for claim in ("©", "(c)", "copyright", "all rights reserved", "original publisher"):
            assert claim not in text, f"{path} says {claim!r}"


def test_rights_section_says_what_the_edition_does_and_links_the_issue_tracker(
    html_pages: dict[str, BeautifulSoup],
) -> None:
    page = html_pages["edition/index.html"]
    rights = section(page, "rights")
    for claim in ("reproduces the essay for reading and citation", "claims no rights", "reproduces no photographs"):
        assert claim in rights, f"'Rights' does not say {claim!r}"
    links = [a["href"] for a in page.find(id="rights").find_next("p").find_all("a", href=True)]
    assert any(re.fullmatch(r"https://github\.com/[^/]+/[^/]+/issues", href) for href in links), (
        f"'Rights' does not link the repository's issue tracker: {links}"
    )


# ---------- Revision ----------


def test_every_page_footer_names_the_revision_and_the_issue_tracker(html_pages: dict[str, BeautifulSoup]) -> None:
    date, commit = revision()
    for path, page in html_pages.items():
        line = page.select_one("footer .edition-revision")
        assert line is not None, f"{path}: the footer names no revision"
        assert normalize(line.get_text(" ")) == f"Revision {date}, commit {commit}", (
            f"{path}: footer says {normalize(line.get_text(' '))!r}, the checkout is {date} {commit}"
        )
        contact = page.select_one("footer .edition-contact a[href$='/issues']")
        assert contact is not None, f"{path}: the footer does not link the issue tracker"


def test_revision_outside_a_git_checkout_is_unknown_rather_than_guessed(project_copy: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    output = subprocess.run(
        ["bash", str(project_copy / "scripts" / "revision")], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    assert output == ["unknown", "unknown"], f"scripts/revision outside git says {output}"


def test_revisions_list_is_dated_from_the_history(html_pages: dict[str, BeautifulSoup]) -> None:
    page = html_pages["edition/index.html"]
    heading = page.find(id="revisions")
    assert heading is not None, "About this edition has no 'Revisions' section"
    entries = [normalize(item.get_text(" ")) for item in heading.find_next("ul").find_all("li", recursive=False)]
    assert entries, "the Revisions list is empty"
    dates = []
    for entry in entries:
        found = re.match(r"(\d{4}-\d\d-\d\d)\. \S", entry)
        assert found, f"a revision does not start with its date: {entry[:60]}"
        dates.append(Date.fromisoformat(found.group(1)))
    assert dates == sorted(dates, reverse=True), f"revisions are not newest first: {dates}"
    current = Date.fromisoformat(revision()[0])
    assert dates[0] <= current, f"the newest revision listed, {dates[0]}, is after this revision's date {current}"
    # Each date is a day on which a commit was made, where the checkout's history reaches back that far.
    log = subprocess.run(["git", "log", "--format=%cs"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    commit_days = {Date.fromisoformat(day) for day in log.stdout.split()}
    for day in dates:
        if day >= min(commit_days):
            assert day in commit_days, f"no commit was made on {day}, the date of a listed revision"


# ---------- Metadata ----------


def test_only_the_article_names_mahoney_as_its_author(html_pages: dict[str, BeautifulSoup]) -> None:
    for path, page in html_pages.items():
        tag = page.find("meta", attrs={"name": "author"})
        author = tag.get("content") if tag else None
        if path == "index.html":
            assert author == AUTHOR, f"the article's meta author is {author!r}"
        else:
            assert author != AUTHOR, f"{path} was written by the editors, but its meta author is {author!r}"


def test_article_json_ld_is_a_republication_of_the_matching_copy(article: BeautifulSoup, site_url: str) -> None:
    data = json.loads(article.find("script", type="application/ld+json").string)
    assert data["isBasedOn"]["url"] == MATCHING_COPY, f"isBasedOn is {data.get('isBasedOn')}"
    assert data["isPartOf"] == {"@type": "WebSite", "name": data["isPartOf"]["name"], "url": site_url}
    assert data["author"]["name"] == AUTHOR
    assert not [key for key in json.dumps(data).split('"') if "date" in key.lower()], "the JSON-LD gives a date"


def test_how_the_site_is_built_speaks_to_readers(html_pages: dict[str, BeautifulSoup]) -> None:
    built = section(html_pages["edition/index.html"], "how-this-site-is-built")
    sentences = [s for s in re.split(r"(?<=\.)\s+", built) if s]
    assert len(sentences) <= 3, f"'How this site is built' has {len(sentences)} sentences; the details belong in the README"
    for claim in ("no tracking", "nothing from any other host", "fingerprint"):
        assert claim in built, f"'How this site is built' does not say {claim!r}"
