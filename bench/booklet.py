"""Benchmark (not a test): seconds to produce the printed booklet.

    python3 bench/booklet.py            # sample content and a 500-case corpus
    python3 bench/booklet.py 64 500 2000

For each size: validate + views, render the booklet page, typeset with
WeasyPrint; prints pages and seconds per step. The corpus comes from
/work/shared/corpus/gen_corpus.py (--format content), generated into a
temporary folder.
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

from kyodo.post.booklet.make import booklet_html  # noqa: E402
from kyodo.views.booklet.model import build_booklet  # noqa: E402
from kyodo.post.booklet.typeset import typeset  # noqa: E402
from kyodo.commands.check import validate  # noqa: E402

GEN = Path(os.environ.get("KYODO_CORPUS_GEN", "/work/shared/corpus/gen_corpus.py"))


def measure(label: str, content: Path) -> None:
    t0 = time.perf_counter()
    view = validate(content)
    t1 = time.perf_counter()
    booklet = build_booklet(view)
    html = booklet_html(view, booklet)
    t2 = time.perf_counter()
    result = typeset(html, view.content.root, view.site.base_url)
    t3 = time.perf_counter()
    print(f"{label:>14}: {len(booklet.entries):5d} cases {result.pages:5d} pages  "
          f"validate {t1 - t0:6.2f} s  html {t2 - t1:6.2f} s  weasyprint {t3 - t2:7.2f} s  "
          f"total {t3 - t0:7.2f} s  ({len(result.pdf) / 1e6:.1f} MB, {len(result.warnings)} warnings)", flush=True)


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [500]
    measure("sample content", ROOT / "content")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "content"
            subprocess.run([sys.executable, str(GEN), str(n), str(out), "--format", "content"],
                           check=True, capture_output=True)
            measure(f"{n} cases", out)


if __name__ == "__main__":
    main(sys.argv[1:])
