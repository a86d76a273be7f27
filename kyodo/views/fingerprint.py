"""Fingerprints: what each planned page is made of, as one short hash.

An incremental build renders a page only when its fingerprint differs from
the one the previous build recorded. A page's fingerprint covers:

* everything every page may read (:func:`site_fingerprint`): the kyodo
  version, the templates, site.yml, taxonomy.yml, the counts, the order of
  every index, the guideline, the organisations, image sizes, the menus;
* the page itself: URL, template, title, crumbs, card, and its whole context
  (:func:`fingerprint` walks it; a case stands for the hash of its file).

Anything left out here would make an incremental build differ from a clean
one; tests/test_incremental.py compares the two over random edit sequences.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
from pathlib import PurePath

from kyodo import __version__
from kyodo.core.case import Case
from kyodo.markdown.render import Rendered

_ATOMS = (str, int, float, bool, type(None))


# Digests of objects that never change once made (cases, rendered bodies, frozen
# dataclasses such as terms), kept between the builds of one process (``serve``
# reuses its cases and bodies): id -> (object, digest). The object is kept so
# that its id cannot be reused by another.
_STABLE: dict[int, tuple[object, str]] = {}
_STABLE_MAX = 400_000


class Walker:
    """A canonical, process-independent encoding of plain data (sets sorted,
    dataclasses by field), memoised per object for the shared big ones."""

    def __init__(self):
        self.memo: dict[int, str] = {}
        self.keep: list = []          # memoised objects stay alive, so ids stay unique
        if len(_STABLE) > _STABLE_MAX:
            _STABLE.clear()

    def _stable(self, obj, make) -> str:
        hit = _STABLE.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        known = make()
        _STABLE[id(obj)] = (obj, known)
        return known

    def digest(self, obj) -> str:
        h = hashlib.blake2b(digest_size=16)
        self._feed(obj, h)
        return h.hexdigest()

    def _feed(self, obj, h) -> None:
        t = type(obj)
        if t is Case and obj.digest:   # the commonest object of all, first
            h.update(f"case:{obj.slug}:{obj.digest};".encode())
            return
        if t is list or t is tuple:
            h.update(f"{t.__name__}{len(obj)}(".encode())
            for v in obj:
                self._feed(v, h)
            h.update(b")")
            return
        if t is str or isinstance(obj, str):   # str and Markup: length-prefixed UTF-8
            data = obj.encode("utf-8", "surrogatepass")
            h.update(b"s" + len(data).to_bytes(8, "little") + data)
            return
        if isinstance(obj, _ATOMS):
            h.update(f"{t.__name__}:{obj!r};".encode())
            return
        if t is Rendered:   # a body: its HTML and headings decide what a page shows
            h.update(self._stable(obj, lambda: Walker().digest([str(obj.html), [(x.level, x.id, x.text)
                                                                                for x in obj.toc]])).encode())
            return
        if isinstance(obj, Case):
            # The file's hash decides the whole case (taxonomy, site and the
            # organisations are in the site fingerprint); a case made in code
            # has none and is walked field by field, each time.
            if obj.digest:
                h.update(f"case:{obj.slug}:{obj.digest};".encode())
                return
            key = id(obj)
            known = self.memo.get(key)
            if known is None:
                known = self.memo[key] = self._fields(obj)
                self.keep.append(obj)
            h.update(known.encode())
            return
        if isinstance(obj, (dt.date, dt.datetime, dt.time)):
            h.update(f"{type(obj).__name__}:{obj.isoformat()};".encode())
            return
        if isinstance(obj, enum.Enum):
            h.update(f"enum:{obj!r};".encode())
            return
        if isinstance(obj, PurePath):
            h.update(f"path:{obj.as_posix()};".encode())
            return
        if isinstance(obj, bytes):
            h.update(b"bytes:" + hashlib.blake2b(obj, digest_size=16).digest())
            return
        if isinstance(obj, dict):
            h.update(f"dict{len(obj)}(".encode())
            for k, v in obj.items():
                self._feed(k, h)
                self._feed(v, h)
            h.update(b")")
            return
        if isinstance(obj, (list, tuple)):
            h.update(f"{type(obj).__name__}{len(obj)}(".encode())
            for v in obj:
                self._feed(v, h)
            h.update(b")")
            return
        if isinstance(obj, (set, frozenset)):
            parts = sorted(self.digest(v) for v in obj)
            h.update(f"set({','.join(parts)})".encode())
            return
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            if t.__dataclass_params__.frozen:
                h.update(self._stable(obj, lambda: self._fields(obj)).encode())
                return
            key = id(obj)
            known = self.memo.get(key)
            if known is None:
                known = self._fields(obj)
                self.memo[key] = known
                self.keep.append(obj)
            h.update(known.encode())
            return
        own = getattr(obj, "__fingerprint__", None)
        if own is not None:   # an object that says what it stands for (kyodo/views/sources/stats.py: Sizes)
            h.update(f"own:{own()};".encode())
            return
        if callable(obj):
            h.update(f"fn:{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', type(obj).__name__)};".encode())
            return
        if hasattr(obj, "__dict__"):
            h.update(f"obj:{type(obj).__qualname__}(".encode())
            self._feed(vars(obj), h)
            h.update(b")")
            return
        raise TypeError(f"cannot fingerprint {type(obj).__qualname__}")

    def _fields(self, obj) -> str:
        h = hashlib.blake2b(digest_size=16)
        h.update(f"dc:{type(obj).__qualname__}(".encode())
        for f in dataclasses.fields(obj):
            h.update(f.name.encode() + b"=")
            self._feed(getattr(obj, f.name), h)
        return h.hexdigest()


_STATS: list = []   # [(stats, digest without extra)]: the counts are reused as the same object


def _stats_digest(stats, walker: Walker, front: str | None = None) -> str:
    """The counts' digest. Counts kept from the last build (kyodo/views/model.py
    reuses the very object while no front matter changed) are not walked again;
    only ``extra`` (replaced on every build) is. The counts are made of the cases'
    front matter (``front``), the taxonomy and site.yml (both in the site's
    fingerprint): with ``front`` known, they are not walked at all."""
    if front:
        return walker.digest(["counts of", front, stats.extra])
    base = next((d for s, d in _STATS if s is stats), None)
    if base is None:
        base = walker.digest([getattr(stats, f.name) for f in dataclasses.fields(stats) if f.name != "extra"])
        _STATS[:] = [(stats, base)]
    return walker.digest([base, stats.extra])


def site_fingerprint(view, nav, salt: str = "") -> str:
    """What every page may read (the renderer's common context); ``salt``: the templates."""
    walker = Walker()
    stats = _stats_digest(view.stats, walker, front_matter_fingerprint(view.cases))
    idx = view.indexes
    order = hashlib.blake2b(digest_size=16)
    for key, cases in [*((f"{t.facet}/{t.slug}", c) for t, c in idx.by_term.items()),
                       *((str(y), c) for y, c in idx.by_year.items())]:
        order.update(key.encode() + b":" + "\x1f".join(c.slug for c in cases).encode() + b";")
    order.update("\x1f".join(c.slug for c in view.cases).encode())
    return walker.digest([
        __version__, salt, view.site, view.taxonomy, stats, order.hexdigest(),
        view.content.chapters, {k: v.html for k, v in view.chapter_html.items()},
        view.explained_at, view.intro_html, view.image_sizes, view.booklet_pdf,
        view.bank, view.content.organizations, nav,
    ])


def front_matter_fingerprint(cases) -> str | None:
    """Every case's file name and front matter, in catalogue order (None when a
    case was not read from a file)."""
    if not all(c.meta_digest for c in cases):
        return None
    return hashlib.blake2b("\x1f".join(f"{c.slug}:{c.meta_digest}" for c in cases).encode(),
                           digest_size=16).hexdigest()


def page_fingerprints(pages, site_fp: str, walker: Walker | None = None, front: str | None = None) -> list[str]:
    """One fingerprint per page, in order. A light page (lists, statistics:
    what the site and the cases' front matter make) is fingerprinted by those
    alone (``front``), without walking its context; so is a page that names the
    one file it reads besides (``inputs``: a case's page, by its file's hash);
    any other page by its whole context."""
    walker = walker or Walker()
    out = []
    base = walker.digest([site_fp, front]) if front else ""
    for p in pages:
        if (p.light or p.inputs) and front:
            out.append(_plain_digest(base, p))
            continue
        context = p.context
        if p.kind == "sitemap":   # every listed page: its URL and lastmod only
            context = [(q.url, q.lastmod) for q in context["listed"]]
        out.append(walker.digest([site_fp, p.url, p.template, p.title, p.kind, p.description, p.crumbs,
                                  p.in_sitemap, p.root_override, p.lastmod, p.card, context]))
    return out


def _plain_digest(base: str, p) -> str:
    """A page without a walked context: its own fields as canonical JSON (fast for 10,000s)."""
    card = p.card
    fields = [base, p.inputs, p.url, p.template, p.title, p.kind, p.description,
              [[c.label, c.url] for c in p.crumbs], p.in_sitemap, p.root_override,
              p.lastmod.isoformat() if p.lastmod else None,
              [card.path, card.kicker, card.title, card.note] if card is not None else None]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
