"""The booklet's structure, derived from the validated content.

Cases are printed once each, in numbered order: grouped by the configured
facet (a case with several terms of that facet is printed in the group of its
first term and listed on the other groups' title pages), catalogue order
within a group. Figures are the counts of exactly the cases in the booklet
(:func:`scope_stats`), printed from the site's table models
(kyodo/views/tables.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kyodo.validate.booklet import BookletConfig
from kyodo.views.booklet.selection import Selection
from kyodo.markdown.render import Markdown, Rendered
from kyodo.core.case import Case
from kyodo.core.guideline import Chapter
from kyodo.core.taxonomy import Facet, Term
from kyodo.parallel import pmap
from kyodo.text.wareki import fiscal_year_short
from kyodo.views.counts import Stats, count
from kyodo.views.model import SiteView, term_resolver
from kyodo.views.tables import Tables, tables

BOOKLET_ROOT = "../"      # the print page lives one folder down: booklet/
COMPACT_BELOW = 20        # editions with fewer cases get the compact statistics section


@dataclass
class Entry:
    """One case as printed: its number, anchor and body."""
    number: int
    case: Case
    body: Rendered
    spread: bool = False           # two pages or more: starts on a left-hand page (booklet/layout.py)

    @property
    def anchor(self) -> str:
        return f"case-{self.case.slug}"


@dataclass
class Group:
    term: Term | None
    label: str                     # heading, e.g. 協働の領域 B
    running: str                   # running header text
    entries: list[Entry]
    also: list[Entry] = field(default_factory=list)   # carry the term, printed in another group
    spread: bool = False           # small editions: the chapter opens a two-page case (layout.py)

    @property
    def anchor(self) -> str:
        return f"group-{self.term.slug}" if self.term else "group-all"

    @property
    def toc_label(self) -> str:
        """The heading with the term's longer name, e.g. 協働の領域 B　区が主導し…"""
        return f"{self.label}　{self.term.title}" if self.term and self.term.title else self.label


@dataclass
class IndexTerm:
    term: Term
    entries: list[Entry]


@dataclass
class IndexFacet:
    facet: Facet
    terms: list[IndexTerm]


@dataclass
class GuidePart:
    chapter: Chapter
    body: Rendered

    @property
    def anchor(self) -> str:
        return f"guide-{self.chapter.slug}"


@dataclass
class Booklet:
    config: BookletConfig
    title: str
    edition: str                   # '' for the whole catalogue, else 令和6年度版 …
    organization: str
    years_label: str               # fiscal years covered
    issued: dt.date | None
    intro_title: str
    intro_html: str
    guide: list[GuidePart]
    group_facet: Facet | None
    groups: list[Group]
    entries: list[Entry]
    stats: Stats
    index: list[IndexFacet]
    file_name: str
    memo_pages: int = 0            # notes pages that pad the page count to a multiple of 4

    @property
    def tables(self) -> Tables:
        """The statistics tables, the very models the site's pages print."""
        return tables(self.stats)

    @property
    def compact(self) -> bool:
        """A small edition: statistics as tables only, flowing on few pages."""
        return len(self.entries) < COMPACT_BELOW

    @property
    def full_title(self) -> str:
        return f"{self.title} {self.edition}" if self.edition else self.title

    @property
    def issued_label(self) -> str:
        return date_label(self.issued) if self.issued else ""


# First day of each era (a calendar date, unlike fiscal years which follow 1 April).
ERA_STARTS = ((dt.date(2019, 5, 1), "令和"), (dt.date(1989, 1, 8), "平成"), (dt.date(1926, 12, 25), "昭和"))


def date_label(day: dt.date) -> str:
    """2025-03-31 -> '令和7年3月31日（2025年3月31日）'; 2019-05-01 -> '令和元年5月1日（…）'."""
    western = f"{day.year}年{day.month}月{day.day}日"
    for start, name in ERA_STARTS:
        if day >= start:
            n = day.year - start.year + 1
            return f"{name}{'元' if n == 1 else n}年{day.month}月{day.day}日（{western}）"
    return western


def years_label(stats: Stats) -> str:
    years = [y for y, _ in stats.years]
    if not years:
        return ""
    first, last = min(years), max(years)
    if first == last:
        return f"{fiscal_year_short(first)}（{first}年度）"
    return f"{fiscal_year_short(first)}〜{fiscal_year_short(last)}（{first}〜{last}年度）"


def scope_stats(view: SiteView, selection: Selection, cases: list[Case]) -> Stats:
    """The counts of the booklet's cases: the site's own (the whole catalogue, or
    one fiscal year's, as on stats/year/<year>/), counted anew only for a
    selection that no statistics page shows."""
    if not selection.is_subset:
        return view.stats
    if not selection.terms and len(selection.years) == 1 and selection.years[0] in view.stats.by_year:
        return view.stats.by_year[selection.years[0]]
    return count(cases, view.taxonomy, view.site.crosstabs)


def build_booklet(view: SiteView, selection: Selection | None = None) -> Booklet:
    """The booklet for ``view`` (all published cases, or the selection's subset)."""
    site, tax = view.site, view.taxonomy
    cfg: BookletConfig = site.extra.get("booklet") or BookletConfig()
    selection = selection or Selection()
    cases = [c for c in view.cases if selection.keeps(c)]
    stats = scope_stats(view, selection, cases)

    # One long page: no heading ids (they would repeat), footnote ids per case.
    md = Markdown(view.content.root / "images", term_resolver(tax, stats), heading_ids=False)
    chapters = {ch.slug: ch for ch in view.content.chapters}

    guide = []
    # Chapter names were checked with the content (kyodo/validate/references.py).
    for slug in cfg.guideline:
        guide.append(GuidePart(chapters[slug], md.render(chapters[slug].body, BOOKLET_ROOT, slug, chapters[slug].title)))

    intro_title, intro_html = "はじめに", ""
    if cfg.intro_chapter:
        chapter = chapters[cfg.intro_chapter]
        intro_title, intro_html = chapter.title, md.render(chapter.body, BOOKLET_ROOT, "intro", chapter.title).html
    elif cfg.intro or site.intro:
        intro_html = md.render(cfg.intro or site.intro, BOOKLET_ROOT, "intro").html

    # Groups in taxonomy order; each case in the group of its first term.
    group_facet = tax[cfg.group_by] if cfg.group_by and cfg.group_by in tax else None
    buckets: dict[Term | None, list[Case]] = {}
    if group_facet is not None:
        for term in group_facet.terms:
            buckets[term] = []
        for case in cases:
            first = case.terms.get(group_facet.key, ())
            buckets.setdefault(first[0] if first else None, []).append(case)
    else:
        buckets[None] = list(cases)

    rendered = pmap(lambda i: md.render(cases[i].body, BOOKLET_ROOT, cases[i].slug, cases[i].title), len(cases))
    bodies = {case.slug: body for case, body in zip(cases, rendered)}
    entries: list[Entry] = []
    by_slug: dict[str, Entry] = {}
    groups: list[Group] = []
    for term, members in buckets.items():
        if not members:
            continue
        printed = []
        for case in members:
            entry = Entry(len(entries) + 1, case, bodies[case.slug])
            entries.append(entry)
            by_slug[case.slug] = entry
            printed.append(entry)
        if term is not None and group_facet is not None:
            label = f"{group_facet.label} {term.name}"
            groups.append(Group(term, label, f"{group_facet.label}：{term.name}", printed))
        else:
            groups.append(Group(None, "事例", "事例", printed))
    if group_facet is not None:
        for group in groups:
            group.also = [by_slug[c.slug] for c in cases
                          if group.term in c.terms.get(group_facet.key, ()) and by_slug[c.slug] not in group.entries]
            group.also.sort(key=lambda e: e.number)

    index = []
    for key in cfg.index_facets(tax):
        if key not in tax:
            continue
        facet = tax[key]
        terms = []
        for term in facet.terms:
            hits = sorted((by_slug[c.slug] for c in cases if term in c.terms.get(key, ())), key=lambda e: e.number)
            if hits:
                terms.append(IndexTerm(term, hits))
        if terms:
            index.append(IndexFacet(facet, terms))
    if view.bank:   # 協働団体別: the registered organisations the booklet's cases name
        from kyodo.views.organizations import organization_index
        facet, rows = organization_index(view.bank, [c.slug for c in cases])
        if rows:
            index.append(IndexFacet(facet, [IndexTerm(t, sorted((by_slug[s] for s in slugs), key=lambda e: e.number))
                                            for t, slugs in rows]))

    issued = cfg.issued or max((c.date for c in cases), default=None)
    return Booklet(
        config=cfg, title=cfg.title or site.title, edition=selection.edition(tax),
        organization=site.organization, years_label=years_label(stats), issued=issued,
        intro_title=intro_title, intro_html=intro_html, guide=guide, group_facet=group_facet,
        groups=groups, entries=entries, stats=stats, index=index, file_name=selection.file_name(),
    )
