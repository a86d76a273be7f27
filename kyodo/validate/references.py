"""Checks that need the whole content: settings that name chapters, etc."""

from __future__ import annotations

from kyodo.errors import Problems
from kyodo.core.guideline import Chapter
from kyodo.core.site import Site


def check_references(site: Site, chapters: list[Chapter], problems: Problems) -> None:
    from kyodo.validate.booklet import chapter_problems

    booklet = site.extra.get("booklet")
    if booklet is not None:
        for line, field_name, message in chapter_problems(booklet, [ch.slug for ch in chapters]):
            problems.add(booklet.source, line, field_name, message)
