"""The home page."""

from __future__ import annotations

from kyodo.text.describe import describe
from kyodo.views.page import Page, last_updated

# Its pages show the site and the cases' front matter only (kyodo/views/fingerprint.py).
LIGHT = True


def pages(view) -> list[Page]:
    site = view.site
    description = (site.description or describe(view.intro_html)
                   or f"{site.organization}の協働事例 {len(view.cases):,} 件と協働指針を紹介します。")
    return [Page("", "home.html", site.title, "home", description, [],
                 {"newest": view.cases[:site.newest], "years": list(view.indexes.by_year)},
                 lastmod=last_updated(view.cases))]
