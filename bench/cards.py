"""Benchmark (not a test): what share cards cost a build.

    python bench/cards.py                # 1,000 cases
    python bench/cards.py 1000 10000

For each size, on a generated corpus (/work/shared/corpus/gen_corpus.py
--format content, with ``cards: cases: true`` added to its site.yml), builds
without the search index and prints seconds for:
  cold     — empty card cache: every card is drawn (on all cores)
  warm     — the same build again: every card comes from the cache
  one case — one case's title changed: one card redrawn
and the number and total size of the cards, and the time without cards
(the per-case setting off and the cache warm: only the page-type cards).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kyodo.commands.build import build  # noqa: E402

GEN = Path(os.environ.get("KYODO_CORPUS_GEN", "/work/shared/corpus/gen_corpus.py"))


def timed(content: Path, out: Path) -> float:
    t0 = time.perf_counter()
    build(content, out, with_search=False)
    return time.perf_counter() - t0


def measure(n: int, tmp: Path) -> None:
    content = tmp / f"c{n}"
    subprocess.run([sys.executable, str(GEN), str(n), str(content), "--format", "content"],
                   check=True, capture_output=True)
    site = content / "site.yml"
    plain = site.read_text(encoding="utf-8")
    os.environ["KYODO_CACHE"] = str(tmp / f"cache{n}")
    out = tmp / f"out{n}"
    site.write_text(plain, encoding="utf-8")
    off_cold = timed(content, out)
    site.write_text(plain + "\ncards:\n  cases: true\n", encoding="utf-8")
    cold = timed(content, out)
    warm = timed(content, out)
    case = sorted((content / "cases").glob("*.md"))[0]
    case.write_text(case.read_text(encoding="utf-8").replace("title: ", "title: 改題 ", 1), encoding="utf-8")
    one = timed(content, out)
    cards = list((out / "cards").rglob("*.png"))
    size = sum(p.stat().st_size for p in cards)
    print(f"{n:>6} cases: per-case cards off {off_cold:6.1f} s | on: cold {cold:6.1f} s, warm {warm:6.1f} s, "
          f"one case changed {one:6.1f} s | {len(cards):,} cards, {size / 1e6:.1f} MB")


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1000]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            measure(n, Path(tmp))


if __name__ == "__main__":
    main(sys.argv[1:])
