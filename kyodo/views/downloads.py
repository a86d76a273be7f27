"""CSV and JSON downloads of every statistics table, and ``data/cases.csv``.

The numbers come from :mod:`kyodo.views.counts`; this module only lays them
out as records. CSV is UTF-8 with a BOM (so Excel in Japan opens it), header
row first, one record per line, numbers without units, 西暦 years. Shares are
written from the same integer tenths as the pages, so both always agree.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from kyodo.text.wareki import fiscal_year_label, fiscal_year_short
from kyodo.views.counts import Stats, tenths_text, tenths_value

BOM = "\ufeff"


@dataclass
class Column:
    key: str          # JSON key
    label: str        # CSV header (Japanese)
    share: bool = False   # a percentage held as tenths


@dataclass
class Table:
    name: str                     # file and embed name: "facet-partner", "2024-cross-partner-domain"
    title: str
    columns: list[Column]
    records: list[dict]
    notes: list[str] = field(default_factory=list)

    @property
    def csv_path(self) -> str:
        return f"data/stats/{self.name}.csv"

    @property
    def json_path(self) -> str:
        return f"data/stats/{self.name}.json"


# A text cell starting with one of these is a formula to Excel and other
# spreadsheets (CSV injection; full-width forms included, which Japanese Excel
# also reads as formulas). Such cells get a leading "'" as OWASP recommends.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def csv_cell(value) -> str | int | float:
    """A CSV cell: numbers stay numbers; text cannot start a formula."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.lstrip(" \u3000").startswith(FORMULA_START):
        return "'" + text
    return text


def csv_bytes(columns: list[Column], records: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([csv_cell(c.label) for c in columns])
    for rec in records:
        row = []
        for c in columns:
            v = rec.get(c.key)
            if c.share:
                row.append(tenths_text(v, ""))
            elif v is None:
                row.append("")
            else:
                row.append(csv_cell(v))
        w.writerow(row)
    return (BOM + buf.getvalue()).encode("utf-8")


def json_bytes(table: Table, site) -> bytes:
    records = [{c.key: (tenths_value(r.get(c.key)) if c.share else r.get(c.key)) for c in table.columns}
               for r in table.records]
    data = {
        "title": table.title,
        "source": f"{site.title}（{site.organization}）",
        "licence": {"name": site.licence_name or None, "url": site.licence_url or None},
        "notes": table.notes,
        "columns": [{"key": c.key, "label": c.label, **({"unit": "%"} if c.share else {})} for c in table.columns],
        "records": records,
    }
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------
# The tables


def scope_prefix(year: int | None) -> str:
    return f"{year}-" if year is not None else ""


def scope_title(year: int | None) -> str:
    return f"（{fiscal_year_label(year)}）" if year is not None else ""


def facet_table(stats: Stats, key: str, year: int | None = None) -> Table:
    fc = stats.facets[key]
    f = fc.facet
    cols = [Column("slug", "スラッグ"), Column("label", f.label), Column("cases", "件数"),
            Column("share_of_assignments", "延べ件数に対する割合（%）", True),
            Column("share_of_cases", "事例数に対する割合（%）", True)]
    recs = [{"slug": tc.term.slug, "label": tc.term.label, "cases": tc.cases,
             "share_of_assignments": fc.share_of_assignments(tc), "share_of_cases": fc.share_of_cases(tc)}
            for tc in fc.terms]
    notes = [f"延べ件数 {fc.assignments} 件（事例 {stats.cases} 件）。割合は延べ件数に対する割合で、"
             "それぞれ小数第 2 位を四捨五入しています。"]
    if f.multiple:
        notes.append("1 件の事例が複数の値にあてはまることがあるため、件数の合計が事例数を上回ることがあります。")
    return Table(f"{scope_prefix(year)}facet-{key}", f"{f.label}別の事例数{scope_title(year)}", cols, recs, notes)


def crosstab_table(stats: Stats, key: str, year: int | None = None) -> Table:
    tab = stats.crosstabs[key]
    cols = [Column("slug", "スラッグ"), Column("label", tab.rows.label)]
    cols += [Column(f"cases_{c.slug}", f"{c.label}（件数）") for c in tab.cols.terms]
    cols.append(Column("total", "合計（件数）"))
    cols += [Column(f"share_{c.slug}", f"{c.label}（行内の割合%）", True) for c in tab.cols.terms]
    cols += [Column(f"above_{c.slug}", f"{c.label}（平均より高い=1）") for c in tab.cols.terms]
    recs = []
    for row in tab.stack_rows():
        rec = {"slug": row.key, "label": row.label, "total": row.total}
        for s in row.segments:
            rec[f"cases_{s.key}"] = s.value
            rec[f"share_{s.key}"] = s.tenths
            rec[f"above_{s.key}"] = None if row.is_average else int(s.above)
        recs.append(rec)
    notes = [f"各行の割合は、その{tab.rows.label}の延べ件数に対する{tab.cols.label}ごとの割合です。"
             f"最後の行「全体（平均）」は、全事例の{tab.cols.label}の割合です。"]
    return Table(f"{scope_prefix(year)}cross-{tab.slug}",
                 f"{tab.rows.label}×{tab.cols.label}の事例数{scope_title(year)}", cols, recs, notes)


def years_table(stats: Stats) -> Table:
    cols = [Column("year", "年度（西暦）"), Column("label", "年度（和暦）"), Column("cases", "件数"),
            Column("share", "割合（%）", True)]
    recs = [{"year": int(b.key), "label": b.label, "cases": b.value, "share": b.tenths} for b in stats.year_bars()]
    return Table("years", "年度別の事例数", cols, recs, [f"事例 {stats.cases} 件に対する割合です。"])


def trend_table(stats: Stats, key: str) -> Table:
    tr = stats.trends[key]
    cols = [Column("year", "年度（西暦）"), Column("label", "年度（和暦）")]
    cols += [Column(f"cases_{t.slug}", f"{t.label}（件数）") for t in tr.facet.terms]
    cols.append(Column("total", "延べ件数"))
    recs = []
    for i, y in enumerate(tr.years):
        rec = {"year": y, "label": fiscal_year_short(y), "total": tr.year_total(i)}
        for t in tr.facet.terms:
            rec[f"cases_{t.slug}"] = tr.counts[t.slug][i]
        recs.append(rec)
    return Table(f"trend-{key}", f"年度別・{tr.facet.label}別の事例数", cols, recs,
                 ["1 件の事例が複数の値にあてはまるときは、それぞれに数えています。"] if tr.facet.multiple else [])


def all_tables(stats: Stats) -> list[Table]:
    """Every statistics table of the site, in page order."""
    tables = [facet_table(stats, k) for k in stats.facets]
    tables += [crosstab_table(stats, k) for k in stats.crosstabs]
    tables.append(years_table(stats))
    tables += [trend_table(stats, k) for k in stats.trends]
    for y, s in stats.by_year.items():
        tables += [facet_table(s, k, y) for k in s.facets]
        tables += [crosstab_table(s, k, y) for k in s.crosstabs]
    return tables


def table_files(view) -> dict[str, bytes]:
    """path -> bytes for every table (used by the provider and for sizes on pages;
    made once per view)."""
    made = getattr(view, "_table_files", None)
    if made is not None:
        return made
    out: dict[str, bytes] = {}
    for t in all_tables(view.stats):
        out[t.csv_path] = csv_bytes(t.columns, t.records)
        out[t.json_path] = json_bytes(t, view.site)
    out["data/cases.csv"] = cases_csv(view)
    view._table_files = out
    return out


def cases_csv(view) -> bytes:
    site = view.site
    cols = [Column("slug", "スラッグ"), Column("title", "題名"), Column("summary", "要約"),
            Column("fiscal_year", "年度（西暦）"), Column("fiscal_year_label", "年度（和暦）")]
    cols += [Column(f.key, f.label) for f in view.taxonomy]
    cols += [Column("organizations", "団体"), Column("period", "期間"), Column("budget", "予算（円）"),
             Column("status", "状況"), Column("updated", "更新日"), Column("url", "URL")]
    recs = []
    for c in view.cases:
        rec = {"slug": c.slug, "title": c.title, "summary": c.summary, "fiscal_year": c.fiscal_year,
               "fiscal_year_label": fiscal_year_short(c.fiscal_year),
               "organizations": "、".join(c.organizations), "period": c.period, "budget": c.budget,
               "status": c.status, "updated": c.updated.isoformat() if c.updated else None,
               "url": site.base_url + c.url}
        for f in view.taxonomy:
            rec[f.key] = "、".join(t.label for t in c.terms.get(f.key, ()))
        recs.append(rec)
    return csv_bytes(cols, recs)


def download_files(view) -> list[tuple[str, bytes]]:
    """The FILE_PROVIDERS entry: every CSV/JSON download."""
    return sorted(table_files(view).items())


def size_text(n: int) -> str:
    """Byte size in Japanese: '812 バイト', '3.4 KB', '1.2 MB'."""
    if n < 1024:
        return f"{n} バイト"
    if n >= 1024 * 1024:
        mb10 = (n * 10 + 512 * 1024) // (1024 * 1024)
        return f"{mb10 // 10}.{mb10 % 10} MB"
    kb10 = (n * 10 + 512) // 1024
    return f"{kb10 // 10}.{kb10 % 10} KB"
