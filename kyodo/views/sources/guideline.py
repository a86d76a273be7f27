"""The guideline (協働指針): its index and one page per chapter; none without chapters."""

from __future__ import annotations

from kyodo.text.describe import describe
from kyodo.views.page import HOME, Crumb, Page

INDEX = Crumb("協働指針", "guideline/")


def pages(view) -> list[Page]:
    site, chapters = view.site, view.content.chapters
    if not chapters:
        return []
    out = [Page("guideline/", "guideline_index.html", "協働指針", "guideline_index",
                f"{site.organization}の協働指針です。", [HOME], {"chapters": chapters})]
    for i, ch in enumerate(chapters):
        body = view.chapter_html[ch.slug]
        description = ch.summary or describe(body.html) or f"{site.organization}の協働指針「{ch.title}」です。"
        out.append(Page(ch.url, "chapter.html", ch.title, "chapter", description, [HOME, INDEX], {
            "chapter": ch, "body": body,
            "prev": chapters[i - 1] if i > 0 else None,
            "next": chapters[i + 1] if i + 1 < len(chapters) else None,
        }))
    return out


def nav(view, item) -> list:
    return [item("協働指針", "guideline/", areas=("main", "footer"))]
