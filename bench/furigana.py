"""Benchmark (not a test): what the ふりがな pages add to a build.

    python3 bench/furigana.py            # 1,000 cases
    python3 bench/furigana.py 1000 10000

For each size, on a corpus from /work/shared/corpus/gen_corpus.py (--format
content) with the sample's readings.yml: a build without search with
``furigana: false``, then ``furigana: true`` with an empty cache (every case
analysed), then again with the cache filled (no case analysed), then after
editing one case. Prints wall seconds, the extra over the build without
ruby pages, and the seconds of the ふりがな step itself (the rest of the extra
is writing, swapping in and deleting twice as many files).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kyodo.commands import build as build_command  # noqa: E402
from kyodo.commands.build import build  # noqa: E402

STEP = {"seconds": 0.0}
_write = build_command.furigana.write


def _timed_write(*args, **kwargs):
    """The ふりがな step alone (reading pages back, analysing, writing furigana/)."""
    t = time.perf_counter()
    try:
        return _write(*args, **kwargs)
    finally:
        STEP["seconds"] = time.perf_counter() - t


build_command.furigana.write = _timed_write

GEN = Path(os.environ.get("KYODO_CORPUS_GEN", "/work/shared/corpus/gen_corpus.py"))


def _set(content: Path, on: bool) -> None:
    site = content / "site.yml"
    lines = [ln for ln in site.read_text(encoding="utf-8").splitlines() if not ln.startswith("furigana:")]
    site.write_text("\n".join(lines + [f"furigana: {'true' if on else 'false'}"]) + "\n", encoding="utf-8")


def _timed(content: Path, out: Path) -> tuple[float, int]:
    STEP["seconds"] = 0.0
    t = time.perf_counter()
    result = build(content, out, with_search=False)
    return time.perf_counter() - t, result.pages


def _row(label: str, seconds: float, off: float) -> str:
    return f"{label} {seconds:.1f} s (+{seconds - off:.1f}; ふりがなの処理 {STEP['seconds']:.1f})"


def measure(n: int, tmp: Path) -> None:
    content = tmp / f"c{n}"
    subprocess.run([sys.executable, str(GEN), str(n), str(content), "--format", "content"],
                   check=True, stdout=subprocess.DEVNULL)
    shutil.copy(ROOT / "content" / "readings.yml", content / "readings.yml")
    os.environ["KYODO_CACHE"] = str(tmp / f"cache{n}")
    out = tmp / f"site{n}"
    _set(content, False)
    off, pages = _timed(content, out)
    _set(content, True)
    cold, _ = _timed(content, out)
    rows = [_row("on, empty cache", cold, off)]
    warm, _ = _timed(content, out)
    rows.append(_row("on, cache filled", warm, off))
    case = sorted((content / "cases").glob("*.md"))[0]
    case.write_text(case.read_text(encoding="utf-8") + "\n追記した段落です。\n", encoding="utf-8")
    edited, _ = _timed(content, out)
    rows.append(_row("one case edited", edited, off))
    ruby = sum(1 for _ in (out / "furigana").rglob("*.html"))
    print(f"{n:>6} cases, {pages} pages + {ruby} ruby pages: off {off:.1f} s | " + " | ".join(rows), flush=True)


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1000]
    with tempfile.TemporaryDirectory(prefix="kyodo-furigana-bench-") as tmp:
        for n in sizes:
            measure(n, Path(tmp))


if __name__ == "__main__":
    main(sys.argv[1:])
