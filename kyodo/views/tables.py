"""One model per statistics table: computed once, printed everywhere.

A :class:`StatTable` is what a statistics table shows for one scope (all
years, one fiscal year, or the cases of one booklet): its caption with the
denominator, the column heads, rows of cells (counts, shares as integer
tenths of a percent, the marks ▲ and —), its notes, and the layout of its
CSV/JSON records. The site's statistics pages, the embed pages and the
printed booklet print it with one macro (``stat_table`` in
templates/stats/_macros.html); the CSV/JSON downloads are its records
(kyodo/views/downloads.py). Every figure is formatted from the same integer
everywhere, so the booklet cannot total 100.0 % where the site says 99.9 %.

The numbers come from :mod:`kyodo.views.counts` and keep its convention:
shares of all classifications (延べ件数), each rounded on its own, the
denominator stated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kyodo.core.taxonomy import Term
from kyodo.text.wareki import fiscal_year_label, fiscal_year_short
from kyodo.views.counts import Bar, OrgStats, Stats, percent_text, tenths_text

DASH = "—"          # a cell with nothing to show (no share of a total)
ABOVE = "▲"         # a crosstab share above the overall average


@dataclass(frozen=True)
class Cell:
    """One value cell: a count, a share, or both (``12（56.9%）``)."""
    count: int | None = None     # cases (or classifications)
    tenths: int | None = None    # the share in tenths of a percent; None: nothing to divide by
    share: bool = False          # the cell shows a share (``tenths`` None prints —)
    above: bool | None = None    # crosstab: above the overall share (None: not compared)
    diff: int | None = None      # ... by this many tenths of a point

    @property
    def count_text(self) -> str:
        return DASH if self.count is None else f"{self.count:,}"

    @property
    def share_text(self) -> str:
        """'56.9%', or — when there is nothing to divide by."""
        return percent_text(self.tenths)

    @property
    def text(self) -> str:
        """The cell as printed, marks aside: '12', '56.9%', '12（56.9%）' or '—'."""
        if self.count is not None:
            return self.count_text + (f"（{self.share_text}）" if self.share else "")
        return self.share_text if self.share else DASH

    @property
    def mark(self) -> str:
        return ABOVE if self.above else ""

    @property
    def mark_note(self) -> str:
        """What the mark means, for screen readers."""
        return f"全体の平均より {tenths_text(self.diff)} ポイント高い" if self.above else ""


@dataclass(frozen=True)
class Head:
    """A column head: plain text, or a term (printed with its short meaning)."""
    label: str
    term: Term | None = None
    sub: str = ""                # a note under the head, e.g. （延べ件数に対する）


@dataclass(frozen=True)
class Row:
    key: str | int               # term slug, fiscal year, '' for a total or average row
    label: str                   # the record's label in CSV/JSON
    cells: tuple[Cell, ...]      # aligned with the table's heads
    name: str = ""               # the printed row head (default: ``label``)
    sub: str = ""                # a line under it (a term's title, the 西暦 year)
    url: str = ""                # the site page the row head links to ('' for none)
    term: bool = False           # the row head is a term (never broken inside)
    foot: bool = False           # a total or average row (<tfoot>)
    record: bool = True          # a record of the CSV/JSON download

    @property
    def head(self) -> str:
        return self.name or self.label


@dataclass
class Column:
    """A column of the CSV/JSON records."""
    key: str                     # JSON key
    label: str                   # CSV header (Japanese)
    share: bool = False          # a percentage held as tenths
    cell: int = -1               # the displayed column it reads (-1: the row's own key or label)
    part: str = ""               # "key", "label", "count", "tenths" or "above"

    def value(self, row: Row):
        if self.cell < 0:
            return row.key if self.part == "key" else row.label
        c = row.cells[self.cell]
        if self.part == "above":
            return None if c.above is None else int(c.above)
        return c.tenths if self.part == "tenths" else c.count


@dataclass
class StatTable:
    name: str                    # file and embed name: "facet-partner", "2024-cross-partner-domain"
    title: str                   # e.g. 協働の主体別の事例数（令和6年度）
    caption: str                 # the printed caption, with the denominator
    label: str                   # the accessible name of the table's scroll box
    corner: str                  # the head of the row-head column
    heads: list[Head]
    rows: list[Row]              # in record order (oldest year first)
    columns: list[Column]        # the CSV/JSON record layout
    notes: list[str] = field(default_factory=list)   # with the downloads
    note: str = ""               # one short line under a lone table (embed page, booklet)
    exceeds_note: str = ""       # says the classifications outnumber the cases (when they do)
    newest_first: bool = False   # printed with the newest year first
    nowrap: bool = False         # row heads never wrap (years)
    crosstab: bool = False       # ▲ cells are highlighted

    @property
    def body(self) -> list[Row]:
        rows = [r for r in self.rows if not r.foot]
        return rows[::-1] if self.newest_first else rows

    @property
    def foot(self) -> list[Row]:
        return [r for r in self.rows if r.foot]

    @property
    def records(self) -> list[dict]:
        return [{c.key: c.value(r) for c in self.columns} for r in self.rows if r.record]

    @property
    def csv_path(self) -> str:
        return f"data/stats/{self.name}.csv"

    @property
    def json_path(self) -> str:
        return f"data/stats/{self.name}.json"


@dataclass
class Tables:
    """Every statistics table of one scope, keyed like :class:`Stats`."""
    facets: dict[str, StatTable]
    crosstabs: dict[str, StatTable]       # "rows/cols"
    years: StatTable
    trends: dict[str, StatTable]


def tables(stats: Stats) -> Tables:
    """The tables of ``stats``, built on first use and kept with it."""
    if stats.tables is None:
        stats.tables = Tables({k: facet_table(stats, k) for k in stats.facets},
                              {k: crosstab_table(stats, k) for k in stats.crosstabs},
                              years_table(stats), {k: trend_table(stats, k) for k in stats.trends})
    return stats.tables


def published(stats: Stats) -> list[StatTable]:
    """Every table the site publishes (page, embed, download), in page order: the
    whole catalogue's, then each fiscal year's facets and crosstabs."""
    t = tables(stats)
    out = [*t.facets.values(), *t.crosstabs.values(), t.years, *t.trends.values()]
    for s in stats.by_year.values():
        ty = tables(s)
        out += [*ty.facets.values(), *ty.crosstabs.values()]
    return out


# ---------------------------------------------------------------------------
# The tables


def scope_prefix(year: int | None) -> str:
    return f"{year}-" if year is not None else ""


def scope_title(year: int | None) -> str:
    return f"（{fiscal_year_label(year)}）" if year is not None else ""


def _key_columns(key: str, key_label: str, label_label: str) -> list[Column]:
    return [Column(key, key_label, part="key"), Column("label", label_label, part="label")]


def facet_table(stats: Stats, key: str) -> StatTable:
    """One facet: 件数, the share of all classifications, the share of cases; the total."""
    fc = stats.facets[key]
    f, year = fc.facet, stats.year
    rows = [Row(tc.term.slug, tc.term.label,
                (Cell(tc.cases), Cell(tenths=fc.share_of_assignments(tc), share=True),
                 Cell(tenths=fc.share_of_cases(tc), share=True)),
                name=tc.term.name, sub=tc.term.title, url=tc.term.url, term=True)
            for tc in fc.terms]
    rows.append(Row("", "合計（延べ件数）", (Cell(fc.assignments), Cell(tenths=fc.sum_of_shares(), share=True), Cell()),
                    foot=True, record=False))
    heads = [Head("件数"), Head("割合", sub="（延べ件数に対する）"), Head("事例数に対する割合")]
    columns = _key_columns("slug", "スラッグ", f.label) + [
        Column("cases", "件数", cell=0, part="count"),
        Column("share_of_assignments", "延べ件数に対する割合（%）", True, 1, "tenths"),
        Column("share_of_cases", "事例数に対する割合（%）", True, 2, "tenths")]
    notes = [f"延べ件数 {fc.assignments} 件（事例 {stats.cases} 件）。割合は延べ件数に対する割合で、"
             "それぞれ小数第 2 位を四捨五入しています。"]
    if f.multiple:
        notes.append("1 件の事例が複数の値にあてはまることがあるため、件数の合計が事例数を上回ることがあります。")
    exceeds = (f"1 件の事例が複数の{f.label}にあてはまるため、延べ件数（{fc.assignments:,} 件）は"
               f"事例数（{stats.cases:,} 件）を上回ります。") if fc.exceeds else ""
    note = f"割合は延べ {fc.assignments:,} 件（事例 {stats.cases:,} 件）に対する割合です。" + (
        "1 件の事例が複数の値にあてはまるため、延べ件数は事例数を上回ります。" if fc.exceeds else "")
    title = f"{f.label}別の事例数"
    return StatTable(f"{scope_prefix(year)}facet-{key}", title + scope_title(year),
                     f"{title}（延べ {fc.assignments:,} 件、事例 {stats.cases:,} 件）", title, f.label,
                     heads, rows, columns, notes, note, exceeds)


def crosstab_table(stats: Stats, key: str) -> StatTable:
    """Row terms × column terms: counts, each row's shares, the overall average row;
    ▲ marks a share above the average."""
    tab = stats.crosstabs[key]
    year = stats.year
    rows = []
    for r, sr in zip([*tab.rows.terms, None], tab.stack_rows()):
        cells = tuple(Cell(s.value, s.tenths, True, None if sr.is_average else s.above,
                           None if sr.is_average else s.diff) for s in sr.segments) + (Cell(sr.total),)
        if r is None:
            rows.append(Row(sr.key, sr.label, cells, foot=True))
        else:
            rows.append(Row(sr.key, sr.label, cells, url=r.url, term=True))
    n = len(tab.cols.terms)
    heads = [Head(c.label, c) for c in tab.cols.terms] + [Head("合計")]
    columns = _key_columns("slug", "スラッグ", tab.rows.label)
    columns += [Column(f"cases_{c.slug}", f"{c.label}（件数）", cell=i, part="count") for i, c in enumerate(tab.cols.terms)]
    columns.append(Column("total", "合計（件数）", cell=n, part="count"))
    columns += [Column(f"share_{c.slug}", f"{c.label}（行内の割合%）", True, i, "tenths")
                for i, c in enumerate(tab.cols.terms)]
    columns += [Column(f"above_{c.slug}", f"{c.label}（平均より高い=1）", cell=i, part="above")
                for i, c in enumerate(tab.cols.terms)]
    notes = [f"各行の割合は、その{tab.rows.label}の延べ件数に対する{tab.cols.label}ごとの割合です。"
             f"最後の行「全体（平均）」は、全事例の{tab.cols.label}の割合です。"]
    pair = f"{tab.rows.label}×{tab.cols.label}"
    return StatTable(f"{scope_prefix(year)}cross-{tab.slug}", f"{pair}の事例数{scope_title(year)}",
                     f"{pair}の事例数と、行ごとの割合", f"{pair}の表", tab.rows.label, heads, rows, columns, notes,
                     "行ごとの割合と、全体（平均）の割合です。▲ は平均より割合が高いことを示します。", crosstab=True)


def years_table(stats: Stats) -> StatTable:
    """Cases per fiscal year over the whole span (a year with none is 0), newest first."""
    rows = [Row(int(b.key), b.label, (Cell(b.value), Cell(tenths=b.tenths, share=True)),
                name=fiscal_year_label(int(b.key)), url=f"stats/year/{b.key}/" if b.value else "")
            for b in stats.year_bars()]
    columns = _key_columns("year", "年度（西暦）", "年度（和暦）") + [
        Column("cases", "件数", cell=0, part="count"), Column("share", "割合（%）", True, 1, "tenths")]
    return StatTable("years", "年度別の事例数", f"年度別の事例数（新しい年度から。事例 {stats.cases:,} 件）",
                     "年度別の事例数の表", "年度", [Head("件数"), Head("割合")], rows, columns,
                     [f"事例 {stats.cases} 件に対する割合です。"], newest_first=True, nowrap=True)


def trend_table(stats: Stats, key: str) -> StatTable:
    """One facet, year by year: counts per term and the year's classifications."""
    tr = stats.trends[key]
    f = tr.facet
    rows = [Row(y, fiscal_year_short(y), tuple(Cell(tr.counts[t.slug][i]) for t in f.terms) + (Cell(tr.year_total(i)),),
                sub=f"{y}年度")
            for i, y in enumerate(tr.years)]
    n = len(f.terms)
    columns = _key_columns("year", "年度（西暦）", "年度（和暦）")
    columns += [Column(f"cases_{t.slug}", f"{t.label}（件数）", cell=i, part="count") for i, t in enumerate(f.terms)]
    columns.append(Column("total", "延べ件数", cell=n, part="count"))
    return StatTable(f"trend-{key}", f"年度別・{f.label}別の事例数", f"年度別・{f.label}別の事例数（新しい年度から）",
                     f"年度別・{f.label}別の表", "年度", [Head(t.label, t) for t in f.terms] + [Head("延べ件数")],
                     rows, columns,
                     ["1 件の事例が複数の値にあてはまるときは、それぞれに数えています。"] if f.multiple else [],
                     newest_first=True, nowrap=True)


def bar_table(name: str, title: str, corner: str, bars: list[Bar], whole: str, unit: str) -> StatTable:
    """Counts and shares of one whole (e.g. the registered organisations by kind):
    ``whole`` names the denominator in the caption, ``unit`` heads the counts."""
    rows = [Row(b.key, b.label, (Cell(b.value), Cell(tenths=b.tenths, share=True))) for b in bars]
    columns = _key_columns("key", "キー", corner) + [Column("count", unit, cell=0, part="count"),
                                                     Column("share", "割合（%）", True, 1, "tenths")]
    return StatTable(name, title, f"{title}（{whole}）", f"{title}の表", corner,
                     [Head(unit), Head("割合")], rows, columns)


def organization_tables(o: OrgStats) -> dict[str, StatTable]:
    """The tables of stats/organizations/: organisations by kind, and by their number of cases."""
    whole = f"登録団体 {o.organizations:,} 団体"
    return {"kind": bar_table("organizations-kind", "種類別の協働団体の数", "種類", o.by_kind, whole, "団体数"),
            "distribution": bar_table("organizations-cases", "協働した事例の数ごとの団体の数", "協働した事例の数",
                                      o.distribution, whole, "団体数")}
