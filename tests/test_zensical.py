"""The site still builds with Zensical, Material's successor, and keeps the author's text intact there."""

from __future__ import annotations

import subprocess

import pytest

from helpers import PROJECT_ROOT


@pytest.mark.slow  # a build with Zensical, in its own virtual environment
@pytest.mark.builds
def test_zensical_build_passes_the_fidelity_tests() -> None:
    # scripts/zensical-check is also the command to run by hand; it installs
    # Zensical in .venv-zensical, builds a copy of the sources and runs
    # tests/test_fidelity.py and tests/test_security.py against that output.
    result = subprocess.run(
        ["bash", str(PROJECT_ROOT / "scripts" / "zensical-check"), "-q"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"the Zensical build or its fidelity tests failed:\n{result.stdout}\n{result.stderr}"
    assert " passed" in result.stdout and "failed" not in result.stdout, f"no fidelity test ran:\n{result.stdout}"
