"""Render planned pages to bytes with the shared context."""

from __future__ import annotations

import jinja2

from kyodo.errors import UsageError, one_line
from kyodo.parallel import Stream, pimap
from kyodo.render.fragments import Fragments
from kyodo.render.inline import plain_env
from kyodo.render.items import CaseItems
from kyodo.views.model import SiteView
from kyodo.views.page import Page


PER_PROCESS = ("case_items", "fragment")   # made again by every renderer, never kept


class Renderer:
    def __init__(self, env: jinja2.Environment, view: SiteView, nav: dict | None = None,
                 items: CaseItems | None = None):
        self.env = env
        self.view = view
        self.common = {
            "site": view.site,
            "taxonomy": view.taxonomy,
            "facets": list(view.taxonomy),
            "stats": view.stats,
            "indexes": view.indexes,
            "chapters": view.content.chapters,
            "explained_at": view.explained_at,
            "intro_html": view.intro_html,
            "image_sizes": view.image_sizes,
            "booklet_pdf": view.booklet_pdf,
            "bank": view.bank,          # 団体情報バンク: falsy when there are no organisations
            "nav": nav or {},           # menus (kyodo.views.sources): links to planned pages only
            # the pages a main-menu item links to exactly (it is the current item there)
            "nav_here": frozenset(i.url for i in (nav or {}).get("main", ()) if not i.fragment),
            # the cases of a list, each rendered once
            "case_items": items if items is not None else CaseItems(env, list(view.taxonomy)),
        }
        self.common["fragment"] = Fragments(env, self.common)  # the header and footer, once per input

    @classmethod
    def from_common(cls, env: jinja2.Environment, common: dict) -> "Renderer":
        """A renderer for the shared context a previous build kept (kyodo/commands/snapshot.py)."""
        self = cls.__new__(cls)
        self.env, self.view = env, None
        self.common = dict(common, case_items=CaseItems(env, common["facets"]))
        self.common["fragment"] = Fragments(env, self.common)
        return self

    def kept_common(self) -> dict:
        """The shared context without what belongs to this process (the rendered list items and fragments)."""
        return {k: v for k, v in self.common.items() if k not in PER_PROCESS}

    def render(self, page: Page) -> bytes:
        try:
            html = self._html(page)
        except jinja2.TemplateError as error:   # a template mistake: name the template, the line and the page
            exc = self._as_written(page, error)
            where = f"templates/{exc.filename.rsplit('templates/', 1)[-1]}" if getattr(exc, "filename", None) else f"templates/{page.template}"
            line = f" {exc.lineno} 行目" if getattr(exc, "lineno", None) else ""
            raise UsageError(f"テンプレート {where}{line} でエラーになりました（ページ /{page.url}）: "
                             f"{one_line(exc)}") from None
        return html.encode("utf-8")

    def _html(self, page: Page) -> str:
        return self.env.get_template(page.template).render(self.common, page=page, root=page.root, **page.context)

    def _as_written(self, page: Page, error: jinja2.TemplateError) -> jinja2.TemplateError:
        """The error the page gives with every template read as it is written (the
        partial's own name and line, kyodo/render/inline.py); ``error`` if none."""
        plain = plain_env(self.env)
        if plain is not self.env:
            try:
                Renderer.from_common(plain, self.kept_common())._html(page)
            except jinja2.TemplateError as exc:
                return exc
            except Exception:   # noqa: BLE001 - the first wording is kept
                pass
        return error

    def writing(self, pages: list[Page], staging) -> Stream:
        """Render and write every page, on all cores for large sites, while this
        process does other work: a stream to read to its end (in a ``with`` block)."""
        def job(i: int) -> None:
            staging.write(pages[i].output, self.render(pages[i]))
        return pimap(job, len(pages))
