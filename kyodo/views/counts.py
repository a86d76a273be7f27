"""The one place where cases are counted.

Pages, ``data/stats.json``, CSV, charts, embeds and the booklet all read these
numbers. The convention is the 2008 survey's: a case carrying several terms
of a facet counts once for each, so a facet's ``assignments`` (the sum over
its terms) can exceed the number of cases, and shares are stated against
the assignments with the denominator named.

Every percentage is an integer number of tenths (``share_tenths``), rounded
half up on its own; HTML, CSV and JSON all format that same integer, so they
never disagree and a column may add up to 99.9 or 100.1 as the survey's does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kyodo.core.case import Case
from kyodo.core.taxonomy import Facet, Taxonomy, Term


def share_tenths(part: int, whole: int) -> int | None:
    """``part/whole`` as a percentage in tenths, rounded half up, from integers.

    103/181 -> 569 (56.9 %). None when ``whole`` is 0 (an empty table).
    """
    if whole <= 0:
        return None
    return (part * 2000 + whole) // (2 * whole)


def tenths_value(t: int | None) -> float | None:
    """569 -> 56.9 (for JSON); None stays None."""
    return None if t is None else t / 10


def tenths_text(t: int | None, empty: str = "—") -> str:
    """569 -> '56.9'; None -> ``empty``."""
    if t is None:
        return empty
    sign = "-" if t < 0 else ""
    t = abs(t)
    return f"{sign}{t // 10}.{t % 10}"


def percent_text(t: int | None) -> str:
    """569 -> '56.9%'; None -> '—' (nothing to divide by)."""
    return "—" if t is None else tenths_text(t) + "%"


def share(part: int, whole: int) -> float | None:
    return tenths_value(share_tenths(part, whole))


def share_text(part: int, whole: int) -> str:
    """'56.9' (or '—' when there is nothing to divide by)."""
    return tenths_text(share_tenths(part, whole))


# ---------------------------------------------------------------------------
# Chart-ready rows: what the chart macros and tables take.


@dataclass(frozen=True)
class Bar:
    """One bar: a label, a count and (optionally) its share in tenths."""
    label: str
    value: int
    tenths: int | None = None
    key: str = ""              # term slug or year
    sublabel: str = ""         # e.g. the 西暦 under a 和暦 year label

    @property
    def share(self) -> str:
        return tenths_text(self.tenths)


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar: a column term within one row."""
    label: str
    key: str
    value: int
    tenths: int | None                # share of the row's total
    average: int | None = None        # the overall share of this column, tenths
    above: bool = False               # the row's share is above the overall one

    @property
    def share(self) -> str:
        return tenths_text(self.tenths)

    @property
    def diff(self) -> int | None:
        """Points above (+) or below (-) the average, in tenths."""
        if self.tenths is None or self.average is None:
            return None
        return self.tenths - self.average


@dataclass(frozen=True)
class StackRow:
    label: str
    key: str
    total: int
    segments: tuple[Segment, ...]
    is_average: bool = False


# ---------------------------------------------------------------------------
# Counts


@dataclass
class TermCount:
    term: Term
    cases: int


@dataclass
class FacetCount:
    facet: Facet
    terms: list[TermCount]
    total_cases: int = 0               # cases in scope (the denominator for share of cases)

    @property
    def assignments(self) -> int:
        return sum(t.cases for t in self.terms)

    @property
    def exceeds(self) -> bool:
        """The classifications outnumber the cases (some case counts twice)."""
        return self.assignments > self.total_cases

    def share_of_assignments(self, tc: TermCount) -> int | None:
        return share_tenths(tc.cases, self.assignments)

    def share_of_cases(self, tc: TermCount) -> int | None:
        return share_tenths(tc.cases, self.total_cases)

    def bars(self) -> list[Bar]:
        total = self.assignments
        return [Bar(tc.term.name if tc.term.short or not tc.term.title else f"{tc.term.label}（{tc.term.title}）",
                    tc.cases, share_tenths(tc.cases, total), tc.term.slug)
                for tc in self.terms]

    def sum_of_shares(self) -> int | None:
        """The sum of the separately rounded shares (999, 1000 or 1001 …)."""
        shares = [self.share_of_assignments(tc) for tc in self.terms]
        return None if any(s is None for s in shares) else sum(shares)


@dataclass
class Crosstab:
    rows: Facet
    cols: Facet
    cells: dict[str, dict[str, int]]      # row slug -> col slug -> cases with both
    col_counts: dict[str, int] = field(default_factory=dict)   # col slug -> cases carrying it

    @property
    def key(self) -> str:
        return f"{self.rows.key}/{self.cols.key}"

    @property
    def slug(self) -> str:
        """URL-safe name: facet keys never contain '-'."""
        return f"{self.rows.key}-{self.cols.key}"

    @property
    def col_total(self) -> int:
        return sum(self.col_counts.values())

    def row_total(self, row: str) -> int:
        return sum(self.cells[row].values())

    def row_share(self, row: str, col: str) -> int | None:
        """The share of the row's classifications that fall in ``col`` (tenths)."""
        return share_tenths(self.cells[row][col], self.row_total(row))

    def average(self, col: str) -> int | None:
        """The overall share of ``col`` among all its facet's classifications (tenths)."""
        return share_tenths(self.col_counts.get(col, 0), self.col_total)

    def above(self, row: str, col: str) -> bool:
        s, a = self.row_share(row, col), self.average(col)
        return s is not None and a is not None and s > a

    def above_cells(self) -> dict[str, list[str]]:
        return {r.slug: [c.slug for c in self.cols.terms if self.above(r.slug, c.slug)]
                for r in self.rows.terms}

    def stack_rows(self, with_average: bool = True) -> list[StackRow]:
        out = []
        for r in self.rows.terms:
            segs = tuple(Segment(c.name, c.slug, self.cells[r.slug][c.slug],
                                 self.row_share(r.slug, c.slug), self.average(c.slug),
                                 self.above(r.slug, c.slug)) for c in self.cols.terms)
            out.append(StackRow(r.name, r.slug, self.row_total(r.slug), segs))
        if with_average:
            segs = tuple(Segment(c.name, c.slug, self.col_counts.get(c.slug, 0), self.average(c.slug),
                                 self.average(c.slug)) for c in self.cols.terms)
            out.append(StackRow("全体（平均）", "", self.col_total, segs, is_average=True))
        return out


@dataclass
class Trend:
    """One facet, year by year (every year from the first to the last, gaps as 0)."""
    facet: Facet
    years: list[int]
    counts: dict[str, list[int]]          # term slug -> cases per year, aligned with ``years``

    def year_total(self, i: int) -> int:
        return sum(v[i] for v in self.counts.values())

    def stack_rows(self) -> list[StackRow]:
        from kyodo.text.wareki import fiscal_year_short

        out = []
        for i, year in enumerate(self.years):
            total = self.year_total(i)
            segs = tuple(Segment(t.name, t.slug, self.counts[t.slug][i], share_tenths(self.counts[t.slug][i], total))
                         for t in self.facet.terms)
            out.append(StackRow(fiscal_year_short(year), str(year), total, segs))
        return out


@dataclass
class Stats:
    cases: int
    facets: dict[str, FacetCount]
    crosstabs: dict[str, Crosstab]
    years: list[tuple[int, int]]          # (fiscal year, cases), oldest first
    extra: dict = field(default_factory=dict)
    span: list[int] = field(default_factory=list)        # every year from first to last
    trends: dict[str, Trend] = field(default_factory=dict)
    by_year: dict[int, "Stats"] = field(default_factory=dict)   # one fiscal year's own Stats
    year: int | None = None               # set on a by_year entry
    # The tables printed from these counts (kyodo.views.tables.Tables), built once on first use.
    tables: object = field(default=None, repr=False, compare=False)

    def terms_only(self) -> "Stats":
        """These counts with only what :meth:`term_count` reads (each facet's terms): for a
        kept context whose templates read no statistics (kyodo/commands/snapshot.py)."""
        return Stats(self.cases, self.facets, {}, [])

    def term_count(self, term: Term) -> int:
        fc = self.facets.get(term.facet)
        return next((t.cases for t in fc.terms if t.term == term), 0) if fc else 0

    def year_bars(self) -> list[Bar]:
        """Cases per fiscal year over the whole span (a year with none is 0)."""
        from kyodo.text.wareki import fiscal_year_short

        n = dict(self.years)
        return [Bar(fiscal_year_short(y), n.get(y, 0), share_tenths(n.get(y, 0), self.cases), str(y), f"{y}年度")
                for y in self.span]


def count(cases: list[Case], taxonomy: Taxonomy, crosstabs: list[tuple[str, str]],
          per_year: bool = True) -> Stats:
    """Every count of ``cases``; with ``per_year``, each fiscal year's own too
    (``by_year``), tallied in the same single pass over the cases."""
    pairs = {f"{a}/{b}": (a, b) for a, b in crosstabs if a in taxonomy and b in taxonomy}
    tallies = _tally(cases, taxonomy, pairs)
    # The whole: each year's tallies added up (a few dozen terms and cells per year).
    per_term: dict[tuple[str, str], int] = {}
    cells = _empty_cells(taxonomy, pairs)
    for n, terms, year_cells in tallies.values():
        for k, v in terms.items():
            per_term[k] = per_term.get(k, 0) + v
        for key, table in year_cells.items():
            whole = cells[key]
            for r, row in table.items():
                whole_row = whole[r]
                for c, v in row.items():
                    whole_row[c] += v
    stats = _stats(taxonomy, pairs, tallies, per_term, cells)
    if per_year:
        for y in sorted(tallies):
            sub = _stats(taxonomy, pairs, {y: tallies[y]}, tallies[y][1], tallies[y][2])
            sub.year = y
            stats.by_year[y] = sub
    return stats


def _empty_cells(taxonomy: Taxonomy, pairs: dict) -> dict[str, dict[str, dict[str, int]]]:
    return {key: {r.slug: {c.slug: 0 for c in taxonomy[b].terms} for r in taxonomy[a].terms}
            for key, (a, b) in pairs.items()}


def _tally(cases: list[Case], taxonomy: Taxonomy, pairs: dict) -> dict[int, tuple]:
    """fiscal year -> (cases, uses of each (facet, slug), crosstab cells), in one pass.
    Counted by (facet, slug): plain strings hash in C (a Term's hash is Python code)."""
    counts: dict[int, int] = {}
    uses: dict[int, dict[tuple[str, str], int]] = {}
    cells: dict[int, dict] = {}
    for case in cases:
        year = case.fiscal_year
        if year not in counts:
            counts[year], uses[year], cells[year] = 0, {}, _empty_cells(taxonomy, pairs)
        counts[year] += 1
        per_term, tables = uses[year], cells[year]
        for terms in case.terms.values():
            for term in terms:
                k = (term.facet, term.slug)
                per_term[k] = per_term.get(k, 0) + 1
        for key, (a, b) in pairs.items():
            table = tables[key]
            for r in case.terms.get(a, ()):
                row = table[r.slug]
                for c in case.terms.get(b, ()):
                    row[c.slug] += 1
    return {y: (counts[y], uses[y], cells[y]) for y in counts}


def _stats(taxonomy: Taxonomy, pairs: dict, tallies: dict[int, tuple], per_term: dict, cells: dict) -> Stats:
    n = sum(t[0] for t in tallies.values())
    facets = {f.key: FacetCount(f, [TermCount(t, per_term.get((t.facet, t.slug), 0)) for t in f.terms], n)
              for f in taxonomy}
    tabs = {key: Crosstab(taxonomy[a], taxonomy[b], cells[key],
                          {t.slug: per_term.get((t.facet, t.slug), 0) for t in taxonomy[b].terms})
            for key, (a, b) in pairs.items()}
    years = sorted((y, t[0]) for y, t in tallies.items())
    span = list(range(years[0][0], years[-1][0] + 1)) if years else []
    uses = {y: t[1] for y, t in tallies.items()}
    none: dict = {}   # a year of the span without cases
    trends = {f.key: Trend(f, span, {t.slug: [uses.get(y, none).get((t.facet, t.slug), 0) for y in span]
                                     for t in f.terms})
              for f in taxonomy}
    return Stats(n, facets, tabs, years, span=span, trends=trends, by_year={})


# ---------------------------------------------------------------------------
# data/stats.json


def _facets_json(stats: Stats) -> dict:
    facets = {}
    for key, fc in stats.facets.items():
        total = fc.assignments
        facets[key] = {
            "label": fc.facet.label,
            "multiple": fc.facet.multiple,
            "assignments": total,
            "terms": [{"slug": t.term.slug, "label": t.term.label, "cases": t.cases,
                       "share_of_assignments": share(t.cases, total),
                       "share_of_cases": share(t.cases, stats.cases)} for t in fc.terms],
        }
    return facets


def _crosstabs_json(stats: Stats) -> dict:
    crosstabs = {}
    for key, tab in stats.crosstabs.items():
        crosstabs[key] = {
            "rows_facet": tab.rows.key,
            "cols_facet": tab.cols.key,
            "rows": tab.cells,
            "row_totals": {r.slug: tab.row_total(r.slug) for r in tab.rows.terms},
            "row_shares": {r.slug: {c.slug: tenths_value(tab.row_share(r.slug, c.slug)) for c in tab.cols.terms}
                           for r in tab.rows.terms},
            "average": {c.slug: tenths_value(tab.average(c.slug)) for c in tab.cols.terms},
            "above_average": tab.above_cells(),
        }
    return crosstabs


def stats_json(stats: Stats) -> dict:
    """The contract's ``data/stats.json`` (extended with labels, shares, trends, years)."""
    from kyodo.text.wareki import fiscal_year_short

    data = {
        "cases": stats.cases,
        "facets": _facets_json(stats),
        "crosstabs": _crosstabs_json(stats),
        "years": [{"year": y, "label": fiscal_year_short(y), "cases": n} for y, n in stats.years],
        "trends": {key: {"years": tr.years, "terms": tr.counts} for key, tr in stats.trends.items()},
    }
    if "organizations" in stats.extra:   # only when content/organizations/ has organisations
        data["organizations"] = org_stats_json(stats.extra["organizations"])
    if stats.by_year:
        data["by_year"] = {str(y): {"cases": s.cases, "facets": _facets_json(s), "crosstabs": _crosstabs_json(s)}
                           for y, s in stats.by_year.items()}
    return data


# ---------------------------------------------------------------------------
# Organisations (団体情報バンク): the registered organisations are the
# denominator; a case naming several registered organisations counts once
# for each of them.


@dataclass
class OrgStats:
    organizations: int                    # registered organisations (the denominator)
    by_kind: list[Bar]                    # organisations per kind (share of ``organizations``)
    distribution: list[Bar]               # organisations with k cases, k = 0 … max (key = str(k))
    repeat: int                           # organisations with two cases or more
    active: int                           # organisations with at least one case
    cases: int                            # cases in scope
    linked_cases: int                     # cases naming at least one registered organisation
    links: int                            # (case, registered organisation) pairs

    @property
    def repeat_tenths(self) -> int | None:
        return share_tenths(self.repeat, self.organizations)

    @property
    def active_tenths(self) -> int | None:
        return share_tenths(self.active, self.organizations)

    @property
    def linked_tenths(self) -> int | None:
        return share_tenths(self.linked_cases, self.cases)


def count_organizations(kinds: list[tuple[str, str, int]], per_org: list[int], cases: int,
                        linked_cases: int) -> OrgStats:
    """``kinds``: (slug, label, organisations) in vocabulary order; ``per_org``: each
    registered organisation's number of cases."""
    n = len(per_org)
    by_kind = [Bar(label, k, share_tenths(k, n), slug) for slug, label, k in kinds]
    top = max(per_org, default=0)
    dist = [Bar(f"{k}件", sum(1 for v in per_org if v == k), None, str(k)) for k in range(top + 1)]
    dist = [Bar(b.label, b.value, share_tenths(b.value, n), b.key) for b in dist]
    return OrgStats(n, by_kind, dist, sum(1 for v in per_org if v >= 2), sum(1 for v in per_org if v >= 1),
                    cases, linked_cases, sum(per_org))


def org_stats_json(o: OrgStats) -> dict:
    return {
        "organizations": o.organizations,
        "by_kind": [{"slug": b.key, "label": b.label, "organizations": b.value,
                     "share": tenths_value(b.tenths)} for b in o.by_kind],
        "cases_per_organization": [{"cases": int(b.key), "organizations": b.value,
                                    "share": tenths_value(b.tenths)} for b in o.distribution],
        "repeat": {"organizations": o.repeat, "share": tenths_value(o.repeat_tenths)},
        "active": {"organizations": o.active, "share": tenths_value(o.active_tenths)},
        "cases": o.cases,
        "linked_cases": {"cases": o.linked_cases, "share": tenths_value(o.linked_tenths)},
        "links": o.links,
    }
