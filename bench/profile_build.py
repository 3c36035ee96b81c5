"""Profile one build of a site with cProfile: the top functions by cumulative and own time.

    .venv/bin/python bench/profile_build.py /tmp/s100            # a folder from make_site.py
    .venv/bin/python bench/profile_build.py /tmp/s100 --top 40

The build runs in this one process (parallel rendering and the search index's Pagefind
are in other processes, which cProfile does not see: time them with `compare_hugo.py`).
The output goes to a temporary folder on /dev/shm when there is one.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpcenter.pipeline import build_site  # noqa: E402


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("site", type=Path, help="a site folder (site.yaml, content/, ...)")
    args.add_argument("--top", type=int, default=25, help="how many functions to list")
    args.add_argument("--save", type=Path, help="also save the raw profile here")
    options = args.parse_args()
    scratch = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        profile = cProfile.Profile()
        profile.runcall(build_site, options.site.resolve(), Path(folder) / "public",
                        use_cache=False)
    if options.save:
        profile.dump_stats(options.save)
    stats = pstats.Stats(profile)
    for order in ("cumulative", "tottime"):
        print(f"\n=== top {options.top} by {order} ===")
        stats.sort_stats(order).print_stats(options.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
