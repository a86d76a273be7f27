"""Which cases a booklet holds: all of them, or a subset by year and facet terms.

``--year 2024`` (or 令和6 / R6) and ``--filter domain=c`` (a term's slug or
label). Several years are alternatives; filters on different facets must all
hold, several terms of one facet are alternatives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kyodo.errors import UsageError
from kyodo.core.case import Case
from kyodo.core.taxonomy import Taxonomy, Term
from kyodo.text.wareki import fiscal_year_short, parse_wareki


@dataclass
class Selection:
    years: tuple[int, ...] = ()
    terms: dict[str, tuple[Term, ...]] = field(default_factory=dict)   # facet key -> alternatives

    @property
    def is_subset(self) -> bool:
        return bool(self.years or self.terms)

    def keeps(self, case: Case) -> bool:
        if self.years and case.fiscal_year not in self.years:
            return False
        return all(any(t in case.terms.get(key, ()) for t in terms) for key, terms in self.terms.items())

    def edition(self, taxonomy: Taxonomy) -> str:
        """'令和6年度版', '協働の領域「C」編', '令和6年度版（協働の領域「C」）' or ''."""
        years = "・".join(fiscal_year_short(y) for y in sorted(self.years))
        facets = "・".join(f"{taxonomy[key].label}「{'・'.join(t.label for t in terms)}」"
                           for key, terms in self.terms.items())
        if years and facets:
            return f"{years}版（{facets}）"
        if years:
            return f"{years}版"
        return f"{facets}編" if facets else ""

    def file_name(self) -> str:
        """booklet.pdf, booklet-2024.pdf, booklet-domain-c.pdf, …"""
        parts = [str(y) for y in sorted(self.years)]
        parts += [f"{key}-{'-'.join(t.slug for t in terms)}" for key, terms in self.terms.items()]
        return "-".join(["booklet", *parts]) + ".pdf"


def parse_selection(years: list[str], filters: list[str], taxonomy: Taxonomy) -> Selection:
    """Parse the command line's --year and --filter values (messages in Japanese)."""
    picked: list[int] = []
    for raw in years:
        text = str(raw).strip()
        year = int(text) if text.isdigit() else parse_wareki(text)
        if year is None or not 1900 <= year <= 2200:
            raise UsageError(f"--year「{raw}」は年度として読めません。2024 や 令和6 のように書いてください")
        if year not in picked:
            picked.append(year)
    terms: dict[str, list[Term]] = {}
    names = "、".join(taxonomy.facets)
    for raw in filters:
        key, sep, value = str(raw).partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise UsageError(f"--filter「{raw}」は「分類=値」の形で書いてください（例: --filter {next(iter(taxonomy.facets), 'partner')}=…）")
        if key not in taxonomy:
            raise UsageError(f"--filter の分類「{key}」は taxonomy.yml にありません（使える分類: {names}）")
        facet = taxonomy[key]
        term = facet.resolve(value)
        if term is None:
            hint = facet.suggest(value)
            guess = f"「{hint.slug}」（{hint.label}）のことですか。" if hint else ""
            raise UsageError(f"--filter の値「{value}」は{facet.label}（{key}）にありません。{guess}"
                             f"使える値: " + "、".join(f"{t.slug}（{t.label}）" for t in facet.terms))
        bucket = terms.setdefault(key, [])
        if term not in bucket:
            bucket.append(term)
    ordered = {key: tuple(sorted(ts, key=lambda t: taxonomy[key].terms.index(t))) for key, ts in terms.items()}
    return Selection(tuple(sorted(picked)), ordered)
