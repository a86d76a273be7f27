"""The booklet as a planned page: ``booklet/`` (the print HTML WeasyPrint typesets)."""

from __future__ import annotations

from kyodo.booklet.model import Booklet, build_booklet
from kyodo.booklet.selection import Selection
from kyodo.render.plan import HOME, Page
from kyodo.views.model import SiteView

URL = "booklet/"
TEMPLATE = "booklet/booklet.html"


def booklet_page(view: SiteView, booklet: Booklet) -> Page:
    return Page(URL, TEMPLATE, booklet.full_title, "booklet",
                f"{booklet.full_title}（印刷用の冊子）のページです。", [HOME],
                {"booklet": booklet}, in_sitemap=False)


def booklet_pages(view: SiteView, selection: Selection | None = None) -> list[Page]:
    """Called from :func:`kyodo.render.plan.plan`: the whole catalogue's booklet page."""
    return [booklet_page(view, build_booklet(view, selection))]
