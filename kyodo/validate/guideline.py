"""Validate a guideline chapter document into a :class:`Chapter`."""

from __future__ import annotations

from kyodo.errors import Problems
from kyodo.load.frontmatter import Document
from kyodo.core.guideline import Chapter
from kyodo.validate.case import slug_problem
from kyodo.validate.checker import Checker

FIELDS = ("title", "order", "summary", "draft")


def build_chapter(doc: Document, problems: Problems) -> Chapter | None:
    c = Checker(doc, problems)
    bad = slug_problem(doc.path.stem)
    if bad:
        problems.add(doc.display, 1, "ファイル名", bad)
        c.ok = False
    c.unknown_keys(doc.meta, FIELDS)
    title = c.text(doc.meta, "title", required=True)
    order = doc.meta.get("order", 0)
    if isinstance(order, bool) or not isinstance(order, int):
        c.error(("order",), "並び順は整数で書いてください（例: 1）")
        order = 0
    draft = doc.meta.get("draft", False)
    if not isinstance(draft, bool):
        c.error(("draft",), "true か false で書いてください")
    if not c.ok or draft is True:
        return None
    return Chapter(doc.path.stem, doc.path, title, order, c.text(doc.meta, "summary"), doc.body, doc.body_line)
