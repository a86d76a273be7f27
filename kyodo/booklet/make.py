"""From a prepared :class:`SiteView` to the booklet's HTML and PDF."""

from __future__ import annotations

from dataclasses import dataclass

from kyodo import paths
from kyodo.booklet.model import Booklet, build_booklet
from kyodo.booklet.page import booklet_page
from kyodo.booklet.selection import Selection
from kyodo.booklet.typeset import Typeset, typeset
from kyodo.errors import UsageError
from kyodo.render.env import make_env
from kyodo.render.renderer import Renderer
from kyodo.views.model import SiteView


@dataclass
class Made:
    booklet: Booklet
    html: str
    result: Typeset


def booklet_html(view: SiteView, booklet: Booklet) -> str:
    """The print page, rendered exactly as the build publishes it at ``booklet/``."""
    return Renderer(make_env(paths.TEMPLATES), view).render(booklet_page(view, booklet)).decode("utf-8")


def make_pdf(view: SiteView, selection: Selection | None = None) -> Made:
    booklet = build_booklet(view, selection)
    if not booklet.entries:
        if selection is not None and selection.is_subset:
            raise UsageError(f"条件（{booklet.edition}）にあてはまる事例がありません。--year や --filter を見直してください")
        raise UsageError("冊子に載せる事例がありません。content/cases/ に事例を追加してください")
    html = booklet_html(view, booklet)
    return Made(booklet, html, typeset(html, view.content.root, view.site.base_url))


def write_into(view: SiteView, staging) -> Made:
    """``build --pdf``: add booklet.pdf to the staged site (any failure aborts the build)."""
    try:
        made = make_pdf(view)
    except UsageError:
        raise
    except Exception as exc:  # WeasyPrint: a plain Japanese message, no traceback
        raise UsageError(f"冊子の PDF を作れませんでした（{type(exc).__name__}: {exc}）") from exc
    staging.write(made.booklet.file_name, made.result.pdf)
    return made
