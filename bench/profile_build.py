"""Profile one build of a site with cProfile: the top functions by cumulative and own time.

    .venv/bin/python bench/profile_build.py /tmp/s100            # a folder from make_site.py
    .venv/bin/python bench/profile_build.py /tmp/s100 --top 40

The build bounds the time of Markdown and YAML with a profile hook (`limits.time_limit`),
and Python has one profile hook per thread: cProfile's. So this script runs the build with
that bound switched off; the figures leave out the hook's own cost (measure it with
`compare_hugo.py`, which runs the real command line). The output goes to a temporary folder
on /dev/shm when there is one.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpcenter.load import yamlfile  # noqa: E402
from helpcenter.pipeline import build_site  # noqa: E402
from helpcenter.render import markdown_body  # noqa: E402


@contextlib.contextmanager
def _unbounded(_seconds: float, _what: str, _fix: str) -> Iterator[None]:
    yield


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("site", type=Path, help="a site folder (site.yaml, content/, ...)")
    args.add_argument("--top", type=int, default=25, help="how many functions to list")
    args.add_argument("--save", type=Path, help="also save the raw profile here")
    options = args.parse_args()
    markdown_body.time_limit = _unbounded  # type: ignore[assignment]
    yamlfile.time_limit = _unbounded  # type: ignore[assignment]
    scratch = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        profile = cProfile.Profile()
        profile.runcall(build_site, options.site.resolve(), Path(folder) / "public")
    if options.save:
        profile.dump_stats(options.save)
    stats = pstats.Stats(profile)
    for order in ("cumulative", "tottime"):
        print(f"\n=== top {options.top} by {order} ===")
        stats.sort_stats(order).print_stats(options.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
