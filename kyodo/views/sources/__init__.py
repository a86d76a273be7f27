"""Page sources: each module yields one family of pages; the planner is a list.

A page source is a module with ``pages(view) -> list[Page]`` and, when its
pages belong in the site's menus, ``nav(view) -> list[NavItem]``. The menus
are made from the same list as the pages, so a menu never links to a page
that was not planned (a site with no guideline chapters has no 協働指針
link). A new page family is one module, its templates and one line in
:data:`SOURCES`.

The printed booklet's print page (``booklet/``) is not in the list: it is
the PDF's source, planned only when a PDF is made (``kyodo.post.booklet``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kyodo.views.cards import assign_cards
from kyodo.views.page import Page, last_updated
from kyodo.views.sources import (cases, errors, facets, feed, guideline, home, organizations, search, sitemap,
                                 stats, years)

# In menu and page order. sitemap comes last: it lists the pages before it.
SOURCES = [home, cases, facets, years, organizations, guideline, stats, search, errors, feed]


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str                              # a planned page's URL (the link is dropped otherwise)
    kinds: tuple[str, ...] = ()           # the page kinds where this item is the current one
    fragment: str = ""                    # "#h-data"
    areas: tuple[str, ...] = ("main",)    # "main" (the menu under the header), "footer"


@dataclass
class Plan:
    pages: list[Page]
    nav: dict[str, list[NavItem]] = field(default_factory=dict)   # area -> items


def plan(view, sources=SOURCES) -> Plan:
    pages: list[Page] = []
    items: list[NavItem] = []
    for source in sources:
        made = source.pages(view)
        name = source.__name__.rsplit(".", 1)[-1]
        light = getattr(source, "LIGHT", False)
        for p in made:
            p.source = name
            p.light = p.light or light
        pages += made
        if hasattr(source, "nav"):
            items += source.nav(view, NavItem)
    newest = last_updated(view.cases)
    for p in pages:
        if p.kind.startswith("stats") and p.lastmod is None:
            p.lastmod = newest   # every count may change when any case does
    assign_cards(view, pages)
    made = sitemap.pages(view, pages)
    for p in made:
        p.source, p.light = "sitemap", True
    pages += made
    urls = {p.url for p in pages}
    nav: dict[str, list[NavItem]] = {}
    for item in items:
        if item.url in urls:
            for area in item.areas:
                nav.setdefault(area, []).append(item)
    return Plan(pages, nav)
