"""The glossary's facts: its table is the tooltips' list (includes/abbreviations.md), it is dated, each entry
has an id and https sources, and the memberships it lists are complete. Its wording is the editors' to change."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from helpers import abbreviations, normalize, revision

MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# The names the issue asks the glossary to explain (issue 9, point 8), by the id readers link to.
REQUIRED_ENTRIES = [
    "xizang", "xinjiang", "five-principles-of-peaceful-coexistence", "shanghai-spirit", "belt-and-road-initiative",
    "global-civilization-initiative", "astana-summit-2024", "china-central-asia-summit", "brics", "sco",
]
BRICS_FOUNDERS = ["Brazil", "Russia", "India", "China", "South Africa"]
BRICS_JOINED_1_JANUARY_2024 = ["Egypt", "Ethiopia", "Iran", "United Arab Emirates"]
# The SCO's ten member states as of July 2024: the six founders of 2001, then India, Pakistan, Iran, Belarus.
SCO_MEMBERS_JULY_2024 = [
    "China", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan", "Uzbekistan", "India", "Pakistan", "Iran", "Belarus",
]
TRACKING_PARAMETERS = re.compile(r"^(utm_|fbclid$|gclid$|mc_|ref$|ref_src$)")


@pytest.fixture(scope="module")
def glossary(html_pages: dict[str, BeautifulSoup]) -> Tag:
    content = html_pages["glossary/index.html"].select_one("article.md-content__inner")
    assert content is not None, "the glossary page has no content area"
    return content


@pytest.fixture(scope="module")
def entries(glossary: Tag) -> dict[str, list[Tag]]:
    """Entry id -> its h3 heading and everything after it up to the next heading."""
    names = glossary.find(id="names-and-terms")
    assert names is not None, "the glossary has no #names-and-terms section"
    found: dict[str, list[Tag]] = {}
    current: list[Tag] = []
    for sibling in names.find_next_siblings(True):
        if sibling.name == "h2":
            break
        if sibling.name == "h3":
            assert sibling.get("id"), f"glossary entry {sibling.get_text()!r} has no id to link to"
            current = found.setdefault(sibling["id"], [sibling])
        elif current:
            current.append(sibling)
    assert found, "the glossary's #names-and-terms section has no entries"
    return found


def text(parts: list[Tag]) -> str:
    return normalize(" ".join(part.get_text(" ") for part in parts))


def test_glossary_table_lists_exactly_the_tooltip_expansions(glossary: Tag) -> None:
    table = glossary.find("table")
    assert table is not None, "the glossary page has no abbreviation table"
    rows = [[normalize(cell.get_text()) for cell in row.find_all("td")] for row in table.select("tbody tr")]
    # "U.S" is matched without its dot (see mkdocs.yml); the glossary spells it "U.S.".
    listed = {row[0].rstrip("."): row[1] for row in rows}
    assert listed == abbreviations(), f"the glossary's table {listed} differs from includes/abbreviations.md"


def test_glossary_is_in_the_navigation(article: BeautifulSoup) -> None:
    targets = [a.get("href", "") for a in article.select(".md-tabs a, nav.md-nav--primary a")]
    assert any(t.rstrip("/").endswith("glossary") for t in targets), f"no navigation link to the glossary: {targets}"


def test_glossary_says_when_it_was_written(glossary: Tag) -> None:
    intro = text(glossary.find("h1").find_next_siblings("p", limit=2))
    days = [datetime.strptime(day, "%d %B %Y").date() for day in re.findall(rf"\b\d{{1,2}} {MONTH} \d{{4}}\b", intro)]
    assert days, f"the glossary's opening does not give the day it was written (D Month YYYY): {intro}"
    assert max(days).isoformat() <= revision()[0], f"the glossary is dated {max(days)}, after this revision"


def test_every_name_the_issue_lists_has_an_entry(entries: dict[str, list[Tag]]) -> None:
    missing = [key for key in REQUIRED_ENTRIES if key not in entries]
    assert not missing, f"no glossary entry with the id {missing}; entries: {sorted(entries)}"


def test_every_entry_is_dated_and_links_its_sources_over_https_without_tracking(
    entries: dict[str, list[Tag]], site_url: str
) -> None:
    own_host = urlsplit(site_url).netloc
    for key, parts in entries.items():
        sources = [part for part in parts if "glossary-source" in part.get("class", [])]
        body = text([part for part in parts[1:] if part not in sources])
        assert re.search(r"\b(19|20)\d\d\b", body), f"entry #{key} gives no year for its facts: {body[:80]}"
        links = [link for source in sources for link in source.find_all("a", href=True)]
        assert links, f"entry #{key} links no source (in a .glossary-source paragraph)"
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


def test_brics_entry_and_tooltip_name_the_members_and_their_dates(entries: dict[str, list[Tag]]) -> None:
    body = text(entries["brics"])
    missing = [name for name in BRICS_FOUNDERS + BRICS_JOINED_1_JANUARY_2024 if name not in body]
    assert not missing, f"the BRICS entry does not name {missing}"
    for fact, pattern in {
        "the date of the 2024 accessions": r"\b1 January 2024\b",
        "the date its membership holds for": rf"\b{MONTH} 2024\b",
        "Saudi Arabia's unsettled status": r"\bSaudi Arabia\b",
        "Indonesia's accession in 2025": r"\bIndonesia\b.*\b2025\b|\b2025\b.*\bIndonesia\b",
    }.items():
        assert re.search(pattern, body), f"the BRICS entry does not give {fact}: {body}"
    tooltip = abbreviations()["BRICS"]
    missing = [name for name in BRICS_JOINED_1_JANUARY_2024 if name not in tooltip]
    assert not missing and "1 January 2024" in tooltip, f"the BRICS tooltip leaves out the 2024 members: {tooltip!r}"


def test_sco_entry_names_its_members_and_both_spellings(entries: dict[str, list[Tag]]) -> None:
    body = text(entries["sco"])
    missing = [name for name in SCO_MEMBERS_JULY_2024 if name not in body]
    assert not missing, f"the SCO entry does not name the member states {missing}"
    assert re.search(rf"\b{MONTH} 2024\b", body), f"the SCO entry does not date its list of members: {body}"
    # The essay writes "Organization", the organisation's own website "Organisation": the entry gives both.
    assert re.fullmatch(r"Shanghai Cooperation Organi[sz]ation", abbreviations()["SCO"]), "the SCO tooltip is not its name"
    assert "Organisation" in body and "Organization" in body, "the SCO entry does not give both spellings of its name"


# Any hyphen or dash: the glossary heads "China–Central Asia Summit" with an en dash, the essay writes a hyphen.
DASHES = "-\u2010\u2011\u2012\u2013\u2014"


def names_in_heading(heading: str) -> list[str]:
    """What the essay may call an entry: its heading, and what the heading adds in brackets when that is a
    name rather than a date ("Xizang (Tibet)": Xizang, Tibet; "Astana summit (2024)": Astana summit)."""
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", heading)
    names = [match[1], match[2]] if match else [heading]
    return [name for name in names if re.search(r"[^\W\d]", name)]


def first_mention(paragraphs: list[Tag], names: list[str]) -> tuple[Tag, Tag, str] | None:
    """The author's paragraph that first names the entry, the text node where the name begins, and the name."""
    pattern = re.compile(
        "|".join(rf"\b{f'[{DASHES}]'.join(map(re.escape, re.split(f'[{DASHES}]', name)))}\b" for name in names),
        re.IGNORECASE,
    )
    for paragraph in paragraphs:
        nodes = [node for node in paragraph.find_all(string=True) if not node.find_parent(class_="para-number")]
        found = pattern.search("".join(nodes))
        if found:
            offset = 0
            for node in nodes:
                offset += len(node)
                if offset > found.start():
                    return paragraph, node, found[0]
    return None


def test_the_essay_links_each_name_to_its_entry_and_the_entry_links_back(
    article: BeautifulSoup, entries: dict[str, list[Tag]], site_url: str
) -> None:
    """The first time the essay names what an entry explains, the name links to that entry, by a link the
    edition marks as its own (the words stay the author's: tests/test_fidelity.py); the entry links back to
    that paragraph."""
    paragraphs = article.select("article.md-content__inner p[id^='p-']")
    assert paragraphs, "the article has no numbered paragraphs"
    glossary_url = urljoin(site_url, "glossary/")
    for paragraph in paragraphs:
        for link in paragraph.find_all("a", href=True):
            target = urljoin(site_url, link["href"])
            if target.split("#")[0] != glossary_url:
                continue
            assert "glossary-link" in link.get("class", []), f"the essay's link {link} is not marked as editorial"
            assert target.split("#")[-1] in entries, f"the essay links {link.get_text()!r} to {target}: no such entry"
    named = 0
    for key, parts in entries.items():
        heading = normalize(parts[0].get_text())
        mention = first_mention(paragraphs, names_in_heading(heading))
        if mention is None:
            continue
        named += 1
        paragraph, node, name = mention
        link = node.find_parent("a")
        assert (
            link is not None and "glossary-link" in link.get("class", [])
            and urljoin(site_url, link["href"]) == f"{glossary_url}#{key}"
        ), f"the essay first names “{heading}” ({name!r}, #{paragraph['id']}) without a glossary link to #{key}"
        back = [
            a for part in parts[1:] if "glossary-source" not in part.get("class", [])
            for a in part.find_all("a", href=True) if urljoin(glossary_url, a["href"]) == f"{site_url}#{paragraph['id']}"
        ]
        assert back, f"the glossary entry #{key} does not link back to #{paragraph['id']}, where the essay first names it"
    assert named >= len(REQUIRED_ENTRIES), f"the essay names only {named} of the glossary's entries"
