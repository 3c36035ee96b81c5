"""The tests' build server (tests/build_server.py) is only a faster way to start
`python build.py`: what a test sees through it is what the command itself gives."""

from __future__ import annotations

import subprocess
import sys

from conftest import BUILD_TIMEOUT, ROOT, Run, Site


def _directly(site: Site, *args: str) -> Run:
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(site.root),
                           *args], capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    return Run(done.returncode, done.stdout, done.stderr)


def test_a_run_through_the_server_gives_the_commands_exit_code_and_messages(
        sample_site: Site) -> None:
    sample_site.write("content/en/broken.md", "---\ntitle: [unclosed\n---\nText\n")
    sample_site.replace("site.yaml", "languages:", "langauges:")
    for args in (["check"], ["build", "--quiet"], ["--help"], ["no-such-command"],
                 ["new", "Bad Name"]):
        served = sample_site.run(*args)
        assert served == _directly(sample_site, *args), args
        assert served.stderr or served.stdout, args


def test_a_successful_build_through_the_server_writes_what_the_command_writes(
        sample_site: Site) -> None:
    served = sample_site.run("build", "--quiet")
    assert served.code == 0, served.stderr
    assert "".join(served.problems) == ""
    direct = _directly(sample_site, "build", "--quiet", "--out", str(sample_site.root / "direct"))
    assert (direct.code, direct.stdout, direct.stderr) == (0, served.stdout, served.stderr)
    assert sorted(p.relative_to(sample_site.out).as_posix() for p in sample_site.out.rglob("*")) \
        == sorted(p.relative_to(sample_site.root / "direct").as_posix()
                  for p in (sample_site.root / "direct").rglob("*"))
