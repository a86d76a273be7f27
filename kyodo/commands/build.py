"""``build.py``: the whole pipeline, written atomically.

load -> validate -> model -> views -> render -> write -> post-steps
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from kyodo import paths
from kyodo.commands.check import report, validate
from kyodo.commands.preview import Built
from kyodo.errors import ContentError, UsageError, one_line
from kyodo.post import furigana
from kyodo.cache import cache_root, digest
from kyodo.render.env import build_env, templates_digest
from kyodo.post.cards import write_cards
from kyodo.render.renderer import Renderer
from kyodo.views.data import data_files
from kyodo.views.downloads import download_files, table_files
from kyodo.views.model import SiteView
from kyodo.views.organization_data import organization_files
from kyodo.views.schema import schema_files
from kyodo.views.fingerprint import front_matter_fingerprint, page_fingerprints, site_fingerprint
from kyodo.views.sources import plan
from kyodo.write.output import check_out_dir
from kyodo.write.update import open_output


# Functions (view) -> [(path under the output, bytes)] for non-page files
# (JSON, CSV, schema, …). A feature adds its provider here.
FILE_PROVIDERS = [data_files, schema_files, download_files, organization_files]


@dataclass
class Result:
    pages: int
    cases: int
    seconds: float
    warnings: list = field(default_factory=list)   # e.g. unused words of readings.yml
    written: dict = field(default_factory=dict)    # files written, removed, kept as they were
    published: Built | None = None                 # the view, pages and renderer (for serve's preview)


def _source_fp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


class Phases:
    """``KYODO_TIMINGS=1``: how long each step took, on stderr (for benchmarks)."""

    def __init__(self):
        self.on = bool(os.environ.get("KYODO_TIMINGS"))
        self.last = time.perf_counter()
        self.parts: list[tuple[str, float]] = []

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.parts.append((name, now - self.last))
        self.last = now

    def report(self) -> None:
        if self.on:
            print("時間: " + "、".join(f"{n} {t:.2f} 秒" for n, t in self.parts), file=sys.stderr)


def write_site(view: SiteView, output, with_search: bool = True, phase=None, keep_search: bool = False,
               published: list | None = None) -> int:
    """Plan, render and write the site into ``output`` (a Staging or an Update):
    every file is announced with what it is made of, and the ones whose
    ingredients did not change since the last build are kept as they are.
    ``published`` (a list) receives the pages and the renderer (``serve`` keeps them)."""
    code = templates_digest(paths.TEMPLATES)
    env = build_env(paths.TEMPLATES, code)
    planned = plan(view)
    pages = planned.pages
    site_fp = site_fingerprint(view, planned.nav, code)
    for page, fp in zip(pages, page_fingerprints(pages, site_fp, front=front_matter_fingerprint(view.cases))):
        page.fingerprint = fp
    phase = phase or (lambda name: None)
    phase("計画")
    renderer = Renderer(env, view, planned.nav)
    if published is not None:
        published[:] = [pages, renderer]
    todo = [p for p in pages if output.want(p.output, p.fingerprint)]
    if any(p.source == "stats" for p in todo):
        table_files(view)   # the tables' sizes, made once here rather than in every worker
    renderer.write_all(todo, output)
    phase("ページ")
    furigana.write(output, view, pages, env, renderer.common)   # furigana/<page>, when site.yml asks
    phase("ふりがな")
    write_cards([p.card for p in pages if p.card is not None], view.site, view.content.root, output)
    phase("画像")
    for src in sorted(paths.ASSETS.rglob("*")):
        if src.is_file():
            rel = "assets/" + src.relative_to(paths.ASSETS).as_posix()
            if output.want(rel, _source_fp(src)):
                output.copy(src, rel)
    for rel in view.images:
        src = view.content.root / "images" / rel
        if not paths.inside(src, view.content.root):   # validated already; never publish a link's target
            raise UsageError(f"画像 {rel} は content/ の外を指すリンクなので、書き出しません")
        if output.want("images/" + rel, _source_fp(src)):
            output.copy(src, "images/" + rel)
    # Data files show the cases' front matter, never their bodies: one fingerprint
    # per provider, and a provider whose ingredients did not change is not run.
    fronts = [c.meta_digest for c in view.cases]
    data_fp = digest(site_fp, *(f"{c.slug}:{f}" for c, f in zip(view.cases, fronts))) if all(fronts) else None
    for provider in FILE_PROVIDERS:
        fp = digest(data_fp, provider.__module__, provider.__qualname__) if data_fp else None
        kept = output.recorded(fp) if fp else []
        if kept:
            for rel in kept:
                output.want(rel, fp)
            continue
        for rel, data in provider(view):
            if output.want(rel, fp):
                output.write(rel, data)
    phase("データ")
    if with_search:
        # The index reads every case's text, the organisations and the readings.
        files = [c.digest for c in view.cases]
        readings = json.dumps(sorted((view.content.readings or {}).items()), ensure_ascii=False)
        search_fp = digest(site_fp, readings, *(f"{c.slug}:{d}" for c, d in zip(view.cases, files))) \
            if all(files) else None
        kept = output.recorded(search_fp) if search_fp else []
        for rel in kept:
            output.want(rel, search_fp)
        if not kept:
            from kyodo.post import search   # numpy and the analyser: only for a build that indexes
            search.index(Fingerprinted(output, search_fp), view)
        phase("検索")
    elif keep_search:
        output.keep_previous("search/")
    return len(pages)


class Fingerprinted:
    """The output, with one fingerprint for every file a step writes."""

    def __init__(self, output, fp: str | None):
        self.output, self.fp = output, fp

    def want(self, rel: str, fp: str | None = None) -> bool:
        return self.output.want(rel, self.fp)

    def write(self, rel: str, data: bytes) -> bool:
        return self.output.write(rel, data)


def build(content_dir: Path, out_dir: Path, with_search: bool = True, with_pdf: bool = False,
          full: bool = False, memo=None, keep_search: bool = False) -> Result:
    """Build ``content_dir`` into ``out_dir``; raises ContentError/UsageError.

    When ``out_dir`` holds what the previous build recorded, only what changed
    is made and written (kyodo/write/update.py); else (or with ``full``) a
    whole new folder is built and swapped in. Either way a failure leaves
    ``out_dir`` as it was, and the result is the same, byte for byte.
    """
    started = time.perf_counter()
    phase = Phases()
    check_out_dir(out_dir, [content_dir, paths.TEMPLATES, paths.ASSETS])   # before anything is read or cached
    view = validate(content_dir, memo)
    phase("読み込み")
    output = open_output(out_dir, [content_dir, paths.TEMPLATES, paths.ASSETS], cache_root(content_dir), full)
    with output:
        if with_pdf:  # the printed booklet first, so that the pages can link it with its size
            from kyodo.post.booklet.make import write_into
            write_into(view, output)
        published: list = []
        count = write_site(view, output, with_search, phase, keep_search, published)
        written = output.commit()
        phase("入れ替え")
    phase.report()
    pages, renderer = published
    return Result(count, len(view.cases), time.perf_counter() - started, view.content.warnings, written,
                  Built(view, {p.url: p for p in pages}, renderer) if memo is not None else None)


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
    w = result.written
    if w.get("kept"):   # an incremental build: say how little changed
        changed = f"（変更 {w['written']:,} ファイル、削除 {w['removed']:,}、そのまま {w['kept']:,}）"
    else:
        changed = ""
    print(f"{out_dir} に書き出しました: 事例 {result.cases} 件、{result.pages} ページ、"
          f"{result.seconds:.1f} 秒{search_note}{changed}")
    return 0
