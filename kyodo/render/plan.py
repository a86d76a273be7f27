"""The list of pages to write: output path, template and context.

Every page is independent once the :class:`SiteView` exists, so pages can be
rendered in any order, in parallel, or only the ones that changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from kyodo.views.model import SiteView
from kyodo.views.pagination import paginate
from kyodo.text.describe import describe
from kyodo.text.wareki import fiscal_year_label


@dataclass
class Crumb:
    label: str
    url: str


@dataclass(frozen=True)
class Card:
    """The share card of a page (kyodo/post/cards.py draws it)."""
    path: str                # site path of the PNG, e.g. "cards/domain/b.png"
    kicker: str              # the category line above the title
    title: str
    note: str = ""           # a line under the title


@dataclass
class Page:
    url: str                 # site path of the page: "", "cases/x/", "404.html", "sitemap.xml"
    template: str
    title: str
    kind: str                # page type, used by templates and tests
    description: str = ""
    crumbs: list[Crumb] = field(default_factory=list)
    context: dict = field(default_factory=dict)
    in_sitemap: bool = True
    root_override: str | None = None
    lastmod: dt.date | None = None   # the sitemap's <lastmod>: the newest `updated` shown
    card: Card | None = None         # og:image (set for every HTML page by plan())

    @property
    def output(self) -> str:
        return self.url + "index.html" if self.url == "" or self.url.endswith("/") else self.url

    @property
    def root(self) -> str:
        if self.root_override is not None:
            return self.root_override
        return "../" * self.url.count("/")


HOME = Crumb("ホーム", "")


def last_updated(cases) -> dt.date | None:
    return max((c.updated for c in cases if c.updated), default=None)


def feed_time(case) -> dt.datetime:
    """When the feed says a case changed: its `updated` date, else the start of its
    fiscal year at a time of day derived from its slug, so that entries without
    `updated` never share one timestamp and keep it from build to build."""
    jst = dt.timezone(dt.timedelta(hours=9))
    if case.updated:
        return dt.datetime.combine(case.updated, dt.time(), jst)
    seconds = int.from_bytes(hashlib.sha256(case.slug.encode()).digest()[:4], "big") % 86400
    return dt.datetime.combine(case.date, dt.time(), jst) + dt.timedelta(seconds=seconds)


def feed_entries(cases, limit: int = 30) -> list:
    """Newest first by `updated` (a case updated last week comes first whatever its
    year), then by fiscal year."""
    return sorted(cases, key=lambda c: (feed_time(c), c.fiscal_year, c.slug), reverse=True)[:limit]


def _listing_pages(view: SiteView, items, base: str, template: str, kind: str, title: str,
                   description: str, crumbs: list[Crumb], **context) -> list[Page]:
    pages = []
    for pager in paginate(items, view.site.per_page, base):
        suffix = f"（{pager.number}/{pager.total}ページ）" if pager.total > 1 else ""
        pages.append(Page(pager.url, template, title + suffix, kind, description, crumbs,
                          dict(context, pager=pager), lastmod=last_updated(pager.items)))
    return pages


def _assign_cards(view: SiteView, pages: list[Page]) -> None:
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


def plan(view: SiteView) -> list[Page]:
    site, tax, stats, idx = view.site, view.taxonomy, view.stats, view.indexes
    pages: list[Page] = []
    years = list(idx.by_year)

    home_description = (site.description or describe(view.intro_html)
                        or f"{site.organization}の協働事例 {len(view.cases):,} 件と協働指針を紹介します。")
    newest = last_updated(view.cases)
    pages.append(Page("", "home.html", site.title, "home", home_description, [],
                      {"newest": view.cases[:site.newest], "years": years}, lastmod=newest))

    # All cases, then one page per case.
    case_crumbs = [HOME]
    pages += _listing_pages(view, view.cases, "cases/", "cases.html", "cases", "事例一覧",
                            f"{site.title}に掲載しているすべての協働事例の一覧です。", case_crumbs)
    for case in view.cases:
        crumbs = [HOME, Crumb("事例一覧", "cases/")]
        pages.append(Page(case.url, "case.html", case.title, "case", case.summary, crumbs, {
            "case": case,
            "body": view.case_html[case.slug],
            "related": view.related.get(case.slug, []),
            "prev": idx.prev[case.slug],
            "next": idx.next[case.slug],
        }, lastmod=case.updated))

    # Facets and their terms.
    for facet in tax:
        fc = stats.facets[facet.key]
        pages.append(Page(facet.url, "facet.html", facet.label, "facet",
                          facet.description or f"{facet.label}ごとの協働事例の一覧です。", [HOME],
                          {"facet": facet, "counts": fc}, lastmod=newest))
        for term in facet.terms:
            cases = idx.by_term[term]
            pages += _listing_pages(
                view, cases, term.url, "term.html", "term", f"{facet.label}: {term.name}",
                term.description or f"{facet.label}が「{term.name}」の協働事例の一覧です。",
                [HOME, Crumb(facet.label, facet.url)],
                facet=facet, term=term, explained_at=view.explained_at.get(term))

    # Fiscal years.
    pages.append(Page("year/", "years.html", "年度別", "years", "年度ごとの協働事例の一覧です。", [HOME],
                      {"years": [(y, len(c)) for y, c in idx.by_year.items()]}))
    for year, cases in idx.by_year.items():
        label = fiscal_year_label(year)
        pages += _listing_pages(view, cases, f"year/{year}/", "year.html", "year", label,
                                f"{label}の協働事例の一覧です。", [HOME, Crumb("年度別", "year/")], year=year)

    # Guideline.
    chapters = view.content.chapters
    if chapters:
        pages.append(Page("guideline/", "guideline_index.html", "協働指針", "guideline_index",
                          f"{site.organization}の協働指針です。", [HOME], {"chapters": chapters}))
    for i, ch in enumerate(chapters):
        description = ch.summary or describe(view.chapter_html[ch.slug].html) or f"{site.organization}の協働指針「{ch.title}」です。"
        pages.append(Page(ch.url, "chapter.html", ch.title, "chapter", description,
                          [HOME, Crumb("協働指針", "guideline/")], {
                              "chapter": ch, "body": view.chapter_html[ch.slug],
                              "prev": chapters[i - 1] if i > 0 else None,
                              "next": chapters[i + 1] if i + 1 < len(chapters) else None,
                          }))

    from kyodo.render.organization_pages import organization_pages   # 団体情報バンク (when any)
    pages += organization_pages(view)

    # Statistics, search, error page, machine-readable files.
    from kyodo.render.stats_pages import stats_pages   # here: stats_pages imports this module
    for p in stats_pages(view):
        p.lastmod = p.lastmod or newest   # every count may change when any case does
        pages.append(p)
    pages.append(Page("search/", "search.html", "事例を検索", "search",
                      "協働事例をキーワードと分類で検索します。", [HOME], {},
                      in_sitemap=False))   # noindex: results pages are not for search engines
    from kyodo.booklet.page import booklet_pages  # the print page of the booklet (booklet/)
    pages += booklet_pages(view)
    base_path = urlsplit(site.base_url).path or "/"
    pages.append(Page("404.html", "404.html", "ページが見つかりません", "404",
                      f"お探しのページは{site.title}にありません。", [HOME], {},
                      in_sitemap=False, root_override=base_path))
    pages.append(Page("feed.xml", "feed.xml", f"{site.title} 新着事例", "feed", "", [],
                      {"entries": feed_entries(view.cases), "feed_time": feed_time}, in_sitemap=False))
    _assign_cards(view, pages)
    listed = [p for p in pages if p.in_sitemap]
    pages.append(Page("sitemap.xml", "sitemap.xml", "", "sitemap", "", [], {"listed": listed},
                      in_sitemap=False))
    return pages

