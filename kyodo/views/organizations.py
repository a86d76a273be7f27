"""団体情報バンク: each registered organisation with its record of collaboration.

Built once from the validated content: which cases name which registered
organisation (by name, alias or slug), and per organisation its cases
(catalogue order: newest first), counts by year and by facet term (through
:func:`kyodo.views.counts.count`, the one counting module), the departments
and the other organisations it worked beside.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kyodo.core.case import Case
from kyodo.model.content import Content
from kyodo.core.organization import Organization, Registry
from kyodo.core.taxonomy import Facet, Term
from kyodo.views.counts import OrgStats, Stats, count, count_organizations

INDEX_URL = "organizations/"
NO_KIND = "種類の記載なし"


@dataclass(frozen=True)
class Mention:
    """One organisation as a case names it."""
    name: str                        # as written in the case
    role: str = ""
    org: Organization | None = None  # the registered organisation, if any

    @property
    def url(self) -> str:
        return self.org.url if self.org else ""


@dataclass
class Partner:
    """Another organisation named in the same cases."""
    name: str
    org: Organization | None
    cases: int


@dataclass
class Record:
    org: Organization
    cases: list[Case]                      # newest first
    roles: dict[str, str]                  # case slug -> role ("" when none given)
    stats: Stats                           # counts over ``cases`` (years, terms)
    partners: list[Partner] = field(default_factory=list)

    @property
    def first_year(self) -> int | None:
        return min((c.fiscal_year for c in self.cases), default=None)

    @property
    def last_year(self) -> int | None:
        return max((c.fiscal_year for c in self.cases), default=None)


@dataclass
class Group:
    """Organisations sharing a kind or a 活動分野 term."""
    slug: str
    label: str
    description: str
    organizations: list[Organization]
    url: str = ""                          # its own page (活動分野), "" for kinds


@dataclass
class Bank:
    registry: Registry
    records: dict[str, Record]             # org slug -> record, in name order
    mentions: dict[str, tuple[Mention, ...]]   # case slug -> how it names organisations
    kinds: list[Group]
    fields: list[Group]
    record_facets: list[Facet]             # facets shown per case in a record (all but the kind facet)
    stats: OrgStats | None = None
    roles_used: bool = False               # some case gives an organisation a role

    @property
    def in_use(self) -> bool:
        """Organisations are registered or roles are given: links, refs and schema items apply."""
        return bool(self.registry) or self.roles_used

    def __bool__(self) -> bool:
        return bool(self.registry)

    @property
    def kind_facet(self) -> Facet | None:
        return self.registry.vocabulary.kind

    @property
    def fields_facet(self) -> Facet | None:
        return self.registry.vocabulary.fields


def field_url(slug: str) -> str:
    return f"{INDEX_URL}fields/{slug}/"


def mentions(case: Case, registry: Registry) -> tuple[Mention, ...]:
    roles = case.organization_roles or ("",) * len(case.organizations)
    return tuple(Mention(name, role, registry.resolve(name)) for name, role in zip(case.organizations, roles))


def _kinds(orgs: list[Organization], facet: Facet | None) -> list[Group]:
    if facet is not None:
        groups = [Group(t.slug, t.name, t.description, [o for o in orgs if o.kind == t]) for t in facet.terms]
        return [g for g in groups if g.organizations]
    texts = sorted({o.kind_text for o in orgs}, key=lambda t: (t == "", t))
    return [Group(f"kind-{i + 1}", t or NO_KIND, "", [o for o in orgs if o.kind_text == t])
            for i, t in enumerate(texts)]


def _fields(orgs: list[Organization], facet: Facet | None) -> list[Group]:
    if facet is None:
        return []
    groups = [Group(t.slug, t.name, t.description, [o for o in orgs if t in o.fields], field_url(t.slug))
              for t in facet.terms]
    return [g for g in groups if g.organizations]


def build_bank(content: Content) -> Bank:
    registry = content.organizations
    tax = content.taxonomy
    kind = registry.vocabulary.kind
    record_facets = [f for f in tax if kind is None or f.key != kind.key]
    by_case = {c.slug: mentions(c, registry) for c in content.cases}
    orgs = list(registry)
    cases_of: dict[str, list[Case]] = {o.slug: [] for o in orgs}
    roles: dict[str, dict[str, str]] = {o.slug: {} for o in orgs}
    beside: dict[str, Counter] = {o.slug: Counter() for o in orgs}
    for case in content.cases:                 # catalogue order: newest first
        ms = by_case[case.slug]
        here = {}
        for m in ms:
            if m.org is not None and m.org.slug not in here:
                here[m.org.slug] = m
        for slug, m in here.items():
            cases_of[slug].append(case)
            roles[slug][case.slug] = m.role
            others = {o.org.slug if o.org else "\0" + o.name for o in ms} - {slug}
            beside[slug].update(others)
    # Most collaborations first, then by name (code-point order: no readings are known).
    orgs.sort(key=lambda o: (-len(cases_of[o.slug]), o.name, o.slug))
    records = {}
    by_slug = {o.slug: o for o in orgs}
    for o in orgs:
        partners = []
        for key, n in beside[o.slug].items():
            other = None if key.startswith("\0") else by_slug[key]
            partners.append(Partner(other.name if other else key[1:], other, n))
        partners.sort(key=lambda p: (-p.cases, p.org is None, p.name))
        records[o.slug] = Record(o, cases_of[o.slug], roles[o.slug],
                                 count(cases_of[o.slug], tax, [], per_year=False), partners)
    fields = _fields(orgs, registry.vocabulary.fields)
    roles_used = any(c.organization_roles for c in content.cases)
    return Bank(registry, records, by_case, _kinds(orgs, kind), fields, record_facets, roles_used=roles_used)


def organization_stats(bank: Bank, cases: list[Case]) -> OrgStats:
    kinds = [(g.slug, g.label, len(g.organizations)) for g in bank.kinds]
    if bank.kind_facet is not None:   # every kind term, including those with no organisation
        have = {g.slug: len(g.organizations) for g in bank.kinds}
        kinds = [(t.slug, t.name, have.get(t.slug, 0)) for t in bank.kind_facet.terms]
    linked = sum(1 for c in cases if any(m.org for m in bank.mentions.get(c.slug, ())))
    return count_organizations(kinds, [len(r.cases) for r in bank.records.values()], len(cases), linked)


def term_counts(record: Record, facet: Facet) -> list[tuple[Term, int]]:
    """The terms of ``facet`` this organisation's cases carry, with counts (largest first)."""
    fc = record.stats.facets[facet.key]
    rows = [(tc.term, tc.cases) for tc in fc.terms if tc.cases]
    return sorted(rows, key=lambda r: (-r[1], r[0].order))


def mention_records(view, case: Case) -> dict:
    """``organization_refs`` for ``data/cases.json`` ({} on a site without organisations or roles)."""
    bank = view.bank
    if bank is None or not bank.in_use:
        return {}
    return {"organization_refs": [{"name": m.name, "role": m.role or None,
                                   "organization": m.org.slug if m.org else None,
                                   "url": view.site.base_url + m.org.url if m.org else None}
                                  for m in bank.mentions[case.slug]]}


def organization_index(bank: Bank, case_slugs: list[str]) -> tuple[Facet, list[tuple[Term, list[str]]]]:
    """The booklet's 協働団体別 index as a facet-like part: (pseudo facet, [(pseudo term, case slugs)]).

    Each registered organisation is a term (its URL is its page's); only those
    named in ``case_slugs`` are listed.
    """
    wanted = set(case_slugs)
    facet = Facet(INDEX_URL.strip("/"), "協働団体", True, [])
    rows = []
    for i, record in enumerate(bank.records.values()):
        slugs = [c.slug for c in record.cases if c.slug in wanted]
        if slugs:
            rows.append((Term(facet.key, record.org.slug, record.org.name, order=i), slugs))
    facet.terms.extend(t for t, _ in rows)
    return facet, rows
