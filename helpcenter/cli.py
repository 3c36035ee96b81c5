"""The command line: `python build.py [build|check|serve|new|translations|i18n] …`.

Every command reports problems as `path:line: what is wrong (how to fix)` on stderr and
exits non-zero on errors; none prints a Python traceback for bad input.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from babel import Locale

from helpcenter.commands import i18n as catalog_update
from helpcenter.commands.new import NewEntry, create, request_problems
from helpcenter.load import catalogs
from helpcenter.load.config import SiteConfig, load_config
from helpcenter.load.content import Entry, load_entries
from helpcenter.load.history import changes_since
from helpcenter.load.policy import PolicyData, load_policies
from helpcenter.load.translation_status import (
    FRESH,
    MISSING,
    ORPHAN,
    STALE,
    Status,
    file_text_hash,
    mark_fresh,
    statuses,
)
from helpcenter.pipeline import build_site, check_site
from helpcenter.problems import BuildFailed, Problem, stop_if_any
from helpcenter.progress import NORMAL, QUIET, VERBOSE, Reporter, summary_table


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    loud = common.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", dest="level", action="store_const", const=QUIET,
                      default=argparse.SUPPRESS, help="print only problems")
    loud.add_argument("-v", "--verbose", dest="level", action="store_const", const=VERBOSE,
                      default=argparse.SUPPRESS, help="also print the time of every stage")
    main = argparse.ArgumentParser(
        prog="build.py", parents=[common],
        description="Build the Milamore help center in every language of site.yaml. Without a "
                    "command, builds the site into public/.")
    main.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    commands = main.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, summary: str, description: str = "") -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=summary,
                                   description=description or summary[0].upper() + summary[1:])

    build = command("build", "build the site into public/ (the default)")
    check = command("check", "check everything the build checks; write nothing",
                    "Check everything the build checks (settings, policies, entries, "
                    "placeholders, translations, links, catalogs) and write nothing. Errors "
                    "fail; warnings (stale translations, values written out instead of "
                    "placeholders) are printed and fail only with --strict.")
    check.add_argument("--strict", action="store_true", help="fail on warnings too (for CI); "
                       "placeholders are listed but do not fail it (see --production)")
    preview = command("serve", "preview the site at http://127.0.0.1:8000/ and rebuild it "
                      "when a file changes")
    preview.add_argument("--port", default="8000",
                         help=f"port to serve on, {_PORTS[0]} to {_PORTS[-1]} (default 8000)")
    preview.add_argument("--host", default="127.0.0.1",
                         help="address to listen on (default 127.0.0.1: this computer only)")
    new = command("new", "start a new question: content/<lang>/SLUG.md in every language")
    new.add_argument("slug", metavar="SLUG", help="file name and web address, such as "
                     "gift-cards (lower-case letters, digits and '-')")
    new.add_argument("--category", required=True, help="a category id from site.yaml")
    new.add_argument("--policy", required=True, action="append", dest="policies",
                     metavar="POLICY", help="the policy the answer explains (from "
                     "content/policies.yaml); repeat for several")
    new.add_argument("--order", type=int, help="position in its category (default: last)")
    translations = command("translations", "show which translations are fresh, stale, "
                           "missing or orphaned", "Show, for every entry, whether its "
                           "translation is fresh (made from the current text in the source "
                           "language, the first language of site.yaml), stale (that text "
                           "changed since), missing or orphaned (no source-language entry). "
                           "For stale ones, show what changed.")
    translations.add_argument("--mark-fresh", nargs="+", metavar="SLUG", default=[],
                              help="record that the translations of SLUG are up to date "
                              "with the source-language text (after updating them)")
    i18n = command("i18n", "extract or update the translation catalogs in locales/")
    i18n.add_argument("action", choices=["extract", "update"],
                      help="extract: write locales/messages.pot; update: merge the theme's "
                      "UI texts into every locales/<lang>/LC_MESSAGES/messages.po")
    for sub in (main, build):
        sub.add_argument("--out", type=Path, help="output folder (default: 'output' in site.yaml)")
        sub.add_argument("--no-cache", dest="use_cache", action="store_false",
                         help="render every page and write every file, without reading or "
                         "updating the build cache (.cache/helpcenter/)")
    for sub in (main, build, check):
        sub.add_argument("--base-url", help="the address the site is published at, e.g. "
                         "https://example.org/helpcenter/ (default: base_url in site.yaml)")
        sub.add_argument("--production", action="store_true", help="the build CI publishes: "
                         "fail while site.yaml holds a `# placeholder` value or the base URL is "
                         "not a real https address")
    return main


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    args = parser().parse_args(argv)
    root = root or args.root or Path(__file__).resolve().parent.parent
    reporter = Reporter(getattr(args, "level", NORMAL))
    command = args.command or "build"
    try:
        return _COMMANDS[command](root, args, reporter)
    except BuildFailed as failed:
        return _report_failure(reporter, failed.problems, command)


def _build(root: Path, args: argparse.Namespace, reporter: Reporter) -> int:
    report = build_site(root, args.out, args.base_url, progress=reporter.stage,
                        production=args.production, use_cache=args.use_cache)
    _print_lines(reporter, report.placeholders)
    reporter.problems(report.warnings)
    title = (f"Nothing changed since the last build: {report.out} is up to date"
             if report.unchanged else f"Built {report.out}")
    reporter.info(summary_table(report.pages_per_language, 0, report.files,
                                len(report.warnings), report.seconds, title))
    return 0


def _check(root: Path, args: argparse.Namespace, reporter: Reporter) -> int:
    started = time.perf_counter()
    sources, site = check_site(root, args.base_url, args.production, reporter.stage)
    reporter.done()
    warnings = site.warnings
    _print_lines(reporter, sources.config.placeholder_notices())
    reporter.problems(warnings)
    if args.strict and warnings:  # placeholders are the shop's to fill in, not mistakes
        return _report_failure(reporter, [], "check --strict", len(warnings))
    per_language = {lang: sum(1 for p in site.pages if p.lang == lang)
                    for lang in sources.config.codes}
    other = sum(1 for p in site.pages if not p.lang)
    reporter.info(summary_table(per_language, other, len(site.files), len(warnings),
                                time.perf_counter() - started, "OK: no errors, nothing written,"))
    return 0


def _print_lines(reporter: Reporter, lines: list[str]) -> None:
    """Placeholder notices: printed by every build and check, even with --quiet."""
    for line in lines:
        print(line, file=reporter.err, flush=True)


_PORTS = range(1, 65536)


def _serve(root: Path, args: argparse.Namespace, reporter: Reporter) -> int:
    # Imported here: the server (livereload, tornado) is a tenth of a build's start-up.
    from helpcenter.preview.server import serve
    return serve(root, args.host, _port(args.port), reporter)


def _port(text: str) -> int:
    """A port someone can open in a browser: 0 (any free port) is refused too, because
    the preview's address must be known before it starts."""
    value = text.strip()
    if not re.fullmatch(r"[0-9]{1,5}", value) or int(value) not in _PORTS:
        raise BuildFailed([Problem("--port", 0, f"'{text}' is not a port number",
                                   f"give a whole number from {_PORTS[0]} to {_PORTS[-1]}, "
                                   "such as --port 8001")])
    return int(value)


def _new(root: Path, args: argparse.Namespace, reporter: Reporter) -> int:
    config, policies = _config_and_policies(root)
    request = NewEntry(args.slug, args.category, tuple(args.policies), args.order)
    stop_if_any(request_problems(config, policies, request))
    entries, _problems = load_entries(config)  # broken entries elsewhere do not matter here
    translations = catalogs.usable_translations(config)  # a broken one: English word forms
    written = create(config, policies, entries, translations, request)
    for path in written:
        reporter.info(f"created {path.relative_to(root)}")
    source, *others = [path.relative_to(root) for path in sorted(
        written, key=lambda path: path.parent.name != config.source_language)]
    reporter.info(f"\nNext: write the question and the answer in {source}"
                  + (f", then translate it in {', '.join(map(str, others))} and run:\n"
                     f"  python build.py translations --mark-fresh {args.slug}" if others else "")
                  + "\nWith `python build.py serve` running, the page is at "
                  f"/{config.source_language}/{args.slug}/.")
    return 0


def _translations(root: Path, args: argparse.Namespace, reporter: Reporter) -> int:
    config = _config(root)
    entries, problems = load_entries(config)
    reporter.problems(problems)
    if args.mark_fresh:
        return _mark_fresh(config, entries, args.mark_fresh, reporter)
    found = statuses(config, entries)
    source_name = Locale.parse(config.source_language).get_display_name("en")
    for status in found:
        if status.state != FRESH or reporter.level >= NORMAL:  # --quiet: only what needs work
            print(_status_line(config, status, source_name))
    counts = {state: sum(1 for s in found if s.state == state)
              for state in (FRESH, STALE, MISSING, ORPHAN)}
    reporter.info(f"{len(found)} translations: " + ", ".join(
        f"{count} {state}" for state, count in counts.items() if count or state == FRESH) + ".")
    if counts[STALE]:
        reporter.info("After updating a stale translation, run: python build.py translations "
                      "--mark-fresh SLUG")
    return 1 if problems else 0


def _status_line(config: SiteConfig, status: Status, source_name: str | None) -> str:
    head = f"{status.state:<8} {status.translation}"
    if status.state == MISSING:
        return f"{head}: not written yet (translate {status.source})"
    if status.state == ORPHAN:
        return (f"{head}: {status.source} does not exist (write it, or delete the "
                "translation)")
    if status.state == FRESH:
        return head
    if not status.recorded:
        return (f"{head}: does not record which version of {status.source} it translates "
                f"(compare them, then mark it fresh)")
    path = config.root / status.source
    text = path.read_text(encoding="utf-8-sig") if path.is_file() else ""
    diff = changes_since(config.root, status.source, status.recorded, text,
                         lambda old: file_text_hash(old, config.source_language))
    if diff is None:
        return (f"{head}: the {source_name} text changed since translation (no earlier "
                "version in git to compare with)")
    return f"{head}: {status.source} changed since translation:\n" + "\n".join(
        f"           {line}" for line in diff)


def _mark_fresh(config: SiteConfig, entries: list[Entry], slugs: list[str],
                reporter: Reporter) -> int:
    problems = []
    for slug in slugs:
        try:
            written = mark_fresh(config, entries, slug)
        except LookupError:
            problems.append(Problem(f"content/{config.source_language}/{slug}.md", 0,
                                    "there is no such entry, or it has problems",
                                    "check the name (python build.py translations lists them) "
                                    "and fix the problems printed above"))
            continue
        if not written:
            problems.append(Problem(f"content/{config.source_language}/{slug}.md", 0,
                                    "this entry has no translation that loads",
                                    "write the translation (or fix its problems) first"))
        for path, version in written:
            reporter.info(f"marked {path} fresh (translated_from: {version})")
    if problems:
        return _report_failure(reporter, problems, "translations --mark-fresh")
    return 0


def _i18n(root: Path, args: argparse.Namespace, reporter: Reporter) -> int:
    config = _config(root)
    if args.action == "extract":
        path, count = catalog_update.extract_template(config)
        reporter.info(f"wrote {path.relative_to(root)} ({count} UI texts)")
        return 0
    written, notes = catalog_update.update_catalogs(config)
    for path in written:
        reporter.info(f"updated {path.relative_to(root)}")
    reporter.problems(notes)
    reporter.info("Translate the new or empty msgstr entries, then run: python build.py check")
    return 0


def _config(root: Path) -> SiteConfig:
    config, problems = load_config(root)
    stop_if_any(problems)
    assert config is not None
    return config


def _config_and_policies(root: Path) -> tuple[SiteConfig, PolicyData]:
    config = _config(root)
    policies, problems = load_policies(root / "content" / "policies.yaml", root, config.codes)
    stop_if_any(problems)
    assert policies is not None
    return config, policies


_COMMANDS = {"build": _build, "check": _check, "serve": _serve, "new": _new,
             "translations": _translations, "i18n": _i18n}


def _report_failure(reporter: Reporter, problems: list[Problem], command: str,
                    warnings: int = 0) -> int:
    reporter.problems(problems)
    count = len(problems) or warnings
    noun = ("warning" if warnings else "problem") + ("" if count == 1 else "s")
    tail = {"build": " The published site was not changed.",
            "i18n": " No catalog was changed."}.get(command, "")
    print(f"\n{command} failed: {count} {noun}.{tail}", file=reporter.err)
    return 1
