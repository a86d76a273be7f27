"""``build.py``: the whole pipeline, written atomically.

load -> validate -> model -> views -> render -> write -> post-steps

Only what every build needs is imported here: a rebuild after edits of case
texts only (kyodo/commands/snapshot.py) starts without loading the rest.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kyodo import paths
from kyodo.commands import snapshot
from kyodo.errors import ContentError, UsageError, one_line
from kyodo.cache import cache_root
from kyodo.parallel import finish
from kyodo.write.output import check_out_dir

if TYPE_CHECKING:
    from kyodo.commands.preview import Built


def __getattr__(name: str):   # the names this module offered before write_site moved (kyodo/commands/pipeline.py)
    if name == "validate":
        from kyodo.commands.check import validate
        return validate
    if name in ("write_site", "FILE_PROVIDERS", "Fingerprinted"):
        from kyodo.commands import pipeline
        return getattr(pipeline, name)
    raise AttributeError(name)


@dataclass
class Result:
    pages: int
    cases: int
    seconds: float
    warnings: list = field(default_factory=list)   # e.g. unused words of readings.yml
    written: dict = field(default_factory=dict)    # files written, removed, kept as they were
    published: Built | None = None                 # the view, pages and renderer (for serve's preview)
    quick: bool = False                            # only changed case texts: their pages alone (snapshot.py)


class Phases:
    """``KYODO_TIMINGS=1``: how long each step took, on stderr (for benchmarks)."""

    def __init__(self):
        self.on = bool(os.environ.get("KYODO_TIMINGS"))
        self.last = time.perf_counter()
        self.cpu = os.times()
        self.parts: list[tuple[str, float, float, float]] = []   # (phase, seconds, user CPU, system CPU)

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        cpu = os.times()
        d = [a - b for a, b in zip(cpu, self.cpu)]
        self.parts.append((name, now - self.last, d[0] + d[2], d[1] + d[3]))
        self.last, self.cpu = now, cpu

    def report(self) -> None:
        if self.on:
            print("時間: " + "、".join(f"{n} {t:.2f} 秒（CPU {u:.1f}+{k:.1f}）" for n, t, u, k in self.parts), file=sys.stderr)


def build(content_dir: Path, out_dir: Path, with_search: bool = True, with_pdf: bool = False,
          full: bool = False, memo=None, keep_search: bool = False) -> Result:
    """Build ``content_dir`` into ``out_dir``; raises ContentError/UsageError.

    When ``out_dir`` holds what the previous build recorded, only what changed
    is made and written (kyodo/write/update.py); else (or with ``full``) a
    whole new folder is built and swapped in. Either way a failure leaves
    ``out_dir`` as it was, and the result is the same, byte for byte.
    """
    # A build makes millions of objects that live until it ends and almost no
    # garbage in cycles: the cycle collector would walk the whole heap again
    # and again as it grows (about a tenth of a cold build at 10,000 cases).
    # It is off while the build runs and on again after it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(content_dir, out_dir, with_search, with_pdf, full, memo, keep_search)
    finally:
        finish()   # the cache files written by children meanwhile (kyodo.parallel.later)
        if collecting:
            gc.enable()


def _build(content_dir: Path, out_dir: Path, with_search: bool, with_pdf: bool, full: bool, memo,
           keep_search: bool) -> Result:
    started = time.perf_counter()
    phase = Phases()
    check_out_dir(out_dir, [content_dir, paths.TEMPLATES, paths.ASSETS])   # before anything is read or cached
    taken = None
    if memo is None:   # ``build``: after edits of case texts only, their pages alone (kyodo/commands/snapshot.py)
        if not (with_pdf or with_search):
            quick = None if full else snapshot.rebuild(content_dir, out_dir, keep_search)
            if quick is not None:
                phase("事例の本文だけ")
                phase.report()
                return Result(quick.pages, quick.cases, time.perf_counter() - started, quick.warnings, quick.written,
                              quick=True)
            taken = snapshot.before(content_dir, out_dir, keep_search)
        else:
            snapshot.forget(content_dir, out_dir)
    from kyodo.commands.pipeline import EarlyItems
    from kyodo.model.assemble import load_content
    from kyodo.views.model import prepare

    content = load_content(content_dir, memo)
    early = EarlyItems(content.cases, content.taxonomy)   # in a child while the view is prepared
    with early:
        return _write(content_dir, out_dir, with_search, with_pdf, full, memo, keep_search, started, phase,
                      taken, prepare(content), early)


def _write(content_dir: Path, out_dir: Path, with_search: bool, with_pdf: bool, full: bool, memo,
           keep_search: bool, started: float, phase, taken, view, early) -> Result:
    from kyodo.commands.pipeline import write_site
    from kyodo.commands.preview import Built
    from kyodo.write.update import open_output

    phase("読み込み")
    output = open_output(out_dir, [content_dir, paths.TEMPLATES, paths.ASSETS], cache_root(content_dir), full)
    with output:
        if with_pdf:  # the printed booklet first, so that the pages can link it with its size
            from kyodo.post.booklet.make import write_into
            write_into(view, output)
        published: list = []
        prepared: list = []

        def keep(pages, renderer, site_fp, front) -> None:   # while the workers write the pages
            try:
                prepared.append(snapshot.prepare(taken, content_dir, view, pages, renderer, site_fp, front))
            except Exception:   # noqa: BLE001 - only the next build's shortcut is lost
                prepared.append(None)
        count = write_site(view, output, with_search, phase, keep_search, published, during=keep, early=early)
        written = output.commit()
        phase("入れ替え")
    pages, renderer, site_fp, front = published
    try:
        snapshot.save(prepared[0] if prepared else None, content_dir, out_dir)
    except Exception:   # noqa: BLE001 - the site is written; only the next build's shortcut is lost
        snapshot.forget(content_dir, out_dir)
    phase("記録")
    phase.report()
    return Result(count, len(view.cases), time.perf_counter() - started, view.content.warnings, written,
                  Built(view, {p.url: p for p in pages}, renderer) if memo is not None else None)


def run(content_dir: Path, out_dir: Path, with_search: bool = True, with_pdf: bool = False) -> int:
    try:
        result = build(content_dir, out_dir, with_search, with_pdf)
    except ContentError as exc:
        from kyodo.commands.check import report
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
