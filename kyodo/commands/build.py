"""``build.py``: the whole pipeline, written atomically.

load -> validate -> model -> views -> render -> write -> post-steps
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from kyodo import paths
from kyodo.commands.check import report, validate
from kyodo.errors import ContentError, UsageError, one_line
from kyodo.post import furigana, search
from kyodo.render.env import make_env
from kyodo.post.cards import write_cards
from kyodo.render.plan import cards, plan
from kyodo.render.renderer import Renderer
from kyodo.views.data import data_files
from kyodo.views.downloads import download_files
from kyodo.views.model import SiteView
from kyodo.views.organization_data import organization_files
from kyodo.views.schema import schema_files
from kyodo.write.output import Staging


# Functions (view) -> [(path under the output, bytes)] for non-page files
# (JSON, CSV, schema, …). A feature adds its provider here.
FILE_PROVIDERS = [data_files, schema_files, download_files, organization_files]


@dataclass
class Result:
    pages: int
    cases: int
    seconds: float
    warnings: list = field(default_factory=list)   # e.g. unused words of readings.yml


def write_site(view: SiteView, staging: Staging, with_search: bool = True) -> int:
    env = make_env(paths.TEMPLATES)
    pages = plan(view)
    renderer = Renderer(env, view)
    renderer.write_all(pages, staging)
    furigana.write(staging, view, pages, env, renderer.common)   # furigana/<page>, when site.yml asks
    write_cards(cards(pages), view.site, view.content.root, staging)
    for src in sorted(paths.ASSETS.rglob("*")):
        if src.is_file():
            staging.copy(src, "assets/" + src.relative_to(paths.ASSETS).as_posix())
    for rel in view.images:
        src = view.content.root / "images" / rel
        if not paths.inside(src, view.content.root):   # validated already; never publish a link's target
            raise UsageError(f"画像 {rel} は content/ の外を指すリンクなので、書き出しません")
        staging.copy(src, "images/" + rel)
    for provider in FILE_PROVIDERS:
        for rel, data in provider(view):
            staging.write(rel, data)
    if with_search:
        search.index(staging.dir, view)
    return len(pages)


def build(content_dir: Path, out_dir: Path, with_search: bool = True, with_pdf: bool = False) -> Result:
    """Build ``content_dir`` into ``out_dir``; raises ContentError/UsageError."""
    started = time.perf_counter()
    view = validate(content_dir)
    staging = Staging(out_dir, protect=[content_dir, paths.TEMPLATES, paths.ASSETS])
    with staging:
        if with_pdf:  # the printed booklet first, so that the pages can link it with its size
            from kyodo.booklet.make import write_into
            write_into(view, staging)
        count = write_site(view, staging, with_search)
        staging.commit()
    return Result(count, len(view.cases), time.perf_counter() - started, view.content.warnings)


def run(content_dir: Path, out_dir: Path, with_search: bool = True, with_pdf: bool = False) -> int:
    try:
        result = build(content_dir, out_dir, with_search, with_pdf)
    except ContentError as exc:
        report(exc.problems)
        print(f"ビルドを中止しました。{out_dir} は前回のまま変更していません。", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"エラー: {one_line(exc)}", file=sys.stderr)
        return 1
    except OSError as exc:   # the disk is full, a folder became read-only, ...
        where = one_line(exc.filename or out_dir)
        print(f"エラー: {where} に書き込めませんでした（{one_line(exc.strerror or exc)}）。"
              f"{one_line(out_dir)} は前回のまま変更していません。", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    search_note = "" if with_search else "（検索インデックスは省略）"
    search_note += "、冊子 booklet.pdf" if with_pdf else ""
    print(f"{out_dir} に書き出しました: 事例 {result.cases} 件、{result.pages} ページ、"
          f"{result.seconds:.1f} 秒{search_note}")
    return 0
