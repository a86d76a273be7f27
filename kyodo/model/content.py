"""Everything read from one content folder, validated."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kyodo.model.case import Case
from kyodo.model.guideline import Chapter
from kyodo.model.site import Site
from kyodo.model.taxonomy import Taxonomy


@dataclass
class Content:
    root: Path
    site: Site
    taxonomy: Taxonomy
    cases: list[Case]          # published (no drafts), in catalogue order
    chapters: list[Chapter]    # in guideline order
    drafts: int = 0
