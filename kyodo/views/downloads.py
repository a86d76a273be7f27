"""CSV and JSON downloads of every statistics table, and ``data/cases.csv``.

The tables come from :mod:`kyodo.views.tables` (the same objects the pages,
the embeds and the booklet print); this module only writes their records.
CSV is UTF-8 with a BOM (so Excel in Japan opens it), header row first, one
record per line, numbers without units, 西暦 years. Shares are written from
the same integer tenths as the pages, so both always agree.
"""

from __future__ import annotations

import csv
import io
import json

from kyodo.text.wareki import fiscal_year_short
from kyodo.views.counts import tenths_text, tenths_value
from kyodo.views.tables import Column, StatTable, published

BOM = "\ufeff"


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


def json_bytes(table: StatTable, site) -> bytes:
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


def table_files(view) -> dict[str, bytes]:
    """path -> bytes for every table (used by the provider and for sizes on pages;
    made once per view)."""
    made = tables_made(view)
    if made is not None:
        return made
    return keep_tables(view, make_tables(view))


def tables_made(view) -> dict[str, bytes] | None:
    """The view's tables when they are made already (or kept from the last build
    with the very same counts), else None."""
    made = getattr(view, "_table_files", None)
    if made is not None:
        return made
    for stats, site, taxonomy, files in _TABLES:   # the last build's, while its counts are the same objects
        if stats is view.stats and site is view.site and taxonomy is view.taxonomy:
            view._table_files = files
            return files
    return None


def keep_tables(view, files: dict[str, bytes]) -> dict[str, bytes]:
    """Take ``files``, made by :func:`make_tables` for this view (in another process)."""
    view._table_files = files
    _TABLES[:] = [(view.stats, view.site, view.taxonomy, files)]
    return files


def make_tables(view) -> dict[str, bytes]:
    """path -> bytes for every table, made anew (see :func:`table_files`)."""
    out: dict[str, bytes] = {}
    for t in published(view.stats):
        out[t.csv_path] = csv_bytes(t.columns, t.records)
        out[t.json_path] = json_bytes(t, view.site)
    out["data/cases.csv"] = cases_csv(view)
    return out


# Counts are reused between builds as the very same object only while no case's
# front matter changed (kyodo/views/model.py), and the case list depends on nothing else.
_TABLES: list = []


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
