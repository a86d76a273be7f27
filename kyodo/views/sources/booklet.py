"""The booklet as a planned page: ``booklet/`` (the print HTML WeasyPrint typesets)."""

from __future__ import annotations

from kyodo.views.booklet.model import Booklet, build_booklet
from kyodo.views.booklet.selection import Selection
from kyodo.views.page import HOME, Page
from kyodo.views.model import SiteView

URL = "booklet/"
TEMPLATE = "booklet/booklet.html"


def booklet_page(view: SiteView, booklet: Booklet) -> Page:
    return Page(URL, TEMPLATE, booklet.full_title, "booklet",
                f"{booklet.full_title}（印刷用の冊子）のページです。", [HOME],
                {"booklet": booklet}, in_sitemap=False)


def pages(view: SiteView, selection: Selection | None = None) -> list[Page]:
    """The whole catalogue's print page: planned by ``build --pdf`` only (see kyodo.post.booklet)."""
    return [booklet_page(view, build_booklet(view, selection))]
