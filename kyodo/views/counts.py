"""The one place where cases are counted.

Pages, ``data/stats.json``, CSV, charts and the booklet all read these
numbers. The convention is the 2008 survey's: a case carrying several terms
of a facet counts once for each, so a facet's ``assignments`` (the sum over
its terms) can exceed the number of cases, and shares are stated against
the assignments with the denominator named.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kyodo.model.case import Case
from kyodo.model.taxonomy import Facet, Taxonomy, Term


def share_tenths(part: int, whole: int) -> int | None:
    """``part/whole`` as a percentage in tenths, rounded half up, from integers.

    103/181 -> 569 (56.9 %). None when ``whole`` is 0 (an empty table).
    """
    if whole <= 0:
        return None
    return (part * 2000 + whole) // (2 * whole)


def share(part: int, whole: int) -> float | None:
    t = share_tenths(part, whole)
    return None if t is None else t / 10


def share_text(part: int, whole: int) -> str:
    """'56.9' (or '—' when there is nothing to divide by)."""
    t = share_tenths(part, whole)
    return "—" if t is None else f"{t // 10}.{t % 10}"


@dataclass
class TermCount:
    term: Term
    cases: int


@dataclass
class FacetCount:
    facet: Facet
    terms: list[TermCount]

    @property
    def assignments(self) -> int:
        return sum(t.cases for t in self.terms)


@dataclass
class Crosstab:
    rows: Facet
    cols: Facet
    cells: dict[str, dict[str, int]]      # row slug -> col slug -> cases with both

    @property
    def key(self) -> str:
        return f"{self.rows.key}/{self.cols.key}"


@dataclass
class Stats:
    cases: int
    facets: dict[str, FacetCount]
    crosstabs: dict[str, Crosstab]
    years: list[tuple[int, int]]          # (fiscal year, cases), oldest first
    extra: dict = field(default_factory=dict)

    def term_count(self, term: Term) -> int:
        fc = self.facets.get(term.facet)
        return next((t.cases for t in fc.terms if t.term == term), 0) if fc else 0


def count(cases: list[Case], taxonomy: Taxonomy, crosstabs: list[tuple[str, str]]) -> Stats:
    per_term: dict[Term, int] = {}
    per_year: dict[int, int] = {}
    pairs = {f"{a}/{b}": (a, b) for a, b in crosstabs if a in taxonomy and b in taxonomy}
    cells: dict[str, dict[str, dict[str, int]]] = {
        key: {r.slug: {c.slug: 0 for c in taxonomy[b].terms} for r in taxonomy[a].terms}
        for key, (a, b) in pairs.items()
    }
    for case in cases:
        per_year[case.fiscal_year] = per_year.get(case.fiscal_year, 0) + 1
        for term in case.all_terms():
            per_term[term] = per_term.get(term, 0) + 1
        for key, (a, b) in pairs.items():
            table = cells[key]
            for r in case.terms.get(a, ()):
                row = table[r.slug]
                for c in case.terms.get(b, ()):
                    row[c.slug] += 1
    facets = {f.key: FacetCount(f, [TermCount(t, per_term.get(t, 0)) for t in f.terms]) for f in taxonomy}
    tabs = {key: Crosstab(taxonomy[a], taxonomy[b], cells[key]) for key, (a, b) in pairs.items()}
    return Stats(len(cases), facets, tabs, sorted(per_year.items()))


def stats_json(stats: Stats) -> dict:
    """The contract's ``data/stats.json`` (extended with labels and shares)."""
    from kyodo.text.wareki import fiscal_year_short

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
    crosstabs = {}
    for key, tab in stats.crosstabs.items():
        crosstabs[key] = {
            "rows_facet": tab.rows.key,
            "cols_facet": tab.cols.key,
            "rows": tab.cells,
        }
    return {
        "cases": stats.cases,
        "facets": facets,
        "crosstabs": crosstabs,
        "years": [{"year": y, "label": fiscal_year_short(y), "cases": n} for y, n in stats.years],
    }
