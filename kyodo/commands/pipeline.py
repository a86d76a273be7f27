"""Plan, render and write a site from its view: the middle of ``build``
(render -> write -> post-steps), shared by ``build`` and ``serve``."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from kyodo import paths
from kyodo.cache import digest
from kyodo.errors import UsageError
from kyodo.parallel import MIN_ITEMS, Background
from kyodo.post import furigana
from kyodo.post.cards import write_cards
from kyodo.render.env import build_env, templates_digest
from kyodo.render.items import CaseItems
from kyodo.render.renderer import Renderer
from kyodo.views.data import data_files
from kyodo.views.downloads import download_files, keep_tables, make_tables, tables_made
from kyodo.views.fingerprint import front_matter_fingerprint, page_fingerprints, site_fingerprint
from kyodo.views.model import SiteView
from kyodo.views.organization_data import organization_files
from kyodo.views.schema import schema_files
from kyodo.views.sources import plan


# Functions (view) -> [(path under the output, bytes)] for non-page files
# (JSON, CSV, schema, …). A feature adds its provider here.
FILE_PROVIDERS = [data_files, schema_files, download_files, organization_files]


def _source_fp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


class EarlyItems:
    """Every case as a list item (kyodo.render.items), rendered in a forked child
    while this process prepares and plans the site: the workers that render the
    pages then share them instead of each making them (0.6 s each at 10,000
    cases). Where no child is forked (small sites, ``serve``), each page renders
    the items it shows, as before. Close it (or use it in a ``with`` block)."""

    def __init__(self, cases, taxonomy):
        self.code = templates_digest(paths.TEMPLATES)
        self.env = build_env(paths.TEMPLATES, self.code)
        self.items = CaseItems(self.env, list(taxonomy))
        self.job = Background(lambda: self.items.parts_for(cases), fork=len(cases) >= MIN_ITEMS)

    def adopt(self, pages: int) -> None:
        """Take the child's items when ``pages`` pages are to be rendered by workers;
        else stop it (the few pages made here render only the items they show)."""
        if self.job.forked and pages >= MIN_ITEMS:
            self.items.adopt(self.job.result())
        self.job.close()

    def close(self) -> None:
        self.job.close()

    def __enter__(self) -> "EarlyItems":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Tables:
    """The statistics tables' files (kyodo.views.downloads), made in a forked child
    while this process plans the pages (the stats pages show their sizes, so the
    workers need them; made here, they kept the other core idle for half a
    second at 10,000 cases). Close it (or use it in a ``with`` block)."""

    def __init__(self, view: SiteView):
        self.view = view
        made = tables_made(view) is not None
        self.job = None if made else Background(lambda: make_tables(view), fork=len(view.cases) >= MIN_ITEMS)

    def adopt(self) -> None:
        """The tables, from the child (or made here when there is none)."""
        if self.job is not None and tables_made(self.view) is None:
            keep_tables(self.view, self.job.result())
        self.close()

    def close(self) -> None:
        if self.job is not None:
            self.job.close()
            self.job = None

    def __enter__(self) -> "_Tables":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def write_site(view: SiteView, output, with_search: bool = True, phase=None, keep_search: bool = False,
               published: list | None = None, during=None, early: EarlyItems | None = None) -> int:
    """Plan, render and write the site into ``output`` (a Staging or an Update):
    every file is announced with what it is made of, and the ones whose
    ingredients did not change since the last build are kept as they are.
    ``published`` (a list) receives the pages and the renderer (``serve`` keeps them);
    ``during(pages, renderer, site_fp, front)`` runs while the pages are written;
    ``early``: the cases' list items, started before the view was prepared."""
    with EarlyItems(view.cases, view.taxonomy) if early is None else contextlib.nullcontext(early) as early, \
            _Tables(view) as tables:
        code, env = early.code, early.env
        planned = plan(view)
        pages = planned.pages
        site_fp = site_fingerprint(view, planned.nav, code)
        front = front_matter_fingerprint(view.cases)
        for page, fp in zip(pages, page_fingerprints(pages, site_fp, front=front)):
            page.fingerprint = fp
        phase = phase or (lambda name: None)
        phase("計画")
        renderer = Renderer(env, view, planned.nav, early.items)
        if published is not None:
            published[:] = [pages, renderer, site_fp, front]
        todo = [p for p in pages if output.want(p.output, p.fingerprint)]
        early.adopt(len(todo))
        if any(p.source == "stats" for p in todo):
            tables.adopt()   # the tables' sizes, made once rather than in every worker
    # The workers render and write the pages; meanwhile this process draws the
    # share images, copies the assets and images and makes the data files.
    with renderer.writing(todo, output) as rendering:
        write_cards([p.card for p in pages if p.card is not None], view.site, view.content.root, output)
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
        if during is not None:
            during(pages, renderer, site_fp, front)
        for _ in rendering:   # every page written
            pass
    phase("ページ・画像・データ")
    furigana.write(output, view, pages, env, renderer.common)   # furigana/<page>, when site.yml asks (reads the pages)
    phase("ふりがな")
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
