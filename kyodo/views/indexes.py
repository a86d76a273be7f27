"""Which cases carry which term, and which year; neighbours in the catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from kyodo.core.case import Case
from kyodo.core.taxonomy import Taxonomy, Term


@dataclass
class Indexes:
    by_term: dict[Term, list[Case]]
    by_year: dict[int, list[Case]]
    prev: dict[str, Case | None]
    next: dict[str, Case | None]


def build_indexes(cases: list[Case], taxonomy: Taxonomy) -> Indexes:
    by_term: dict[Term, list[Case]] = {t: [] for f in taxonomy for t in f.terms}
    by_year: dict[int, list[Case]] = {}
    for case in cases:
        for term in case.all_terms():
            by_term[term].append(case)
        by_year.setdefault(case.fiscal_year, []).append(case)
    prev = {c.slug: (cases[i - 1] if i > 0 else None) for i, c in enumerate(cases)}
    nxt = {c.slug: (cases[i + 1] if i + 1 < len(cases) else None) for i, c in enumerate(cases)}
    return Indexes(by_term, dict(sorted(by_year.items(), reverse=True)), prev, nxt)
