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
from kyodo.errors import ContentError, UsageError


def _check_out(out_dir: Path, content_dir: Path) -> None:
    out = Path(out_dir).resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"出力先 {out_dir} はフォルダではありません")
    for p in (content_dir, paths.TEMPLATES, paths.ASSETS):
        p = Path(p).resolve()
        if out == p or out.is_relative_to(p):
            raise UsageError(f"出力先 {out_dir} はコンテンツやテンプレートのフォルダの中です。別のフォルダを指定してください")


def run(content_dir: Path, out_dir: Path, years: list[str] | None = None,
        filters: list[str] | None = None) -> int:
    from kyodo.booklet.make import make_pdf
    from kyodo.booklet.selection import parse_selection
    from kyodo.booklet.typeset import write_atomic

    started = time.perf_counter()
    try:
        _check_out(out_dir, content_dir)
        view = validate(content_dir)
        selection = parse_selection(years or [], filters or [], view.taxonomy)
        made = make_pdf(view, selection)
        target = Path(out_dir) / made.booklet.file_name
        write_atomic(target, made.result.pdf)
    except ContentError as exc:
        report(exc.problems)
        print("冊子を作るのを中止しました。前回の PDF はそのまま残っています。", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # WeasyPrint or the file system: report it plainly, never a traceback
        print(f"エラー: 冊子の PDF を作れませんでした（{type(exc).__name__}: {exc}）。"
              "前回の PDF はそのまま残っています。", file=sys.stderr)
        return 1
    for message in made.result.warnings[:10]:
        print(f"注意（WeasyPrint）: {message}", file=sys.stderr)
    print(f"{target} に書き出しました: 「{made.booklet.full_title}」事例 {len(made.booklet.entries)} 件、"
          f"{made.result.pages} ページ、{time.perf_counter() - started:.1f} 秒")
    return 0
