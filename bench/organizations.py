"""Benchmark (not a test): what the 団体情報バンク costs on a large corpus.

    .venv/bin/python bench/organizations.py              # 1,000 cases, 200 organisations
    .venv/bin/python bench/organizations.py 10000 500

Generates N cases with /work/shared/corpus/gen_corpus.py (--format content),
gives every case three organisation names (a registered name or alias, a
near-duplicate spelling of one, an unregistered name), writes K organisation
files, and times load + validate + views (``check``) and a build without the
search index, with and without the organizations/ folder.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kyodo.commands.build import build  # noqa: E402
from kyodo.commands.check import validate  # noqa: E402

GEN = Path(os.environ.get("KYODO_CORPUS_GEN", "/work/shared/corpus/gen_corpus.py"))
KINDS = ["NPO法人", "町会・自治会", "任意団体", "事業者・事業者団体", "公益法人・公益団体", "教育・研究機関"]
WORDS = "あおば わかば さくら みどり かわべ ひかり もりの つばさ ほしぞら なかま".split()
TAILS = "の会 ネット クラブ 協議会 サポート 研究会 ひろば 支援センター".split()


def org_name(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]}{WORDS[(i // len(WORDS)) % len(WORDS)]}{TAILS[i % len(TAILS)]}{i}"


def make(n: int, k: int, folder: Path) -> None:
    subprocess.run([sys.executable, str(GEN), str(n), str(folder), "--format", "content"], check=True,
                   stdout=subprocess.DEVNULL)
    rng = random.Random(14)
    orgs = folder / "organizations"
    orgs.mkdir()
    for i in range(k):
        (orgs / f"org-{i}.md").write_text(
            f"---\nname: NPO法人 {org_name(i)}\nkind: {KINDS[i % len(KINDS)]}\naliases: [{org_name(i)}]\n"
            f"summary: ベンチマーク用の団体 {i} です。\n---\n\n活動内容です。\n", encoding="utf-8")
    for path in sorted((folder / "cases").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        a, b = rng.randrange(k), rng.randrange(k)
        near = org_name(b).replace("の会", "の集い") if "の会" in org_name(b) else org_name(b) + "グループ"
        names = f"organizations: [{org_name(a)}, {near}, 未登録の団体{rng.randrange(n)}]"
        text = re.sub(r"^organizations:.*$", "", text, flags=re.M)
        path.write_text(text.replace("\n---\n", f"\n{names}\n---\n", 1), encoding="utf-8")


def timed(label: str, fn) -> float:
    t = time.perf_counter()
    result = fn()
    s = time.perf_counter() - t
    print(f"  {label}: {s:.2f} s", flush=True)
    return result


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 1000
    k = int(argv[1]) if len(argv) > 1 else 200
    with tempfile.TemporaryDirectory(prefix="kyodo-bench-orgs-") as tmp:
        content = Path(tmp) / "content"
        make(n, k, content)
        for label in (f"{n} cases, {k} organisations", f"{n} cases, no organizations/ folder"):
            print(label)
            view = timed("check (load, validate, views)", lambda: validate(content))
            if view.bank:
                print(f"  near-duplicate notices: {len(view.content.organizations.notices)}")
            timed("build --no-search", lambda: build(content, Path(tmp) / "site", with_search=False))
            shutil.rmtree(content / "organizations", ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
