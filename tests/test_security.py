"""Every page carries a strict Content-Security-Policy and referrer policy, and loads nothing third-party.

The CSP allows the theme's inline scripts by their sha256 hash (listed in mkdocs.yml, extra.csp).
These tests recompute the hashes from the built pages, so a theme upgrade that changes an inline
script fails here, with the new hash to paste, instead of silently breaking the site in browsers.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

import yaml

from helpers import PROJECT_ROOT, SITE_PAGES, run_build

# Types under which a browser executes a <script>; anything else (JSON, JSON-LD) is data.
JAVASCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}
HASH_PREFIX = "'sha256-"


def csp_meta(soup: BeautifulSoup) -> Tag | None:
    return soup.find("meta", attrs={"http-equiv": lambda value: (value or "").lower() == "content-security-policy"})


def csp_directives(soup: BeautifulSoup) -> dict[str, list[str]]:
    meta = csp_meta(soup)
    assert meta is not None, "no <meta http-equiv=Content-Security-Policy>"
    directives: dict[str, list[str]] = {}
    for part in str(meta["content"]).split(";"):
        name, *sources = part.split()
        assert name not in directives, f"directive {name} given twice (browsers keep only the first)"
        directives[name] = sources
    return directives


def executable_inline_scripts(soup: BeautifulSoup) -> list[str]:
    return [
        script.string or ""
        for script in soup.find_all("script")
        if not script.has_attr("src") and script.get("type", "").strip().lower() in JAVASCRIPT_TYPES
    ]


def configured_hashes(builder: str) -> set[str]:
    """The hashes mkdocs.yml lists for one builder's theme scripts, as CSP sources."""
    loader = type("ConfigLoader", (yaml.SafeLoader,), {})
    loader.add_constructor("!ENV", lambda _loader, node: None)
    csp = yaml.load((PROJECT_ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=loader)["extra"]["csp"]
    key = "zensical_script_hashes" if builder == "zensical" else "script_hashes"
    return {f"'{value}'" for value in csp[key]}


# scripts/zensical-check runs these tests on Zensical's output with TEST_SITE_BUILDER=zensical.
BUILDER = os.environ.get("TEST_SITE_BUILDER", "mkdocs")


def sha256_source(script: str) -> str:
    return HASH_PREFIX + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def test_the_page_list_matches_the_build(html_pages: dict[str, BeautifulSoup]) -> None:
    assert sorted(html_pages) == SITE_PAGES, "tests/helpers.py SITE_PAGES no longer predicts the built pages"


@pytest.mark.parametrize("page", SITE_PAGES)
def test_csp_is_strict(html_pages: dict[str, BeautifulSoup], page: str) -> None:
    directives = csp_directives(html_pages[page])
    assert directives.get("default-src") == ["'self'"]
    assert directives.get("object-src") == ["'none'"]
    assert directives.get("base-uri") == ["'self'"]
    assert directives.get("form-action") == ["'self'"]
    script_src = directives.get("script-src", [])
    assert script_src[:1] == ["'self'"], f"script-src must start with 'self': {script_src}"
    others = [source for source in script_src[1:] if not source.startswith(HASH_PREFIX)]
    assert not others, f"script-src allows more than 'self' and hashes: {others}"
    for name, sources in directives.items():
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, f"{name} is not strict: {sources}"
        hosts = [source for source in sources if not source.startswith("'") and source != "data:"]
        assert not hosts, f"{name} names hosts or schemes: {hosts}; nothing third-party is allowed"


@pytest.mark.parametrize("page", SITE_PAGES)
def test_csp_precedes_everything_it_governs(html_pages: dict[str, BeautifulSoup], page: str) -> None:
    # A CSP <meta> applies only to elements parsed after it.
    meta = csp_meta(html_pages[page])
    assert meta is not None and meta.parent is not None and meta.parent.name == "head"
    earlier = [element.name for element in meta.find_all_previous(["script", "style", "link", "img", "iframe"])]
    assert not earlier, f"elements before the CSP <meta> escape it: {earlier}"


@pytest.mark.parametrize("page", SITE_PAGES)
def test_referrer_policy_is_strict(html_pages: dict[str, BeautifulSoup], page: str) -> None:
    referrer = html_pages[page].find("meta", attrs={"name": "referrer"})
    assert referrer is not None and referrer["content"] == "no-referrer", f"referrer policy: {referrer}"


@pytest.mark.parametrize("page", SITE_PAGES)
def test_every_inline_script_is_allowed_by_its_hash(html_pages: dict[str, BeautifulSoup], page: str) -> None:
    soup = html_pages[page]
    allowed = set(csp_directives(soup)["script-src"])
    missing = [
        f"  - {sha256_source(script)[1:-1]}   # {script[:70]!r}…"
        for script in executable_inline_scripts(soup)
        if sha256_source(script) not in allowed
    ]
    assert not missing, (
        "inline scripts the CSP would block (theme upgrade?); check them, then list their hashes "
        "in mkdocs.yml under extra.csp.script_hashes:\n" + "\n".join(missing)
    )


def test_no_hash_is_allowed_for_a_script_that_no_longer_exists(html_pages: dict[str, BeautifulSoup]) -> None:
    used = {sha256_source(script) for soup in html_pages.values() for script in executable_inline_scripts(soup)}
    listed = configured_hashes(BUILDER)
    assert listed, f"mkdocs.yml lists no script hashes for {BUILDER}"
    assert listed <= used, f"stale hashes for {BUILDER} in mkdocs.yml extra.csp: {sorted(listed - used)}"


@pytest.mark.parametrize("page", SITE_PAGES)
def test_no_inline_handlers_or_styles_the_csp_would_block(html_pages: dict[str, BeautifulSoup], page: str) -> None:
    soup = html_pages[page]
    handlers = sorted({attr for el in soup.find_all(True) for attr in el.attrs if attr.lower().startswith("on")})
    javascript_urls = [el["href"] for el in soup.find_all(href=True) if str(el["href"]).lower().startswith("javascript:")]
    style_attributes = [el.name for el in soup.find_all(style=True)]
    style_elements = soup.find_all("style")
    assert not handlers, f"inline event handlers (blocked by the CSP): {handlers}"
    assert not javascript_urls, f"javascript: URLs (blocked by the CSP): {javascript_urls}"
    assert not style_attributes, f"style attributes on {style_attributes} (blocked: style-src has no 'unsafe-inline')"
    assert not style_elements, "<style> elements (blocked: style-src has no 'unsafe-inline')"


@pytest.mark.parametrize("page", SITE_PAGES)
def test_nothing_is_loaded_from_another_host(html_pages: dict[str, BeautifulSoup], page: str) -> None:
    soup = html_pages[page]
    loaded = [el.get("src") for el in soup.find_all(src=True)]
    loaded += [el.get("href") for el in soup.find_all("link") if el.get("rel") not in (["canonical"], ["prev"], ["next"])]
    foreign = [url for url in loaded if urlsplit(str(url)).netloc or str(url).startswith("//")]
    assert not foreign, f"resources from other hosts: {foreign}"


def test_inline_scripts_do_not_depend_on_the_deploy_address(tmp_path: Path, html_pages: dict[str, BeautifulSoup]) -> None:
    # The publish workflow builds for the repository's own Pages address; the hashes must still hold there.
    result = run_build(PROJECT_ROOT, tmp_path / "site", env={"SITE_URL": "https://someone-else.github.io/a-fork/"})
    assert result.returncode == 0, result.stderr
    for page in SITE_PAGES:
        elsewhere = BeautifulSoup((tmp_path / "site" / page).read_text(encoding="utf-8"), "lxml")
        here = {sha256_source(script) for script in executable_inline_scripts(html_pages[page])}
        there = {sha256_source(script) for script in executable_inline_scripts(elsewhere)}
        assert there == here, f"{page}: inline scripts change with SITE_URL, so the CSP hashes would not match"
