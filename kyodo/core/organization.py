"""Partner organisations (団体情報バンク) and how cases name them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from kyodo.errors import Problem
from kyodo.core.case import Contact
from kyodo.core.taxonomy import Facet, Term
from kyodo.text.normalize import fold

# What a case may say an organisation did in it (optional ``role``).
ROLES = ("主催", "共催", "受託", "協力")


@dataclass(frozen=True)
class Recruiting:
    """募集: what the organisation looks for (volunteers, members …) and a short text."""
    what: tuple[str, ...]
    text: str
    until: dt.date | None = None


@dataclass
class Organization:
    slug: str
    source: Path
    name: str
    summary: str
    kind: Term | None               # a term of the kind facet (None when the taxonomy has none)
    kind_text: str = ""             # the written kind when there is no kind facet
    aliases: tuple[str, ...] = ()
    area: str = ""
    fields: tuple[Term, ...] = ()   # 活動分野 terms (when the vocabulary is defined)
    field_texts: tuple[str, ...] = ()   # 活動分野 as written (when it is not)
    founded: int | dt.date | None = None
    website: str = ""
    contact: Contact | None = None
    recruiting: Recruiting | None = None
    updated: dt.date | None = None
    body: str = ""
    body_line: int = 1

    @property
    def url(self) -> str:
        return f"organizations/{self.slug}/"

    @property
    def kind_label(self) -> str:
        return self.kind.name if self.kind else self.kind_text

    @property
    def field_labels(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.fields) or self.field_texts

    @property
    def founded_text(self) -> str:
        f = self.founded
        if f is None:
            return ""
        if isinstance(f, dt.date):
            return f"{f.year}年{f.month}月{f.day}日"
        return f"{f}年"

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class Vocabulary:
    """What ``taxonomy.yml`` says about organisations (its ``organizations:`` section)."""
    kind: Facet | None = None       # the facet whose terms are an organisation's kind
    fields: Facet | None = None     # the 活動分野 vocabulary; None: fields are free text


@dataclass
class Registry:
    """Every registered organisation, found by name, alias or slug (folded like terms)."""
    organizations: list[Organization] = field(default_factory=list)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    notices: list[Problem] = field(default_factory=list)   # warnings (near-duplicate names)
    _lookup: dict[str, Organization] = field(default_factory=dict, repr=False)

    def add(self, org: Organization) -> None:
        self.organizations.append(org)
        for name in (org.slug, *org.names):
            self._lookup.setdefault(fold(name), org)

    def resolve(self, written: str) -> Organization | None:
        return self._lookup.get(fold(written))

    def owner(self, name: str) -> Organization | None:
        """The organisation already using ``name`` (for duplicate checks)."""
        return self._lookup.get(fold(name))

    def __bool__(self) -> bool:
        return bool(self.organizations)

    def __iter__(self):
        return iter(self.organizations)

    def __len__(self) -> int:
        return len(self.organizations)
