"""The statistics pages, their per-year copies and the embed pages.

    stats/                         overview (every facet, crosstab and the years)
    stats/<facet>/                 one facet
    stats/<row>-<col>/             one crosstab (facet keys never contain '-')
    stats/year/                    trends by fiscal year
    stats/year/<year>/…            the same pages for one fiscal year
    embed/stats/<name>/            one chart and table, for the ward's website

All numbers come from ``view.stats`` (kyodo/views/counts.py); the tables'
CSV/JSON files come from kyodo/views/downloads.py.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from kyodo.render.plan import HOME, Crumb, Page
from kyodo.text.wareki import fiscal_year_label, fiscal_year_short
from kyodo.views.counts import Stats, percent_text, tenths_text
from kyodo.views.downloads import (crosstab_table, facet_table, scope_prefix, size_text, table_files,
                                   trend_table, years_table)
from kyodo.views.model import SiteView

STATS = Crumb("統計", "stats/")

# Formatting helpers the statistics templates call (same integers as CSV/JSON).
HELPERS = {"tenths": tenths_text, "pct": percent_text}


@dataclass
class Download:
    name: str
    title: str
    csv_url: str
    csv_size: str
    json_url: str
    json_size: str


@dataclass
class Embed:
    name: str
    title: str            # the iframe's title attribute
    url: str              # absolute URL of the embed page
    height: int           # the snippet's height: fits every width in ``heights``
    page_url: str         # the stats page it belongs to (site path)
    heights: dict[int, int] = field(default_factory=dict)   # iframe width -> height that fits


# The iframe widths the snippet is sized for: phones and a typical content column.
EMBED_WIDTHS = (320, 375, 750)
# The embed page's layout (assets/style.css): what the height model below needs.
_PAGE_MAX, _PAD_X, _PAD_Y = 768, 24, 20     # main.embed-main: max-width 48rem, padding
_CHART_UNITS, _CHART_MAX = 288, 360         # charts: laid out for 288 px, shown up to 22.5rem
_SAFETY = 24
_CHART_KIND = {"facet": "bar", "cross": "share", "trend": "count", "years": "years"}
_CHART_SOURCE = """{% import "charts/macros.html" as charts %}{% if kind == "bar" %}{{ charts.bar_chart("c", "", rows) }}\
{% elif kind == "years" %}{{ charts.year_chart("c", "", rows) }}{% else %}{{ charts.stacked_chart("c", "", rows, kind) }}{% endif %}"""
_VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def _lines(chars: int, px: float, width: float) -> int:
    """Lines that ``chars`` Japanese characters of ``px`` take in ``width`` (1em each, +2 % spacing)."""
    return max(1, math.ceil(chars * px * 1.02 / width))


def embed_heights(title: str, chart_units: float, note_chars: int, source_chars: int) -> dict[int, int]:
    """The iframe height (px) that shows the whole embed page at each width of EMBED_WIDTHS,
    without assets/embed.js: title, chart (at its shown scale), note, "表で見る", source."""
    out = {}
    for width in EMBED_WIDTHS:
        cw = min(width, _PAGE_MAX) - _PAD_X
        scale = min(cw, _CHART_MAX) / _CHART_UNITS
        h = _PAD_Y + _lines(len(title), 18, cw) * 25.2 + 8          # h1: 1.125rem, line-height 1.4
        h += chart_units * scale + 7                                 # the figure (+ inline gap)
        if note_chars:
            h += 8 + _lines(note_chars, 14, cw) * 23.8               # .embed-note: 0.875rem × 1.7
        h += 8 + 35.2                                                # <details> summary
        h += 8 + _lines(source_chars, 14, cw) * 23.8                 # .embed-source
        out[width] = math.ceil(h + _SAFETY)
    return out


def _downloads(view: SiteView, files: dict[str, bytes], tables) -> dict[str, Download]:
    out = {}
    for t in tables:
        out[t.name] = Download(t.name, t.title, t.csv_path, size_text(len(files[t.csv_path])),
                               t.json_path, size_text(len(files[t.json_path])))
    return out


def stats_pages(view: SiteView) -> list[Page]:
    files = table_files(view)
    stats = view.stats
    pages: list[Page] = []
    embeds: list[tuple[Embed, dict]] = []
    pages += _scope(view, stats, None, files, embeds)

    # Trends by fiscal year.
    tables = [years_table(stats)] + [trend_table(stats, k) for k in stats.trends]
    dl = _downloads(view, files, tables)
    url = "stats/year/"
    emb = {"years": _embed(view, "years", "年度別の事例数", "years", stats.year_bars(), 0, url)}
    for k, tr in stats.trends.items():
        emb[f"trend-{k}"] = _embed(view, f"trend-{k}", f"年度別・{tr.facet.label}別の事例数",
                                   "count", tr.stack_rows()[::-1], 0, url)
    pages.append(Page(url, "stats/years.html", "年度別の統計", "stats_years",
                      "協働事例の件数の年度ごとの推移と、分類ごとの推移です。", [HOME, STATS],
                      dict(HELPERS, s=stats, year=None, base="stats/", dl=dl, embeds=emb)))
    embeds += [(emb["years"], {"kind": "years", "s": stats, "year": None, "dl": dl["years"]})]
    embeds += [(emb[f"trend-{k}"], {"kind": "trend", "key": k, "s": stats, "year": None, "dl": dl[f"trend-{k}"]})
               for k in stats.trends]

    for y, s in stats.by_year.items():
        pages += _scope(view, s, y, files, embeds)

    for e, ctx in embeds:
        pages.append(Page(f"embed/stats/{e.name}/", "embed/stats.html", e.title, "embed",
                          f"{view.site.title}の統計「{e.title}」の埋め込み用ページです。", [],
                          dict(HELPERS, **ctx, embed=e, back=view.site.absolute(e.page_url)), in_sitemap=False))
    return pages


_chart_template = None


def _chart_units(kind: str, rows) -> float:
    """The height (in chart units) of the chart the embed page draws: the same macro, rendered."""
    global _chart_template
    if _chart_template is None:
        from kyodo import paths
        from kyodo.render.env import make_env
        _chart_template = make_env(paths.TEMPLATES).from_string(_CHART_SOURCE)
    m = _VIEWBOX.search(_chart_template.render(kind=kind, rows=rows))
    return float(m.group(2)) * _CHART_UNITS / float(m.group(1)) if m else 0.0


def _embed(view: SiteView, name: str, title: str, kind: str, rows, note_chars: int, page_url: str) -> Embed:
    site = view.site
    source = f"出典: {site.title}「{title}」（{site.organization}）。{site.licence_name}"
    heights = embed_heights(title, _chart_units(kind, rows) if rows else 0, note_chars, len(source))
    return Embed(name, title, site.absolute(f"embed/stats/{name}/"), max(heights.values()), page_url, heights)


def _scope(view: SiteView, s: Stats, year: int | None, files: dict[str, bytes],
           embeds: list[tuple[Embed, dict]]) -> list[Page]:
    """The overview, facet and crosstab pages for all years (None) or one fiscal year."""
    base = "stats/" if year is None else f"stats/year/{year}/"
    prefix = scope_prefix(year)
    where = "" if year is None else f"（{fiscal_year_short(year)}）"
    tables = [facet_table(s, k, year) for k in s.facets] + [crosstab_table(s, k, year) for k in s.crosstabs]
    dl = _downloads(view, files, tables)
    common = dict(HELPERS, s=s, year=year, base=base, dl=dl)
    pages: list[Page] = []

    emb: dict[str, Embed] = {}
    for k, fc in s.facets.items():
        name = f"{prefix}facet-{k}"
        note = f"割合は延べ {fc.assignments:,} 件（事例 {s.cases:,} 件）に対する割合です。" + (
            "1 件の事例が複数の値にあてはまるため、延べ件数は事例数を上回ります。" if fc.exceeds else "")
        emb[name] = _embed(view, name, f"{fc.facet.label}別の事例数{where}", "bar", fc.bars() if s.cases else [],
                           len(note), f"{base}{k}/")
        embeds.append((emb[name], {"kind": "facet", "key": k, "s": s, "year": year, "dl": dl[name]}))
    for k, tab in s.crosstabs.items():
        name = f"{prefix}cross-{tab.slug}"
        emb[name] = _embed(view, name, f"{tab.rows.label}×{tab.cols.label}の事例数{where}", "share",
                           tab.stack_rows() if s.cases else [], 45, f"{base}{tab.slug}/")
        embeds.append((emb[name], {"kind": "cross", "key": k, "s": s, "year": year, "dl": dl[name]}))

    if year is None:
        overview = Page(base, "stats/overview.html", "統計", "stats",
                        "協働事例を分類ごとに集計した統計です。", [HOME],
                        dict(common, embeds=emb, cases_csv_size=size_text(len(files["data/cases.csv"]))))
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
