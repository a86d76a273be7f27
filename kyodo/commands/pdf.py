"""``build.py pdf``: the printed booklet (A4 PDF) of all cases or a subset.

Same pipeline as the build (load -> validate -> views), then the booklet page
is rendered and typeset by WeasyPrint into ``<out>/booklet.pdf`` (a subset:
``booklet-2024.pdf``, ``booklet-domain-c.pdf``, …). Only that file is written,
through a temporary file, so a failure leaves the previous one untouched.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from kyodo import paths
from kyodo.commands.check import report, validate
from kyodo.parallel import finish
from kyodo.errors import ContentError, UsageError, one_line
from kyodo.write.output import OutputLock, check_out_dir


def run(content_dir: Path, out_dir: Path, years: list[str] | None = None,
        filters: list[str] | None = None) -> int:
    from kyodo.post.booklet.make import make_pdf
    from kyodo.views.booklet.selection import parse_selection
    from kyodo.post.booklet.typeset import write_atomic

    started = time.perf_counter()
    try:
        check_out_dir(out_dir, [content_dir, paths.TEMPLATES, paths.ASSETS])
        view = validate(content_dir)
        finish()   # the cache files written by children meanwhile (kyodo.parallel.later)
        selection = parse_selection(years or [], filters or [], view.taxonomy)
        made = make_pdf(view, selection)
        target = Path(out_dir) / made.booklet.file_name
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = OutputLock(target.parent.resolve())   # not while a build swaps the folder
        try:
            write_atomic(target, made.result.pdf)
            if selection is None or not selection.is_subset:   # the site's pages offer the whole booklet
                from kyodo.post.booklet.make import relink
                relink(view, made, out_dir)
        finally:
            lock.release()
    except ContentError as exc:
        report(exc.problems)
        print("冊子を作るのを中止しました。前回の PDF はそのまま残っています。", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"エラー: {one_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # WeasyPrint or the file system: report it plainly, never a traceback
        print(f"エラー: 冊子の PDF を作れませんでした（{type(exc).__name__}: {one_line(exc)}）。"
              "前回の PDF はそのまま残っています。", file=sys.stderr)
        return 1
    for message in made.result.warnings[:10]:
        print(f"注意（WeasyPrint）: {one_line(message)}", file=sys.stderr)
    print(f"{target} に書き出しました: 「{made.booklet.full_title}」事例 {len(made.booklet.entries)} 件、"
          f"{made.result.pages} ページ、{time.perf_counter() - started:.1f} 秒")
    return 0
