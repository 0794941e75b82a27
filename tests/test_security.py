"""Every page carries a strict Content-Security-Policy and referrer policy, and loads nothing third-party.

The CSP allows the theme's inline scripts by their sha256 hash (listed in mkdocs.yml, extra.csp).
These tests recompute the hashes from the built pages, so a theme upgrade that changes an inline
script fails here, with the new hash to paste, instead of silently breaking the site in browsers.
"""

from __future__ import annotations

import base64
import hashlib
import os
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from helpers import SITE_PAGES, AddressSite, mkdocs_env_default

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
    csp = mkdocs_env_default("extra")["csp"]
    return {f"'{value}'" for value in csp["zensical_script_hashes" if builder == "zensical" else "script_hashes"]}


# scripts/zensical-check runs these tests on Zensical's output with TEST_SITE_BUILDER=zensical.
BUILDER = os.environ.get("TEST_SITE_BUILDER", "mkdocs")


def sha256_source(script: str) -> str:
    return HASH_PREFIX + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


@pytest.mark.parametrize("page", SITE_PAGES)
def test_csp_is_strict_and_first_and_the_referrer_policy_is_no_referrer(
    html_pages: dict[str, BeautifulSoup], page: str
) -> None:
    soup = html_pages[page]
    directives = csp_directives(soup)
    fixed = {"default-src": "'self'", "object-src": "'none'", "base-uri": "'self'", "form-action": "'self'"}
    for name, expected in fixed.items():
        assert directives.get(name) == [expected], f"{page}: {name} is {directives.get(name)}, not {expected}"
    script_src = directives.get("script-src", [])
    others = [source for source in script_src[1:] if not source.startswith(HASH_PREFIX)]
    assert script_src[:1] == ["'self'"] and not others, f"{page}: script-src allows more than 'self' and hashes: {script_src}"
    for name, sources in directives.items():
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, f"{page}: {name} is not strict: {sources}"
        hosts = [source for source in sources if not source.startswith("'") and source != "data:"]
        assert not hosts, f"{page}: {name} names hosts or schemes {hosts}; nothing third-party is allowed"
    # A CSP <meta> applies only to elements parsed after it.
    meta = csp_meta(soup)
    earlier = [element.name for element in meta.find_all_previous(["script", "style", "link", "img", "iframe"])]
    assert meta.parent.name == "head" and not earlier, f"{page}: elements before the CSP <meta> escape it: {earlier}"
    referrer = soup.find("meta", attrs={"name": "referrer"})
    assert referrer is not None and referrer["content"] == "no-referrer", f"{page}: referrer policy {referrer}"


@pytest.mark.parametrize("page", SITE_PAGES)
def test_nothing_inline_is_blocked_by_the_csp(html_pages: dict[str, BeautifulSoup], page: str) -> None:
    soup = html_pages[page]
    allowed = set(csp_directives(soup)["script-src"])
    missing = [
        f"  - {sha256_source(script)[1:-1]}   # {script[:70]!r}…"
        for script in executable_inline_scripts(soup)
        if sha256_source(script) not in allowed
    ]
    assert not missing, (
        f"{page}: inline scripts the CSP would block (theme upgrade?); check them, then list their hashes "
        "in mkdocs.yml under extra.csp.script_hashes:\n" + "\n".join(missing)
    )
    blocked = {
        "inline event handlers": sorted({a for el in soup.find_all(True) for a in el.attrs if a.lower().startswith("on")}),
        "javascript: URLs": [el["href"] for el in soup.find_all(href=True) if el["href"].lower().startswith("javascript:")],
        # style-src has no 'unsafe-inline'
        "style attributes": [el.name for el in soup.find_all(style=True)],
        "<style> elements": [str(el)[:60] for el in soup.find_all("style")],
    }
    assert not any(blocked.values()), f"{page}: the CSP blocks these: { {k: v for k, v in blocked.items() if v} }"


def test_no_hash_is_allowed_for_a_script_that_no_longer_exists(html_pages: dict[str, BeautifulSoup]) -> None:
    used = {sha256_source(script) for soup in html_pages.values() for script in executable_inline_scripts(soup)}
    listed = configured_hashes(BUILDER)
    assert listed, f"mkdocs.yml lists no script hashes for {BUILDER}"
    assert listed <= used, f"stale hashes for {BUILDER} in mkdocs.yml extra.csp: {sorted(listed - used)}"


@pytest.mark.parametrize("page", SITE_PAGES)
def test_nothing_is_loaded_from_another_host(html_pages: dict[str, BeautifulSoup], page: str) -> None:
    soup = html_pages[page]
    loaded = [el.get("src") for el in soup.find_all(src=True)]
    loaded += [el.get("href") for el in soup.find_all("link") if el.get("rel") not in (["canonical"], ["prev"], ["next"])]
    foreign = [url for url in loaded if urlsplit(str(url)).netloc or str(url).startswith("//")]
    assert not foreign, f"{page} loads resources from other hosts (web fonts?): {foreign}"


def test_inline_scripts_do_not_depend_on_the_deploy_address(
    address_site: AddressSite, html_pages: dict[str, BeautifulSoup]
) -> None:
    # The publish workflow builds for the repository's own Pages address; the hashes must still hold there.
    for page in SITE_PAGES:
        here = {sha256_source(script) for script in executable_inline_scripts(html_pages[page])}
        there = {sha256_source(script) for script in executable_inline_scripts(address_site.pages[page])}
        assert there == here, (
            f"{page}: inline scripts change with the address ({address_site.address.site_url}), "
            "so the CSP hashes would not match there"
        )
