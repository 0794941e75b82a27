"""The facts the edition states about itself hold: the copies it names, the fingerprint and byte count of the
text as received, the counts in its change notes, its revision and revision dates, who wrote each page.

Only facts are checked (addresses, hashes, counts, dates, link targets, ids), never the sentences around
them: the editors may reword any note, and these tests fail only when a stated fact becomes false.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import date as Date
from itertools import takewhile
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from helpers import (
    FACTS, MATCHING_COPY, OTHER_COPY, PROJECT_ROOT, REFERENCE_TEXT, Reference, normalize, resolve,
    built_repo_url, revision,
)

NBSP = "\u00a0"


def edition_page(html_pages: dict[str, BeautifulSoup]) -> Tag:
    content = html_pages["edition/index.html"].select_one("article.md-content__inner")
    assert content is not None, "'About this edition' has no content area"
    return content


def section(page: Tag, heading_id: str) -> list[Tag]:
    """The blocks from the heading with this id up to the next heading of its level."""
    heading = page.find(id=heading_id)
    assert heading is not None, f"'About this edition' has no #{heading_id} section"
    return list(takewhile(lambda block: block.name != heading.name, heading.find_next_siblings(True)))


def stated_numbers(text: str) -> set[int]:
    """The whole numbers a note states, written as digits with or without thousands commas (not U+ code points)."""
    return {int(n.replace(",", "")) for n in re.findall(r"(?<![\w+])\d{1,3}(?:,\d{3})+(?!\d)|(?<![\w+])\d+(?!\d)", text)}


# ---------- Source of the text ----------


def test_edition_page_names_both_copies(html_pages: dict[str, BeautifulSoup]) -> None:
    page = edition_page(html_pages)
    named = normalize(page.get_text(" ")) + " " + " ".join(a["href"] for a in page.find_all("a", href=True))
    missing = [copy for copy in (MATCHING_COPY, OTHER_COPY) if copy not in named]
    assert not missing, f"'About this edition' does not name the copy at {missing}"


def test_edition_page_gives_the_sha256_and_size_of_the_file_it_links(
    html_pages: dict[str, BeautifulSoup], site: Path, site_url: str
) -> None:
    data = REFERENCE_TEXT.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    page = edition_page(html_pages)
    text = normalize(page.get_text(" "))
    hashes = re.findall(r"\b[0-9a-fA-F]{64}\b", text)
    assert hashes and {h.lower() for h in hashes} == {digest}, (
        f"'About this edition' gives the SHA-256 {hashes or 'nowhere'}; docs/source.txt's is {digest}"
    )
    sizes = {int(n.replace(",", "")) for n in re.findall(r"\b(\d[\d,]*)\s*bytes\b", text)}
    assert sizes == {len(data)}, f"'About this edition' gives the size as {sizes or 'nothing'} bytes; it is {len(data)}"
    links = [a["href"] for a in page.find_all("a", href=True) if a["href"].endswith("source.txt")]
    assert links, "'About this edition' does not link the file its fingerprint is of (source.txt)"
    for link in links:
        target, _ = resolve(site, site_url, "edition/index.html", link)
        assert target.is_file() and target.read_bytes() == data, f"{link} is not docs/source.txt byte for byte"


# ---------- What this edition changed ----------


def test_change_notes_give_the_no_break_space_counts_of_the_source(html_pages: dict[str, BeautifulSoup]) -> None:
    text = REFERENCE_TEXT.read_text(encoding="utf-8")
    alone = sum(1 for line in text.splitlines() if line == NBSP)
    counts = {text.count(NBSP), text.count(NBSP) - alone} | ({alone} if alone else set())
    notes = [
        normalize(item.get_text(" "))
        for block in section(edition_page(html_pages), "what-this-edition-changed")
        for item in block.find_all("li") or [block]
        if re.search(r"no-break|non-breaking|nbsp|U\+00A0", item.get_text(), re.IGNORECASE)
    ]
    assert notes, "'About this edition' has no note on the no-break spaces (U+00A0) of the text as received"
    for note in notes:
        assert stated_numbers(note) == counts, (
            f"the note on no-break spaces states the numbers {sorted(stated_numbers(note))}; docs/source.txt has "
            f"{text.count(NBSP)} in all, {alone} alone on a line (expected exactly {sorted(counts)}):\n  {note}"
        )


def test_notes_give_the_paragraph_count_and_only_addresses_that_exist(
    html_pages: dict[str, BeautifulSoup], article: BeautifulSoup
) -> None:
    count = len(article.select(".para-number"))
    notes = {
        page: [block for block in html_pages[page].select("article li, article p")
               if any(re.fullmatch(r"#p-\w+", code.get_text()) for code in block.find_all("code"))]
        for page in ("index.html", "edition/index.html")
    }
    assert notes["edition/index.html"], "'About this edition' has no note giving a paragraph's address (#p-N)"
    for note in notes["edition/index.html"]:
        text = normalize(note.get_text(" "))
        assert count in stated_numbers(text), f"the note on paragraph numbers does not give their count, {count}: {text}"
    for page, blocks in notes.items():
        for code in [code for block in blocks for code in block.find_all("code")]:
            anchor = code.get_text().removeprefix("#")
            assert not anchor.startswith("p-") or article.find(id=anchor), f"{page} names #{anchor}, which the article lacks"


def test_repeated_standfirst_is_shown_as_the_body_paragraph_it_is(article: BeautifulSoup, reference: Reference) -> None:
    repeated, neighbour = article.find(id="p-14"), article.find(id="p-13")
    assert repeated is not None and neighbour is not None, "the article has no #p-13 or #p-14"
    words = [text for text in repeated.find_all(string=True) if not text.find_parent(class_="para-number")]
    assert normalize(" ".join(words)).startswith(reference.standfirst), "#p-14 is not the repeated standfirst"
    assert repeated.get("class") == neighbour.get("class") and not article.select(".pull-quote"), (
        f"#p-14 is styled apart ({repeated.get('class')}) from the other body paragraphs ({neighbour.get('class')})"
    )


# ---------- Rights, the repository, revisions ----------


def test_edition_claims_no_copyright() -> None:
    # With no `copyright` in mkdocs.yml the theme writes no rights line in any page's footer.
    config = (PROJECT_ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert not re.search(r"^copyright\s*:", config, re.MULTILINE), "mkdocs.yml sets `copyright`, a claim of rights"


def test_edition_page_links_the_repository_its_history_and_issue_tracker(html_pages: dict[str, BeautifulSoup]) -> None:
    repo_url = built_repo_url()
    links = {a["href"] for a in edition_page(html_pages).find_all("a", href=True)}
    expected = {repo_url, f"{repo_url}/issues", f"{repo_url}/commits/main", f"{repo_url}/blob/main/LICENSE",
                "https://creativecommons.org/licenses/by/4.0/"}
    missing = expected - links
    assert not missing, f"'About this edition' does not link {sorted(missing)}"
    assert (PROJECT_ROOT / "LICENSE").is_file(), "the licence the edition page links is not in the repository"


def test_every_page_footer_names_the_revision_and_the_issue_tracker(html_pages: dict[str, BeautifulSoup]) -> None:
    date, commit = revision()
    repo_url = built_repo_url()
    for path, page in html_pages.items():
        line = page.select_one("footer .edition-revision")
        assert line is not None, f"{path}: the footer names no revision"
        text = normalize(line.get_text(" "))
        assert date in text and commit in text, f"{path}: footer says {text!r}, the checkout's revision is {date} {commit}"
        assert line.find("a", href=f"{repo_url}/commit/{commit}"), f"{path}: the footer does not link commit {commit}"
        assert page.select_one(f"footer a[href='{repo_url}/issues']"), f"{path}: the footer does not link the issue tracker"


def test_revisions_are_commit_days_newest_first_ending_at_this_revision(html_pages: dict[str, BeautifulSoup]) -> None:
    entries = [normalize(item.get_text(" ")) for block in section(edition_page(html_pages), "revisions")
               for item in block.select(":scope > li")]
    dates = []
    for entry in entries:
        found = re.search(r"\b\d{4}-\d\d-\d\d\b", entry)
        assert found, f"a listed revision gives no date (YYYY-MM-DD): {entry[:60]}"
        dates.append(Date.fromisoformat(found.group()))
    assert dates, "the Revisions list is empty"
    assert dates == sorted(dates, reverse=True), f"revisions are not newest first: {[str(d) for d in dates]}"
    current = revision()[0]
    assert str(dates[0]) == current, f"the newest revision listed is {dates[0]}, but this revision is dated {current}"
    log = subprocess.run(["git", "log", "--format=%cs"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    commit_days = {Date.fromisoformat(day) for day in log.stdout.split()}
    # Where the checkout's history reaches back that far (a shallow clone may not), each date is a commit's day.
    invented = [str(day) for day in dates if day >= min(commit_days) and day not in commit_days]
    assert not invented, f"no commit was made on {invented}, listed as revision dates"


def test_only_the_article_names_its_author_as_the_pages_author(html_pages: dict[str, BeautifulSoup]) -> None:
    for path, page in html_pages.items():
        tag = page.find("meta", attrs={"name": "author"})
        author = tag.get("content") if tag else None
        if path == "index.html":
            assert author == FACTS.author, f"the article's meta author is {author!r}, not {FACTS.author!r}"
        else:
            assert author != FACTS.author, f"{path} was written by the editors, but its meta author is {author!r}"
