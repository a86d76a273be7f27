"""The statistics pages, their per-year copies and the embed pages.

    stats/                         overview (every facet, crosstab and the years)
    stats/<facet>/                 one facet
    stats/<row>-<col>/             one crosstab (facet keys never contain '-')
    stats/year/                    trends by fiscal year
    stats/year/<year>/…            the same pages for one fiscal year
    embed/stats/<name>/            one chart and table, for the ward's website

All numbers come from ``view.stats`` (kyodo/views/counts.py); every table is a
model from kyodo/views/tables.py, printed by the pages, the embeds and the
booklet, and written as CSV/JSON by kyodo/views/downloads.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kyodo.views.page import HOME, Crumb, Page
from kyodo.text.wareki import fiscal_year_label, fiscal_year_short
from kyodo.views.counts import Stats, percent_text, tenths_text
from kyodo.views.downloads import size_text, table_files
from kyodo.views.tables import scope_prefix, tables
from kyodo.views.model import SiteView

# Its pages show the site and the cases' front matter only (kyodo/views/fingerprint.py).
LIGHT = True

STATS = Crumb("統計", "stats/")

# Formatting helpers the statistics templates call (same integers as CSV/JSON).
HELPERS = {"tenths": tenths_text, "pct": percent_text}


class Sizes:
    """The sizes of the statistics tables' CSV and JSON files, as pages show them.

    Worked out only when a page is rendered: the files are made from the
    counts (kyodo/views/downloads.py, once per build), and a rebuild that
    keeps every statistics page as it was never needs them here."""

    def __init__(self, view: SiteView):
        self.view = view

    def of(self, path: str) -> str:
        return size_text(len(table_files(self.view)[path]))

    def __fingerprint__(self) -> str:
        return "statistics table sizes"   # made of the counts, which the site's fingerprint covers


class SizeText:
    """``{{ size }}`` in a template: the file's size, looked up when printed."""

    def __init__(self, sizes: Sizes, path: str):
        self.sizes, self.path = sizes, path

    def __str__(self) -> str:
        return self.sizes.of(self.path)


@dataclass
class Download:
    name: str
    title: str
    csv_url: str
    json_url: str
    sizes: Sizes = field(repr=False, compare=False)

    @property
    def csv_size(self) -> str:
        return self.sizes.of(self.csv_url)

    @property
    def json_size(self) -> str:
        return self.sizes.of(self.json_url)


@dataclass
class Embed:
    """An embeddable chart; the render stage sizes its iframe (kyodo/render/embeds.py)."""
    name: str
    title: str            # the iframe's title attribute
    url: str              # absolute URL of the embed page
    page_url: str         # the stats page it belongs to (site path)
    kind: str = "bar"     # the chart macro: "bar", "years", "share" or "count"
    rows: list = field(default_factory=list)   # what the chart draws
    note_chars: int = 0   # length of the note under the chart
    source_chars: int = 0  # length of the source line


def _downloads(view: SiteView, files: Sizes, tables) -> dict[str, Download]:
    return {t.name: Download(t.name, t.title, t.csv_path, t.json_path, files) for t in tables}


def stats_pages(view: SiteView) -> list[Page]:
    files = Sizes(view)
    stats = view.stats
    pages: list[Page] = []
    embeds: list[tuple[Embed, dict]] = []
    pages += _scope(view, stats, None, files, embeds)

    # Trends by fiscal year.
    t = tables(stats)
    dl = _downloads(view, files, [t.years, *t.trends.values()])
    url = "stats/year/"
    emb = {"years": _embed(view, "years", t.years.title, "years", stats.year_bars(), 0, url)}
    for k, tr in stats.trends.items():
        emb[f"trend-{k}"] = _embed(view, f"trend-{k}", t.trends[k].title, "count", tr.stack_rows()[::-1], 0, url)
    pages.append(Page(url, "stats/years.html", "年度別の統計", "stats_years",
                      "協働事例の件数の年度ごとの推移と、分類ごとの推移です。", [HOME, STATS],
                      dict(HELPERS, s=stats, t=t, year=None, base="stats/", dl=dl, embeds=emb)))
    embeds += [(emb["years"], {"kind": "years", "s": stats, "table": t.years, "year": None, "dl": dl["years"]})]
    embeds += [(emb[f"trend-{k}"], {"kind": "trend", "key": k, "s": stats, "table": t.trends[k], "year": None,
                                    "dl": dl[f"trend-{k}"]})
               for k in stats.trends]

    for y, s in stats.by_year.items():
        pages += _scope(view, s, y, files, embeds)

    for e, ctx in embeds:
        pages.append(Page(f"embed/stats/{e.name}/", "embed/stats.html", e.title, "embed",
                          f"{view.site.title}の統計「{e.title}」の埋め込み用ページです。", [],
                          dict(HELPERS, **ctx, embed=e, back=view.site.absolute(e.page_url)), in_sitemap=False))
    return pages


def _embed(view: SiteView, name: str, title: str, kind: str, rows, note_chars: int, page_url: str) -> Embed:
    site = view.site
    source = f"出典: {site.title}「{title}」（{site.organization}）。{site.licence_name}"
    return Embed(name, title, site.absolute(f"embed/stats/{name}/"), page_url, kind, rows, note_chars, len(source))


def _scope(view: SiteView, s: Stats, year: int | None, files: Sizes,
           embeds: list[tuple[Embed, dict]]) -> list[Page]:
    """The overview, facet and crosstab pages for all years (None) or one fiscal year."""
    base = "stats/" if year is None else f"stats/year/{year}/"
    prefix = scope_prefix(year)
    where = "" if year is None else f"（{fiscal_year_short(year)}）"
    t = tables(s)
    dl = _downloads(view, files, [*t.facets.values(), *t.crosstabs.values()])
    common = dict(HELPERS, s=s, t=t, year=year, base=base, dl=dl)
    pages: list[Page] = []

    emb: dict[str, Embed] = {}
    for k, fc in s.facets.items():
        name = f"{prefix}facet-{k}"
        table = t.facets[k]
        emb[name] = _embed(view, name, f"{fc.facet.label}別の事例数{where}", "bar", fc.bars() if s.cases else [],
                           len(table.note), f"{base}{k}/")
        embeds.append((emb[name], {"kind": "facet", "key": k, "s": s, "table": table, "year": year, "dl": dl[name]}))
    for k, tab in s.crosstabs.items():
        name = f"{prefix}cross-{tab.slug}"
        table = t.crosstabs[k]
        emb[name] = _embed(view, name, f"{tab.rows.label}×{tab.cols.label}の事例数{where}", "share",
                           tab.stack_rows() if s.cases else [], len(table.note), f"{base}{tab.slug}/")
        embeds.append((emb[name], {"kind": "cross", "key": k, "s": s, "table": table, "year": year, "dl": dl[name]}))

    if year is None:
        overview = Page(base, "stats/overview.html", "統計", "stats",
                        "協働事例を分類ごとに集計した統計です。", [HOME],
                        dict(common, embeds=emb, cases_csv_size=SizeText(files, "data/cases.csv")))
        crumbs = [HOME, STATS]
    else:
        label = fiscal_year_label(year)
        overview = Page(base, "stats/overview.html", f"{label}の統計", "stats",
                        f"{label}の協働事例を分類ごとに集計した統計です。", [HOME, STATS, Crumb("年度別の統計", "stats/year/")],
                        dict(common, embeds=emb))
        crumbs = [HOME, STATS, Crumb("年度別の統計", "stats/year/"), Crumb(f"{fiscal_year_short(year)}の統計", base)]
    pages.append(overview)

    for k, fc in s.facets.items():
        name = f"{prefix}facet-{k}"
        pages.append(Page(f"{base}{k}/", "stats/facet.html", f"{fc.facet.label}の統計{where}", "stats_facet",
                          f"協働事例を{fc.facet.label}ごとに集計した件数と割合です。{where}", crumbs,
                          dict(common, key=k, embed=emb[name])))
    for k, tab in s.crosstabs.items():
        name = f"{prefix}cross-{tab.slug}"
        pages.append(Page(f"{base}{tab.slug}/", "stats/crosstab.html",
                          f"{tab.rows.label}×{tab.cols.label}の統計{where}", "stats_crosstab",
                          f"{tab.rows.label}ごとに、{tab.cols.label}の割合をまとめたクロス集計です。{where}", crumbs,
                          dict(common, key=k, embed=emb[name])))
    return pages


pages = stats_pages


def nav(view, item) -> list:
    return [item("統計", "stats/", areas=("main", "footer")),
            item("データのダウンロード", "stats/", fragment="#h-data", areas=("footer",))]
