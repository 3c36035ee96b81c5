"""Generate a large copy of the help center for timing: the real site plus N entries per language.

    .venv/bin/python bench/make_site.py /tmp/big --entries 1000

Copies site.yaml, content/, theme/ and locales/ from the project, then adds generated
entries (content/ja/bench-0001.md, content/en/bench-0001.md, ...) until each language
has N entries. Generated entries look like real ones: headings, lists, placeholders,
links to other entries, and a `translated_from` hash so translations start fresh.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from helpcenter.load.translation_status import file_text_hash  # noqa: E402

PARTS = ("site.yaml", "content", "theme", "locales")
CATEGORIES = ("shipping", "payment", "orders", "returns", "aftercare")
POLICIES = ("shipping", "payment", "dispatch", "returns", "aftercare")

FEE = "{{{{ policy.shipping.domestic.fee | money }}}}"
DISPATCH = "{{{{ policy.dispatch.in_stock_business_days | business_days }}}}"
WINDOW = "{{{{ policy.returns.window_days | days }}}}"
CONTACT = "{{{{ contact }}}}"

JA_BODY = f"""\
ご質問{{n}}番についてのご案内です。日本国内への送料は、全国一律{FEE}です。

## 詳しいご案内

- 在庫のある商品は、{DISPATCH}以内に発送いたします。
- 返品・交換は、商品到着から{WINDOW}以内にご連絡ください。
- 関連するご質問は[こちら]({{link}}.md)をご覧ください。

ご不明な点は{CONTACT}までお問い合わせください。
"""

EN_BODY = f"""\
This is answer number {{n}}. Shipping to any address in Japan is a flat {FEE}.

## More details

- In-stock items ship within {DISPATCH}.
- Please contact us within {WINDOW} of arrival for returns.
- See [this related question]({{link}}.md) too.

If anything is unclear, write to {CONTACT}.
"""


def copy_project(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target / part)


def entry_text(lang: str, n: int, total: int, translated_from: str = "") -> str:
    slug_link = f"bench-{(n % total) + 1:04d}"
    title = f"ご質問その{n}について教えてください。" if lang == "ja" else f"Question number {n}?"
    body = (JA_BODY if lang == "ja" else EN_BODY).format(n=n, link=slug_link)
    extra = f"translated_from: {translated_from}\n" if translated_from else ""
    return (f"---\ntitle: {title}\ncategory: {CATEGORIES[n % len(CATEGORIES)]}\n"
            f"policy: {POLICIES[n % len(POLICIES)]}\norder: {100 + n}\n{extra}---\n{body}")


def make_site(target: Path, entries: int) -> int:
    """The real site plus generated entries up to `entries` per language; returns how many."""
    copy_project(target)
    existing = len(list((target / "content" / "ja").glob("*.md")))
    generated = max(entries - existing, 0)
    for n in range(1, generated + 1):
        ja = entry_text("ja", n, generated)
        (target / "content" / "ja" / f"bench-{n:04d}.md").write_text(ja, encoding="utf-8")
        en = entry_text("en", n, generated, file_text_hash(ja, "ja") or "")
        (target / "content" / "en" / f"bench-{n:04d}.md").write_text(en, encoding="utf-8")
    return generated


def main() -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("target", type=Path, help="folder to create (must not exist)")
    args.add_argument("--entries", type=int, default=1000, help="entries per language")
    options = args.parse_args()
    if options.target.exists():
        print(f"{options.target} exists; choose a new folder", file=sys.stderr)
        return 1
    made = make_site(options.target, options.entries)
    print(f"{options.target}: {made} generated entries per language")
    return 0


if __name__ == "__main__":
    sys.exit(main())
