"""One page per facet of taxonomy.yml and one list per term (``<facet>/<term>/``)."""

from __future__ import annotations

from kyodo.views.page import HOME, Crumb, Page, last_updated, listing_pages

# Its pages show the site and the cases' front matter only (kyodo/views/fingerprint.py).
LIGHT = True


def pages(view) -> list[Page]:
    newest = last_updated(view.cases)
    out = []
    for facet in view.taxonomy:
        out.append(Page(facet.url, "facet.html", facet.label, "facet",
                        facet.description or f"{facet.label}ごとの協働事例の一覧です。", [HOME],
                        {"facet": facet, "counts": view.stats.facets[facet.key]}, lastmod=newest))
        for term in facet.terms:
            out += listing_pages(
                view, view.indexes.by_term[term], term.url, "term.html", "term", f"{facet.label}: {term.name}",
                term.description or f"{facet.label}が「{term.name}」の協働事例の一覧です。",
                [HOME, Crumb(facet.label, facet.url)],
                facet=facet, term=term, explained_at=view.explained_at.get(term))
    return out


def nav(view, item) -> list:
    return [item(facet.label, facet.url) for facet in view.taxonomy]
