"""The fiscal years (``year/``) and one list per year (``year/<year>/``)."""

from __future__ import annotations

from kyodo.text.wareki import fiscal_year_label
from kyodo.views.page import HOME, Crumb, Page, listing_pages

# Its pages show the site and the cases' front matter only (kyodo/views/fingerprint.py).
LIGHT = True

YEARS = Crumb("年度別", "year/")


def pages(view) -> list[Page]:
    by_year = view.indexes.by_year
    out = [Page("year/", "years.html", "年度別", "years", "年度ごとの協働事例の一覧です。", [HOME],
                {"years": [(y, len(c)) for y, c in by_year.items()]})]
    for year, cases in by_year.items():
        label = fiscal_year_label(year)
        out += listing_pages(view, cases, f"year/{year}/", "year.html", "year", label,
                             f"{label}の協働事例の一覧です。", [HOME, YEARS], year=year)
    return out


def nav(view, item) -> list:
    return [item("年度別", "year/")]
