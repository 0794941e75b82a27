"""Rules that keep the test suite readable: a test module imports no other test module (what they share is
in tests/helpers.py, fixtures in tests/conftest.py), and no test sleeps a fixed time to wait for a page."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# Where tests share code; a test module may import these, and nothing else from tests/.
SHARED = {"helpers", "engines"}
# Fixed waits: a test waits for the condition it needs (Playwright's wait_for_function, expect(),
# a locator's wait_for, engines.Engine.wait_for) instead.
FIXED_WAITS = {"wait_for_timeout", "sleep"}


def local_imports(source: str) -> list[str]:
    """The modules of tests/ (other than the shared ones) that a module's source imports, as written."""
    local = {path.stem for path in TESTS.glob("*.py")} | {"conftest"}
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            module = parts[1] if parts[0] == "tests" and len(parts) > 1 else parts[0]
            if (module in local or module.startswith("test_")) and module not in SHARED:
                found.append(name)
    return found


def fixed_waits(source: str) -> list[int]:
    """Lines that call sleep(...) or wait_for_timeout(...), whatever the object."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) in FIXED_WAITS
    ]


def in_every_test_module(find: Callable[[str], list]) -> list[str]:
    """What `find` reports in each tests/test_*.py, named by its file."""
    modules = sorted(TESTS.glob("test_*.py"))
    return [f"{path.name}: {found}" for path in modules for found in find(path.read_text(encoding="utf-8"))]


def test_no_test_module_imports_another_or_conftest() -> None:
    offenders = in_every_test_module(local_imports)
    assert not offenders, (
        "move what test modules share into tests/helpers.py (fixtures into tests/conftest.py) and import it "
        "from there; these import another module of tests/:\n" + "\n".join(offenders)
    )


def test_no_test_sleeps_a_fixed_time() -> None:
    offenders = in_every_test_module(fixed_waits)
    assert not offenders, "fixed waits (at these lines); wait for the condition instead:\n" + "\n".join(offenders)


def test_the_rules_see_what_they_forbid() -> None:
    source = (
        "import test_pdf\nfrom test_links import resolve\nfrom tests.test_reader import abbreviations\n"
        "from conftest import FACTS\nimport tests.test_epub\nfrom helpers import FACTS\nfrom engines import Engine\n"
        "import json\n"
    )
    assert local_imports(source) == ["test_pdf", "test_links", "tests.test_reader", "conftest", "tests.test_epub"]
    assert fixed_waits("page.wait_for_timeout(300)\ntime.sleep(1)\nsleep(2)\npage.wait_for_function('x')\n") == [1, 2, 3]
