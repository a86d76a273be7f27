"""Site-wide settings from ``site.yml``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stage:
    slug: str
    label: str


@dataclass
class Site:
    title: str
    organization: str
    base_url: str                       # absolute, ends with "/"
    description: str = ""
    intro: str = ""                     # markdown
    licence_name: str = ""
    licence_url: str = ""
    contact: str = ""
    principles: list[str] = field(default_factory=list)
    process_stages: list[Stage] = field(default_factory=list)
    per_page: int = 30
    newest: int = 6
    crosstabs: list[tuple[str, str]] = field(default_factory=list)
    furigana: bool = False              # also build every page with ruby under furigana/
    case_cards: bool = False            # cards: cases: true — one share card per case
    extra: dict = field(default_factory=dict)  # anything later issues add

    def absolute(self, path: str) -> str:
        return self.base_url + path.lstrip("/")
