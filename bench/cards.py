"""Benchmark (not a test): what share cards cost a build.

    python3 bench/cards.py                # 1,000 cases
    python3 bench/cards.py 1000 10000
    python3 bench/cards.py 10000 --no-build   # the card step only

For each size, on a generated corpus (/work/shared/corpus/gen_corpus.py
--format content) with ``cards: cases: true`` added to its site.yml, the card
step of the build (kyodo/post/cards.write_cards) is timed on its own:
  cold     — empty card cache: every card is drawn (on all cores)
  warm     — again: every card comes from the cache
  one case — one case's title changed: one card redrawn
with the CPU milliseconds one card takes to draw, the number and size of the
cards, and, for scale, the whole build (no search index, cache warm).
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kyodo.commands.build import build  # noqa: E402
from kyodo.commands.check import validate  # noqa: E402
from kyodo.parallel import workers  # noqa: E402
from kyodo.post import cards as cards_mod  # noqa: E402
from kyodo.views.sources import plan  # noqa: E402
from kyodo.write.output import Staging  # noqa: E402

GEN = Path(os.environ.get("KYODO_CORPUS_GEN", "/work/shared/corpus/gen_corpus.py"))


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def measure(n: int, tmp: Path, whole_build: bool = True) -> None:
    content = tmp / f"c{n}"
    subprocess.run([sys.executable, str(GEN), str(n), str(content), "--format", "content"],
                   check=True, capture_output=True)
    site_yml = content / "site.yml"
    site_yml.write_text(site_yml.read_text(encoding="utf-8") + "\ncards:\n  cases: true\n", encoding="utf-8")
    os.environ["KYODO_CACHE"] = str(tmp / f"cache{n}")
    view = validate(content)
    pages = plan(view).pages
    all_cards = [p.card for p in pages if p.card is not None]
    out = tmp / f"out{n}"
    staging = Staging(out)
    with staging:
        cold = timed(lambda: cards_mod.write_cards(all_cards, view.site, content, staging))
        warm = timed(lambda: cards_mod.write_cards(all_cards, view.site, content, staging))
        i = next(k for k, c in enumerate(all_cards) if c.path.startswith("cards/cases/"))
        changed = list(all_cards)
        changed[i] = dataclasses.replace(changed[i], title="改題 " + changed[i].title)
        one = timed(lambda: cards_mod.write_cards(changed, view.site, content, staging))
        files = list((staging.dir / "cards").rglob("*.png"))
        size = sum(p.stat().st_size for p in files)
        staging.abort()
    t0 = time.process_time()
    for k in range(20):
        cards_mod.draw("協働事例｜令和6年度（2024年度）", f"{k} " + all_cards[0].title, "協働の主体: NPO法人、区民",
                       view.site.title, view.site.organization)
    cpu = (time.process_time() - t0) / 20 * 1000
    whole = f" | whole build (cards cached) {timed(lambda: build(content, out, with_search=False)):6.1f} s" \
        if whole_build else ""
    print(f"{n:>6} cases: {len(files):,} cards ({size / 1e6:.1f} MB) | card step: cold {cold:6.1f} s, "
          f"warm {warm:5.1f} s, one case changed {one:5.1f} s | {cpu:.0f} ms CPU per card, {workers()} cores"
          f"{whole}", flush=True)


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv if a.isdigit()] or [1000]
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            measure(n, Path(tmp), "--no-build" not in argv)


if __name__ == "__main__":
    main(sys.argv[1:])
