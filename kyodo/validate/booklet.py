"""The ``booklet:`` section of ``site.yml``.

Everything about the booklet that a ward may want to change is data here;
facet keys and chapter slugs are checked against taxonomy.yml and the
guideline folder, never named in code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kyodo.core.taxonomy import Taxonomy
from kyodo.validate.checker import Checker

KEYS = ("title", "group_by", "guideline", "index", "intro", "intro_chapter", "issued")


@dataclass
class BookletConfig:
    title: str = ""                         # cover title; default: the site title
    group_by: str | None = None             # facet key that groups the cases
    guideline: tuple[str, ...] = ()         # guideline chapter slugs for the digest
    index: tuple[str, ...] | None = None    # facet keys for the 索引 (None: every multi-valued facet)
    intro: str = ""                         # markdown for はじめに (default: site.yml intro)
    intro_chapter: str = ""                 # or a guideline chapter as はじめに
    issued: dt.date | None = None           # date of issue on the cover
    source: str = "site.yml"                # for messages found later (chapter slugs)
    lines: dict[str, int] = field(default_factory=dict)

    def index_facets(self, taxonomy: Taxonomy) -> list[str]:
        if self.index is not None:
            return list(self.index)
        return [f.key for f in taxonomy if f.multiple]


def parse_booklet(c: Checker, meta: dict, taxonomy: Taxonomy | None) -> BookletConfig:
    """Read ``meta["booklet"]``; problems go to the checker as ``site.yml:line: booklet.x: …``."""
    section = c.mapping(meta, "booklet")
    if not section:
        return BookletConfig(source=c.doc.display)
    where = ("booklet",)
    c.unknown_keys(section, KEYS, where)
    cfg = BookletConfig(source=c.doc.display)
    cfg.title = c.text(section, "title", where)
    cfg.intro = c.text(section, "intro", where)
    cfg.intro_chapter = c.text(section, "intro_chapter", where)
    if cfg.intro_chapter:
        cfg.lines["intro_chapter"] = c.doc.line("booklet", "intro_chapter")
    facet_names = "、".join(taxonomy.facets) if taxonomy else ""

    group_by = c.text(section, "group_by", where)
    if group_by and taxonomy is not None and group_by not in taxonomy:
        c.error(where + ("group_by",),
                f"分類「{group_by}」は taxonomy.yml にありません。事例を分ける分類を 1 つ書いてください（{facet_names}）")
    else:
        cfg.group_by = group_by or None

    if section.get("guideline") is False:
        cfg.guideline = ()
    else:
        cfg.guideline = c.text_list(section, "guideline", where)
        for i, _ in enumerate(cfg.guideline):
            cfg.lines[f"guideline/{i}"] = c.doc.line("booklet", "guideline", i)

    if "index" in section:
        keys = () if section.get("index") is False else c.text_list(section, "index", where)
        for i, key in enumerate(keys):
            if taxonomy is not None and key not in taxonomy:
                c.error(where + ("index", i),
                        f"分類「{key}」は taxonomy.yml にありません。索引にする分類を書いてください（{facet_names}）")
        cfg.index = tuple(keys)

    issued = section.get("issued")
    if isinstance(issued, dt.datetime):
        issued = issued.date()
    if issued is not None and not isinstance(issued, dt.date):
        c.error(where + ("issued",), "発行日は 2025-03-31 のような日付で書いてください")
        issued = None
    cfg.issued = issued
    return cfg


def chapter_problems(cfg: BookletConfig, chapters: list[str]) -> list[tuple[int, str, str]]:
    """(line, field, message) for each chapter the booklet names that does not exist."""
    have = "、".join(chapters) or "なし"
    wanted = [(f"guideline/{i}", f"booklet.guideline[{i + 1}]", slug) for i, slug in enumerate(cfg.guideline)]
    if cfg.intro_chapter:
        wanted.append(("intro_chapter", "booklet.intro_chapter", cfg.intro_chapter))
    return [(cfg.lines.get(key, 1), name, f"協働指針の章「{slug}」がありません（guideline/ にある章: {have}）")
            for key, name, slug in wanted if slug not in chapters]
