"""``sitemap.xml``: every planned page that search engines should index."""

from __future__ import annotations

from kyodo.views.page import Page


def pages(view, planned: list[Page]) -> list[Page]:
    listed = [p for p in planned if p.in_sitemap]
    return [Page("sitemap.xml", "sitemap.xml", "", "sitemap", "", [], {"listed": listed}, in_sitemap=False)]
