"""Facets and terms, as a ward defines them in ``taxonomy.yml``."""

from __future__ import annotations

from dataclasses import dataclass, field

from kyodo.text.normalize import fold
from kyodo.text.suggest import closest


@dataclass(frozen=True)
class Term:
    facet: str
    slug: str
    label: str
    title: str = ""            # longer name (e.g. for domain "B")
    description: str = ""
    aliases: tuple[str, ...] = ()
    order: int = 0
    short: str = ""            # a few words of meaning shown beside a terse label ("区が主導")

    def __hash__(self) -> int:   # a term is looked up millions of times at 10,000 cases: hash its identity only
        try:
            return self.__dict__["_hash"]
        except KeyError:
            h = self.__dict__["_hash"] = hash((self.facet, self.slug))
            return h

    def __getstate__(self) -> dict:   # a string's hash differs from process to process: never keep it
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    @property
    def name(self) -> str:
        """What residents read: the label with its short meaning ("B 区が主導")."""
        return f"{self.label} {self.short}" if self.short else self.label

    @property
    def meaning(self) -> str:
        """The full text behind a bare label, for <abbr title> and legends."""
        return self.title or self.short or self.description

    @property
    def url(self) -> str:
        return f"{self.facet}/{self.slug}/"

    @property
    def key(self) -> str:
        return f"{self.facet}/{self.slug}"


@dataclass(frozen=True)
class Rejected:
    label: str
    message: str


@dataclass
class Facet:
    key: str
    label: str
    multiple: bool
    terms: list[Term]
    description: str = ""
    rejected: list[Rejected] = field(default_factory=list)
    order: int = 0
    _lookup: dict[str, Term] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for term in self.terms:
            for name in (term.slug, term.label, *term.aliases):
                self._lookup.setdefault(fold(name), term)

    @property
    def url(self) -> str:
        return f"{self.key}/"

    def resolve(self, value: str) -> Term | None:
        return self._lookup.get(fold(value))

    def rejection(self, value: str) -> Rejected | None:
        return next((r for r in self.rejected if fold(r.label) == fold(value)), None)

    def suggest(self, value: str) -> Term | None:
        names = [n for t in self.terms for n in (t.label, *t.aliases)]
        match = closest(value, names)
        return self.resolve(match) if match else None

    def allowed(self) -> str:
        return "、".join(t.label for t in self.terms)


@dataclass
class Taxonomy:
    facets: dict[str, Facet]

    def __iter__(self):
        return iter(self.facets.values())

    def __getitem__(self, key: str) -> Facet:
        return self.facets[key]

    def __contains__(self, key: str) -> bool:
        return key in self.facets

    def term(self, facet: str, slug: str) -> Term | None:
        f = self.facets.get(facet)
        return next((t for t in f.terms if t.slug == slug), None) if f else None
