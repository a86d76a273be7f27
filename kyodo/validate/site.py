"""Validate ``site.yml`` into a :class:`Site`."""

from __future__ import annotations

import re

from kyodo.errors import Problems
from kyodo.load.frontmatter import Document
from kyodo.core.site import Site, Stage
from kyodo.core.taxonomy import Taxonomy
from kyodo.validate.checker import Checker

KNOWN = ("title", "organization", "base_url", "description", "intro", "licence", "contact",
         "principles", "process_stages", "per_page", "newest", "stats", "booklet",
         "furigana", "cards")
ALIASES = {"license": "licence", "organisation": "organization", "url": "base_url"}


def build_site(doc: Document, taxonomy: Taxonomy | None, problems: Problems) -> Site | None:
    c = Checker(doc, problems)
    m = doc.meta
    c.unknown_keys(m, KNOWN, aliases=ALIASES)
    title = c.text(m, "title", required=True)
    organization = c.text(m, "organization", required=True)
    base_url = c.text(m, "base_url", required=True)
    if base_url and not re.match(r"https?://[^/\s]+(/\S*)?\Z", base_url):
        c.error(("base_url",), "https:// で始まる URL を書いてください（例: https://kyodo.example.jp/）")
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    licence = c.mapping(m, "licence") or {}
    if licence:
        c.unknown_keys(licence, ("name", "url"), ("licence",))
    stages = []
    for i, s in enumerate(c.items(m, "process_stages")):
        where = ("process_stages", i)
        if not isinstance(s, dict) or not s.get("slug") or not s.get("label"):
            c.error(where, "slug と label を書いてください")
            continue
        slug, label = c.text(s, "slug", where), c.text(s, "label", where)
        if slug and label:
            stages.append(Stage(slug, label))
    ints = {}
    for key, default in (("per_page", 30), ("newest", 6)):
        v = m.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 1000:
            c.error((key,), "1 から 1000 までの整数で書いてください")
            v = default
        ints[key] = v
    crosstabs = []
    stats = c.mapping(m, "stats") or {}
    if stats:
        c.unknown_keys(stats, ("crosstabs",), ("stats",))
    for i, pair in enumerate(c.items(stats, "crosstabs", ("stats",))):
        parts = str(pair).split("/")
        if len(parts) != 2 or (taxonomy and not all(p in taxonomy for p in parts)) or parts[0] == parts[1]:
            names = "、".join(taxonomy.facets) if taxonomy else ""
            c.error(("stats", "crosstabs", i),
                    f"「{pair}」は「行の分類/列の分類」の形で、taxonomy.yml の分類を 2 つ書いてください（{names}）")
            continue
        crosstabs.append((parts[0], parts[1]))
    if not stats.get("crosstabs") and taxonomy:
        keys = list(taxonomy.facets)
        crosstabs = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1:]]
    furigana = m.get("furigana", False)
    if not isinstance(furigana, bool):
        c.error(("furigana",), "ふりがなのページを作るなら true、作らないなら false と書いてください")
        furigana = False
    cards = c.mapping(m, "cards") or {}
    if cards:
        c.unknown_keys(cards, ("cases",), ("cards",))
    case_cards = cards.get("cases", False)
    if not isinstance(case_cards, bool):
        c.error(("cards", "cases"), "true か false で書いてください（true で事例ごとにシェア用の画像を作ります）")
        case_cards = False
    from kyodo.validate.booklet import parse_booklet  # the printed booklet's settings
    booklet = parse_booklet(c, m, taxonomy)
    if not c.ok:
        return None
    site = Site(
        title=title, organization=organization, base_url=base_url,
        description=c.text(m, "description"), intro=c.text(m, "intro"),
        licence_name=c.text(licence, "name", ("licence",)), licence_url=c.text(licence, "url", ("licence",)),
        contact=c.text(m, "contact"), principles=list(c.text_list(m, "principles")),
        process_stages=stages, per_page=ints["per_page"], newest=ints["newest"], crosstabs=crosstabs,
        furigana=furigana,
        case_cards=case_cards,
    )
    site.extra["booklet"] = booklet
    return site
