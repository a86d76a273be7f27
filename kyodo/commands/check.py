"""``build.py check``: validate content and print one line per problem."""

from __future__ import annotations

import sys
from pathlib import Path

from kyodo.errors import ContentError, Problem
from kyodo.model.assemble import load_content
from kyodo.parallel import finish
from kyodo.views.model import SiteView, prepare


def validate(content_dir: Path, memo=None) -> SiteView:
    """Load, validate and prepare; raise ContentError with every problem.
    ``memo`` (a :class:`kyodo.model.assemble.Memo`) keeps parsed files between builds."""
    return prepare(load_content(content_dir, memo))


def report(problems: list[Problem], stream=None) -> None:
    stream = stream or sys.stderr
    for p in problems:
        print(p, file=stream)
    print(f"\n{len(problems)} 件の問題があります。上の「ファイル:行: 項目: 内容」を見て直してください。", file=stream)


def run(content_dir: Path) -> int:
    try:
        view = validate(content_dir)
    except ContentError as exc:
        report(exc.problems, sys.stdout)
        return 1
    finally:
        finish()   # the cache files written by children meanwhile (kyodo.parallel.later)
    for warning in view.content.warnings:
        print(warning)
    drafts = f"（下書き {view.content.drafts} 件は除外）" if view.content.drafts else ""
    print(f"問題はありません: 事例 {len(view.cases)} 件{drafts}、指針 {len(view.content.chapters)} 章")
    return 0
