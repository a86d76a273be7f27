"""Validate ``taxonomy.yml`` into a :class:`Taxonomy`."""

from __future__ import annotations

import re

from kyodo.errors import Problems
from kyodo.load.frontmatter import Document
from kyodo.core.taxonomy import Facet, Rejected, Taxonomy, Term
from kyodo.text.normalize import fold
from kyodo.validate.checker import Checker

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
FACET_KEY = re.compile(r"[a-z][a-z0-9_]*\Z")
# Facet keys become URL folders and front-matter fields: these are taken.
RESERVED = {
    "cases", "year", "guideline", "stats", "data", "search", "assets", "embed", "booklet",
    "images", "pagefind", "page", "feed", "sitemap", "schema", "404", "furigana",
    "title", "summary", "fiscal_year", "organizations", "period", "budget", "status",
    "principles", "process", "indicators", "contact", "links", "image", "updated", "draft",
}
# A term's short meaning is shown beside its label in lists and tables.
SHORT_MAX = 12
FACET_FIELDS = ("label", "description", "multiple", "terms", "rejected")
TERM_FIELDS = ("slug", "label", "short", "title", "description", "aliases")


def build_taxonomy(doc: Document, problems: Problems) -> Taxonomy | None:
    c = Checker(doc, problems)
    c.unknown_keys(doc.meta, ["facets", "organizations"])   # organizations: see validate/organization.py
    raw = doc.meta.get("facets")
    if not isinstance(raw, dict) or not raw:
        c.error(("facets",), "facets: の下に分類（例: partner:）を 1 つ以上書いてください")
        return None
    facets: dict[str, Facet] = {}
    for order, (key, spec) in enumerate(raw.items()):
        path = ("facets", key)
        if not isinstance(key, str) or not FACET_KEY.match(key):
            c.error(path, "分類のキーは英小文字で始まる英小文字・数字・_ にしてください（例: partner）")
            continue
        if key in RESERVED:
            c.error(path, f"「{key}」はサイトの項目名や URL に使われているため、分類のキーにできません")
            continue
        if not isinstance(spec, dict):
            c.error(path, "label・multiple・terms を書いてください")
            continue
        c.unknown_keys(spec, FACET_FIELDS, path)
        label = c.text(spec, "label", path, required=True)
        multiple = spec.get("multiple", True)
        if not isinstance(multiple, bool):
            c.error(path + ("multiple",), "true か false で書いてください")
            multiple = True
        terms = _terms(c, key, spec.get("terms"), path + ("terms",))
        rejected = []
        for i, r in enumerate(c.items(spec, "rejected", path)):
            where = path + ("rejected", i)
            if not isinstance(r, dict) or not r.get("label") or not r.get("message"):
                c.error(where, "label と message を書いてください")
                continue
            r_label, r_message = c.text(r, "label", where), c.text(r, "message", where)
            if r_label and r_message:
                rejected.append(Rejected(r_label, r_message))
        facets[key] = Facet(key, label or key, multiple, terms,
                            c.text(spec, "description", path), rejected, order)
    return Taxonomy(facets) if c.ok else None


def _terms(c: Checker, facet: str, raw, path: tuple) -> list[Term]:
    if not isinstance(raw, list) or not raw:
        c.error(path, "terms: の下に値を 1 つ以上、「- slug: …」「label: …」の形で書いてください")
        return []
    terms: list[Term] = []
    names: dict[str, int] = {}
    slugs: set[str] = set()
    for i, t in enumerate(raw):
        where = path + (i,)
        if not isinstance(t, dict):
            c.error(where, "「slug: …」と「label: …」を書いてください")
            continue
        c.unknown_keys(t, TERM_FIELDS, where)
        slug = c.text(t, "slug", where, required=True)
        label = c.text(t, "label", where, required=True)
        if not slug or not label:
            continue
        if not SLUG.match(slug):
            c.error(where + ("slug",), f"slug「{slug}」には英小文字・数字・ハイフンだけを使ってください（URL に使います）")
            continue
        if slug in slugs:
            c.error(where + ("slug",), f"slug「{slug}」が重複しています")
            continue
        slugs.add(slug)
        aliases = c.text_list(t, "aliases", where)
        for name in (slug, label, *aliases):
            f = fold(name)
            if f in names and names[f] != i:
                c.error(where, f"「{name}」がほかの値の名前・別名と重なっています")
            names[f] = i
        short = c.text(t, "short", where)
        if short and ("\n" in short or len(short) > SHORT_MAX):
            c.error(where + ("short",), f"short は {SHORT_MAX} 文字までの短い言葉にしてください"
                    f"（いまは {len(short)} 文字。長い説明は title・description に書きます）")
        terms.append(Term(facet, slug, label, c.text(t, "title", where),
                          c.text(t, "description", where), aliases, i, short))
    return terms
