"""The Atom feed of new and updated cases (``feed.xml``)."""

from __future__ import annotations

import datetime as dt
import hashlib

from kyodo.views.page import Page

# Its pages show the site and the cases' front matter only (kyodo/views/fingerprint.py).
LIGHT = True

JST = dt.timezone(dt.timedelta(hours=9))


def feed_time(case) -> dt.datetime:
    """When the feed says a case changed: its `updated` date, else the start of its
    fiscal year at a time of day derived from its slug, so that entries without
    `updated` never share one timestamp and keep it from build to build."""
    if case.updated:
        return dt.datetime.combine(case.updated, dt.time(), JST)
    seconds = int.from_bytes(hashlib.sha256(case.slug.encode()).digest()[:4], "big") % 86400
    return dt.datetime.combine(case.date, dt.time(), JST) + dt.timedelta(seconds=seconds)


def feed_entries(cases, limit: int = 30) -> list:
    """Newest first by `updated` (a case updated last week comes first whatever its
    year), then by fiscal year."""
    # A case's feed time falls on its day (`updated`, else the fiscal year's start),
    # so only the cases of the ``limit`` latest days can be among the entries: the
    # time, a hash, is worked out for those alone (not for all 10,000).
    days = [c.date for c in cases]   # `updated`, else the fiscal year's start
    if len(days) > limit:
        last = sorted(days, reverse=True)[limit - 1]
        cases = [c for c, day in zip(cases, days) if day >= last]
    return sorted(cases, key=lambda c: (feed_time(c), c.fiscal_year, c.slug), reverse=True)[:limit]


def pages(view) -> list[Page]:
    return [Page("feed.xml", "feed.xml", f"{view.site.title} 新着事例", "feed", "", [],
                 {"entries": feed_entries(view.cases), "feed_time": feed_time}, in_sitemap=False)]


def nav(view, item) -> list:
    return [item("新着事例のお知らせ（フィードリーダー用）", "feed.xml", areas=("footer",))]
