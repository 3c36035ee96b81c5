"""The command line: `python build.py [build|check|serve|...]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .catalogs import update_catalogs
from .config import load_config
from .pipeline import build_site, check_site
from .problems import BuildFailed
from .serve import serve


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="build.py", description="Build the Milamore help center (Japanese and English).")
    main.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    commands = main.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser("build", help="build the site into public/ (the default)")
    check = commands.add_parser("check", help="check everything the build checks; write nothing")
    serve = commands.add_parser("serve", help="preview the site at http://127.0.0.1:8000/ and "
                                "rebuild it when a file changes")
    serve.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this computer only)")
    i18n = commands.add_parser("i18n", help="update the translation catalogs in locales/")
    i18n.add_argument("action", choices=["update"],
                      help="update: collect the theme's UI texts into every catalog")
    for sub in (main, build):
        sub.add_argument("--out", type=Path, help="output folder (default: 'output' in site.yaml)")
    for sub in (main, build, check):
        sub.add_argument("--base-url", help="the address the site is published at, e.g. "
                         "https://example.org/helpcenter/ (default: base_url in site.yaml)")
    return main


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    args = parser().parse_args(argv)
    root = root or args.root or Path(__file__).resolve().parent.parent
    try:
        if args.command == "serve":
            return serve(root, args.host, args.port)
        if args.command == "i18n":
            return _update_catalogs(root)
        if args.command == "check":
            site = check_site(root, args.base_url)
            print(f"OK: no problems found ({sum(1 for p in site.pages if p.lang)} pages checked).")
            return 0
        report = build_site(root, args.out, args.base_url)
    except BuildFailed as failed:
        return _report_failure(failed, args.command or "build")
    pages = ", ".join(f"{lang} {count}" for lang, count in report.pages_per_language.items())
    print(f"Built {report.out} in {report.seconds:.2f} s: pages {pages}; "
          f"{report.files} files in all.")
    return 0


def _update_catalogs(root: Path) -> int:
    config, problems = load_config(root)
    if config is None:
        raise BuildFailed(problems)
    for path in update_catalogs(config):
        print(f"updated {path.relative_to(root)}")
    print("Translate the new or empty msgstr entries, then run: python build.py check")
    return 0


def _report_failure(failed: BuildFailed, command: str) -> int:
    for problem in failed.problems:
        print(problem, file=sys.stderr)
    count = len(failed.problems)
    noun = "problem" if count == 1 else "problems"
    tail = "" if command == "check" else " The published site was not changed."
    print(f"\n{command} failed: {count} {noun}.{tail}", file=sys.stderr)
    return 1
