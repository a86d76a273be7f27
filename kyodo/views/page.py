"""The page type every page source yields, and the helpers they share.

A :class:`Page` is plain data: its URL, its template, its title and the
context the template reads. Page sources (``kyodo.views.sources``) make them;
the render stage turns them into bytes; nothing here renders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kyodo.views.pagination import paginate


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str


@dataclass(frozen=True)
class Card:
    """The share card of a page (kyodo/post/cards.py draws it)."""
    path: str                # site path of the PNG, e.g. "cards/domain/b.png"
    kicker: str              # the category line above the title
    title: str
    note: str = ""           # a line under the title


@dataclass
class Page:
    url: str                 # site path of the page: "", "cases/x/", "404.html", "sitemap.xml"
    template: str
    title: str
    kind: str                # page type, used by templates and tests
    description: str = ""
    crumbs: list[Crumb] = field(default_factory=list)
    context: dict = field(default_factory=dict)
    in_sitemap: bool = True
    root_override: str | None = None
    lastmod: dt.date | None = None   # the sitemap's <lastmod>: the newest `updated` shown
    card: Card | None = None         # og:image (set for every HTML page by the planner)
    source: str = ""                 # the page source that made it (set by the planner)
    fingerprint: str = ""            # what the page is made of (kyodo/views/fingerprint.py)
    light: bool = False              # made of the site and the cases' front matter only (no body)
    inputs: str = ""                 # with those, a digest of the one file it also reads (a case's page)

    @property
    def output(self) -> str:
        return self.url + "index.html" if self.url == "" or self.url.endswith("/") else self.url

    @property
    def root(self) -> str:
        if self.root_override is not None:
            return self.root_override
        return "../" * self.url.count("/")


HOME = Crumb("ホーム", "")


def last_updated(cases) -> dt.date | None:
    return max((c.updated for c in cases if c.updated), default=None)


def listing_pages(view, items, base: str, template: str, kind: str, title: str,
                  description: str, crumbs: list[Crumb], **context) -> list[Page]:
    """``items`` in pages of ``site.yml per_page``: ``base``, ``base``page/2/, …"""
    pages = []
    for pager in paginate(items, view.site.per_page, base):
        suffix = f"（{pager.number}/{pager.total}ページ）" if pager.total > 1 else ""
        pages.append(Page(pager.url, template, title + suffix, kind, description, crumbs,
                          dict(context, pager=pager), lastmod=last_updated(pager.items), light=True))
    return pages
