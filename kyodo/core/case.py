"""One collaboration case study."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from kyodo.core.taxonomy import Term


@dataclass(frozen=True)
class Indicator:
    name: str
    value: object            # number or text
    unit: str = ""
    target: object = None
    note: str = ""


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Image:
    src: str                 # path relative to content/images/
    alt: str
    caption: str = ""


@dataclass(frozen=True)
class Contact:
    section: str = ""
    phone: str = ""
    email: str = ""
    url: str = ""


@dataclass
class Case:
    slug: str
    source: Path
    title: str
    summary: str
    fiscal_year: int
    terms: dict[str, tuple[Term, ...]]          # facet key -> terms, in taxonomy order
    body: str                                   # markdown source
    body_line: int = 1
    organizations: tuple[str, ...] = ()
    organization_roles: tuple[str, ...] = ()    # aligned with organizations ("" = none), or empty
    period: str = ""
    budget: int | None = None
    status: str = ""
    principles: tuple[str, ...] = ()
    process: tuple[tuple[str, str], ...] = ()   # (stage label, note) in stage order
    indicators: tuple[Indicator, ...] = ()
    contact: Contact | None = None
    links: tuple[Link, ...] = ()
    image: Image | None = None
    updated: dt.date | None = None
    draft: bool = False
    extra: dict = field(default_factory=dict)
    digest: str = field(default="", compare=False, repr=False)   # of the source file (set when loaded)
    meta_digest: str = field(default="", compare=False, repr=False)   # of its front matter alone

    @property
    def url(self) -> str:
        return f"cases/{self.slug}/"

    @property
    def date(self) -> dt.date:
        """For feeds and sorting: the last update, else the fiscal year's start."""
        return self.updated or dt.date(self.fiscal_year, 4, 1)

    def all_terms(self):
        for terms in self.terms.values():
            yield from terms

    def has(self, term: Term) -> bool:
        return term in self.terms.get(term.facet, ())
