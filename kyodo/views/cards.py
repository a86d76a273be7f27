"""Which share card (og:image) each page shows; kyodo/post/cards.py draws them."""

from __future__ import annotations

from kyodo.text.wareki import fiscal_year_label
from kyodo.views.page import Card, Page


def assign_cards(view, pages: list[Page]) -> None:
    """One card per page type and facet term, per guideline chapter, and per case
    when site.yml has ``cards: cases: true``."""
    site = view.site
    home = Card("cards/home.png", "協働事例集", site.title, f"協働事例 {len(view.cases):,} 件と協働指針")
    by_kind = {
        "home": home,
        "cases": Card("cards/cases.png", "協働事例", "事例一覧", f"{len(view.cases):,} 件の協働事例"),
        "case": Card("cards/case.png", "協働事例", site.title),
        "years": Card("cards/year.png", "年度別", "年度別の事例一覧"),
        "year": Card("cards/year.png", "年度別", "年度別の事例一覧"),
        "guideline_index": Card("cards/guideline.png", "協働指針", f"{site.organization}の協働指針"),
        "search": Card("cards/search.png", "検索", "事例を検索", "キーワードと分類で協働事例を探せます"),
    }
    stats = Card("cards/stats.png", "統計", "協働事例の統計", "分類別・年度別の件数と割合")
    for p in pages:
        if not p.output.endswith(".html"):
            continue
        ctx = p.context
        if p.kind == "case" and site.case_cards:
            case = ctx["case"]
            first = next(iter(case.terms.items()), None)
            note = (f"{view.taxonomy[first[0]].label}: " + "、".join(t.name for t in first[1])) if first else ""
            p.card = Card(f"cards/cases/{case.slug}.png", f"協働事例｜{fiscal_year_label(case.fiscal_year)}",
                          case.title, note)
        elif p.kind == "facet":
            p.card = Card(f"cards/{ctx['facet'].key}.png", "分類", ctx["facet"].label,
                          "、".join(t.name for t in ctx["facet"].terms))
        elif p.kind == "term":
            term = ctx["term"]
            p.card = Card(f"cards/{term.facet}/{term.slug}.png", ctx["facet"].label, term.name, term.title)
        elif p.kind == "chapter":
            ch = ctx["chapter"]
            p.card = Card(f"cards/guideline/{ch.slug}.png", "協働指針", ch.title)
        elif p.kind.startswith("stats"):
            p.card = stats
        else:
            p.card = by_kind.get(p.kind, home)


def cards(pages: list[Page]) -> list[Card]:
    return [p.card for p in pages if p.card is not None]
