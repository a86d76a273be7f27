"""The list of all cases (``cases/``) and one page per case (``cases/<slug>/``)."""

from __future__ import annotations

from kyodo.views.page import HOME, Crumb, Page, listing_pages

LIST = Crumb("事例一覧", "cases/")


def pages(view) -> list[Page]:
    site, idx = view.site, view.indexes
    out = listing_pages(view, view.cases, "cases/", "cases.html", "cases", "事例一覧",
                        f"{site.title}に掲載しているすべての協働事例の一覧です。", [HOME])
    for case in view.cases:
        out.append(Page(case.url, "case.html", case.title, "case", case.summary, [HOME, LIST], {
            "case": case,
            "body": view.case_html[case.slug],
            "related": view.related.get(case.slug, []),
            "prev": idx.prev[case.slug],
            "next": idx.next[case.slug],
        }, lastmod=case.updated, inputs=case.digest))   # its file; related, prev and next: front matter
    return out


def nav(view, item) -> list:
    return [item("事例一覧", "cases/", ("cases", "case"))]
