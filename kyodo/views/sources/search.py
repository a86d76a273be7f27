"""The search page (``search/``): noindex, so not in the sitemap."""

from __future__ import annotations

from kyodo.views.page import HOME, Page

# Its pages show the site and the cases' front matter only (kyodo/views/fingerprint.py).
LIGHT = True


def pages(view) -> list[Page]:
    if view.bank:   # the 団体情報バンク's organisations are searched too
        title, description = "事例と協働団体を検索", "協働事例と協働団体をキーワードで、協働事例を分類でも検索します。"
    else:
        title, description = "事例を検索", "協働事例をキーワードと分類で検索します。"
    return [Page("search/", "search.html", title, "search", description, [HOME], {}, in_sitemap=False)]
