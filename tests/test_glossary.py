"""The glossary as a reader checks it: in the navigation, its abbreviation table the same as the tooltips
(includes/abbreviations.md), editorial and dated, every entry sourced, BRICS and the SCO right."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from helpers import abbreviations, normalize

MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# Names the issue asks the glossary to explain (issue 9, point 8): entry id -> words its heading must hold.
REQUIRED_ENTRIES = {
    "xizang": "Xizang",
    "xinjiang": "Xinjiang",
    "five-principles-of-peaceful-coexistence": "Five Principles of Peaceful Coexistence",
    "shanghai-spirit": "Shanghai Spirit",
    "belt-and-road-initiative": "Belt and Road Initiative",
    "global-civilization-initiative": "Global Civilization Initiative",
    "astana-summit-2024": "Astana summit",
    "china-central-asia-summit": "China–Central Asia Summit",
    "brics": "BRICS",
    "sco": "Shanghai Cooperation Organisation",
}
# Entries whose facts change (who belongs to a group): each says the date its facts hold for.
MEMBERSHIP_ENTRIES = ["brics", "sco"]
BRICS_MEMBERS_BEFORE_2024 = ["Brazil", "Russia", "India", "China", "South Africa"]
BRICS_MEMBERS_FROM_2024 = ["Egypt", "Ethiopia", "Iran", "United Arab Emirates"]
TRACKING_PARAMETERS = re.compile(r"^(utm_|fbclid$|gclid$|mc_|ref$|ref_src$)")


@pytest.fixture(scope="module")
def glossary(html_pages: dict[str, BeautifulSoup]) -> Tag:
    content = html_pages["glossary/index.html"].select_one("article.md-content__inner")
    assert content is not None, "the glossary page has no content area"
    return content


def entries(glossary: Tag) -> dict[str, list[Tag]]:
    """Entry id -> the heading and everything after it up to the next heading."""
    names = glossary.find(id="names-and-terms")
    assert names is not None, "the glossary has no 'Names and terms' section"
    found: dict[str, list[Tag]] = {}
    current: list[Tag] = []
    for sibling in names.find_next_siblings():
        if sibling.name == "h2":
            break
        if sibling.name == "h3":
            assert sibling.get("id"), f"entry heading {sibling.get_text()!r} has no id to link to"
            current = found.setdefault(sibling["id"], [sibling])
        elif current:
            current.append(sibling)
    assert found, "the 'Names and terms' section has no entries"
    return found


def entry_text(parts: list[Tag]) -> str:
    return normalize(" ".join(part.get_text(" ") for part in parts))


def glossary_rows(html_pages: dict[str, BeautifulSoup]) -> dict[str, str]:
    table = html_pages["glossary/index.html"].select_one("article table")
    assert table is not None, "the glossary page has no table"
    rows = [[normalize(cell.get_text()) for cell in row.find_all("td")] for row in table.select("tbody tr")]
    return {row[0]: row[1] for row in rows}


def test_glossary_page_lists_exactly_the_tooltip_expansions(html_pages: dict[str, BeautifulSoup]) -> None:
    # "U.S" is matched without its dot (see mkdocs.yml); the glossary spells it "U.S.".
    listed = {abbr.rstrip("."): expansion for abbr, expansion in glossary_rows(html_pages).items()}
    assert listed == abbreviations(), f"glossary page {listed} differs from includes/abbreviations.md"


def test_glossary_is_in_the_navigation(article: BeautifulSoup) -> None:
    targets = [a.get("href", "") for a in article.select(".md-tabs a, nav.md-nav--primary a")]
    assert any(t.rstrip("/").endswith("glossary") for t in targets), f"no navigation link to the glossary: {targets}"


def test_page_says_it_is_editorial_and_when_it_was_written(glossary: Tag) -> None:
    intro = normalize(" ".join(p.get_text(" ") for p in glossary.find("h1").find_next_siblings("p", limit=2)))
    assert "editorial" in intro and "not part of the essay" in intro, f"the glossary does not say it is editorial: {intro}"
    assert re.search(rf"wrote it on \d{{1,2}} {MONTH} \d{{4}}", intro), f"the glossary does not say when it was written: {intro}"
    assert re.search(rf"as of {MONTH} \d{{4}}", intro), "the glossary does not say which date its facts hold for"


def test_expansions_are_explained_for_touch_and_keyboard_not_only_a_mouse(glossary: Tag) -> None:
    heading = glossary.find(id="abbreviations")
    assert heading is not None, "the glossary has no 'Abbreviations' section"
    explanation = normalize(heading.find_next_sibling("p").get_text(" ")).lower()
    for word in ("tap", "touch", "mouse", "keyboard"):
        assert word in explanation, f"the explanation of the expansions does not mention {word!r}: {explanation}"
    assert "hover" not in explanation, f"'hover' assumes a mouse: {explanation}"


def test_every_name_the_issue_lists_has_an_entry(glossary: Tag) -> None:
    found = entries(glossary)
    missing = [key for key in REQUIRED_ENTRIES if key not in found]
    assert not missing, f"no glossary entry for {missing}; entries: {sorted(found)}"
    for key, words in REQUIRED_ENTRIES.items():
        heading = normalize(found[key][0].get_text())
        assert words in heading, f"entry #{key} is headed {heading!r}, expected it to name {words!r}"


def test_every_entry_links_its_sources_over_https_without_tracking(glossary: Tag, site_url: str) -> None:
    own_host = urlsplit(site_url).netloc
    for key, parts in entries(glossary).items():
        sources = [part for part in parts if part.name == "p" and "glossary-source" in part.get("class", [])]
        assert len(sources) == 1, f"entry #{key} has {len(sources)} source paragraphs, expected one"
        text = normalize(sources[0].get_text(" "))
        assert text.startswith(("Source:", "Sources:")), f"entry #{key}'s source line does not say so: {text[:60]}"
        links = sources[0].find_all("a", href=True)
        assert links, f"entry #{key} links no source"
        for link in links:
            url = urlsplit(link["href"])
            assert url.scheme == "https" and url.netloc and url.netloc != own_host, (
                f"entry #{key}: source {link['href']} is not an https link to another site"
            )
            tracking = [name for name, _ in parse_qsl(url.query) if TRACKING_PARAMETERS.match(name)]
            assert not tracking, f"entry #{key}: source {link['href']} carries tracking parameters {tracking}"
            assert not link.get("target") and not link.get("title"), (
                f"entry #{key}: source link {link['href']} should open as a plain link (no target, no title tooltip)"
            )


def test_every_entry_is_tied_to_dates(glossary: Tag) -> None:
    for key, parts in entries(glossary).items():
        body = entry_text([part for part in parts[1:] if "glossary-source" not in part.get("class", [])])
        assert re.search(r"\b(19|20)\d\d\b", body), f"entry #{key} gives no year for its facts: {body[:80]}"
    found = entries(glossary)
    for key in MEMBERSHIP_ENTRIES:
        body = entry_text(found[key])
        assert re.search(rf"\b(?i:as of) {MONTH} \d{{4}}\b", body), f"entry #{key} does not date its membership: {body}"


def test_brics_entry_lists_the_members_who_joined_on_1_january_2024(glossary: Tag) -> None:
    body = entry_text(entries(glossary)["brics"])
    missing = [name for name in BRICS_MEMBERS_BEFORE_2024 + BRICS_MEMBERS_FROM_2024 if name not in body]
    assert not missing, f"the BRICS entry does not name {missing}"
    assert "1 January 2024" in body, "the BRICS entry does not date the 2024 accessions"
    assert "Saudi Arabia" in body, "the BRICS entry leaves out Saudi Arabia's unsettled status"
    assert re.search(r"Indonesia.*\b2025\b", body), "the BRICS entry does not date Indonesia's later accession"


def test_brics_tooltip_is_not_the_five_founders_alone() -> None:
    expansion = abbreviations()["BRICS"]
    missing = [name for name in BRICS_MEMBERS_FROM_2024 if name not in expansion]
    assert not missing and "1 January 2024" in expansion, (
        f"the BRICS expansion leaves out the members who joined on 1 January 2024: {expansion!r}"
    )


def test_sco_is_spelled_as_the_organisation_spells_itself(glossary: Tag) -> None:
    assert abbreviations()["SCO"] == "Shanghai Cooperation Organisation"
    body = entry_text(entries(glossary)["sco"])
    assert "“Shanghai Cooperation Organisation”" in body and "“Organization”" in body, (
        "the SCO entry does not set the organisation's own spelling against the essay's"
    )
