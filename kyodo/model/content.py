"""Everything read from one content folder, validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kyodo.errors import Problem
from kyodo.core.case import Case
from kyodo.core.guideline import Chapter
from kyodo.core.organization import Registry
from kyodo.core.site import Site
from kyodo.core.taxonomy import Taxonomy


@dataclass
class Content:
    root: Path
    site: Site
    taxonomy: Taxonomy
    cases: list[Case]          # published (no drafts), in catalogue order
    chapters: list[Chapter]    # in guideline order
    drafts: int = 0
    readings: dict[str, str] = field(default_factory=dict)   # readings.yml: word -> kana
    warnings: list[Problem] = field(default_factory=list)    # reported, never fatal
    organizations: Registry = field(default_factory=Registry)   # 団体情報バンク (may be empty)
    # readings.yml's words: who has each (kyodo.validate.readings.witnesses) and
    # the warning each would get if no text had it (first in ``warnings``)
    reading_owners: dict[str, str | None] = field(default_factory=dict)
    reading_warnings: dict[str, Problem] = field(default_factory=dict)
