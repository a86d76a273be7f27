"""The search page (``search/``): noindex, so not in the sitemap."""

from __future__ import annotations

from kyodo.views.page import HOME, Page


def pages(view) -> list[Page]:
    return [Page("search/", "search.html", "事例を検索", "search",
                 "協働事例をキーワードと分類で検索します。", [HOME], {}, in_sitemap=False)]
