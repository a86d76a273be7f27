"""ふりがな pages: every page of the site once more under ``furigana/``, with ruby.

A post-render step. Each page that extends ``base.html`` (and so carries the
switch) is read back from the staged output and transformed, as text, by a
small scanner (:func:`scan`; html.parser finds the same text runs, see
tests/test_furigana.py, but is about ten times slower):

* text nodes get ``<ruby>漢字<rt>かんじ</rt></ruby>`` over their kanji (the two
  markup strings below are the only HTML this module writes); text inside
  ``<title>``, script, style, code, pre, kbd, samp, textarea, svg, math,
  option and existing ruby is left alone, and so is every attribute value;
* links keep the reader in ruby mode: a relative link to another page is
  unchanged (the ruby tree mirrors the site one folder down), a link to
  anything else (CSS, scripts, images, downloads, feeds) gets one more
  ``../``; root-relative links (the 404 page) get ``furigana/`` after the base
  path; absolute URLs (canonical, og:url) still name the normal page;
* the switch (``templates/partials/furigana_switch.html``) becomes the link
  back to the normal page, and ``<body>`` gets the class ``furigana`` (CSS:
  room for the ruby above each line).

Nothing else changes, so the canonical link of a ruby page names the normal
page, and ruby pages are not in the sitemap (they are not planned pages).

Cost: readings come from the shared analyser (kyodo/text/analysis.py) with
the ward's readings.yml first. Each case's and chapter's own texts are
analysed once and kept in the build cache (kyodo/cache.py, namespace
``furigana``) keyed by those texts, so an unchanged case is not analysed
again; every text is analysed at most once per process (memo).
"""

from __future__ import annotations

import dataclasses
import html
import re
from urllib.parse import urljoin, urlsplit

import jinja2
from jinja2 import nodes

from kyodo.cache import Cache, cache_root, digest
from kyodo.parallel import pmap
from kyodo.text.analysis import KANJI_RE, analyser, has_kanji
from kyodo.text.furigana import annotate

PREFIX = "furigana/"
SWITCH = "partials/furigana_switch.html"
PLACEHOLDER = "<!--furigana-switch-->"
MARKUP_VERSION = "1"
# Elements whose text never gets ruby (rt/rp/ruby: already annotated).
SKIP = frozenset({"title", "script", "style", "code", "pre", "kbd", "samp", "textarea", "svg",
                  "math", "option", "optgroup", "rt", "rp", "ruby"})
URL_ATTR = re.compile(r'(\s(?:href|src|action|poster|data-root)=")([^"]*)(")')
CLASS_ATTR = re.compile(r'(\sclass=")([^"]*)(")')
SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")


def markup(pieces: list[tuple[str, str]]) -> str:
    """(text, reading) pieces as HTML: ``<ruby>base<rt>reading</rt></ruby>`` where read."""
    return "".join(f"<ruby>{html.escape(t, False)}<rt>{html.escape(r, False)}</rt></ruby>" if r
                   else html.escape(t, False) for t, r in pieces)


class Reader:
    """Text → HTML with ruby, each distinct text analysed once."""

    def __init__(self, readings: dict[str, str]):
        self.analyser = analyser(tuple(sorted(readings.items())))
        self.memo: dict[str, str] = {}     # stripped text -> HTML (what the cache holds)
        self.runs: dict[str, str] = {}     # text run as written -> HTML
        self.fresh: dict[str, str] = {}    # memo entries analysed since last taken
        self.analysed = 0          # texts analysed by this process (tests, benchmarks)

    def core(self, text: str) -> str:
        """The memo entry for ``text`` (stripped), analysing it when new."""
        found = self.memo.get(text)
        if found is None:
            self.analysed += 1
            found = self.memo[text] = self.fresh[text] = markup(annotate(self.analyser, text))
        return found

    def run(self, raw: str) -> str:
        """A text run as written in the page (entities and all) → HTML with ruby."""
        found = self.runs.get(raw)
        if found is None:
            found = self.runs[raw] = self.ruby(html.unescape(raw))
        return found

    def ruby(self, text: str) -> str:
        core = text.strip()
        if not has_kanji(core):
            return html.escape(text, False)
        start = text.index(core)
        return (html.escape(text[:start], False) + self.core(core)
                + html.escape(text[start + len(core):], False))


_K = KANJI_RE.pattern[1:-1]   # the character class, without its brackets
# Regions whose text never gets ruby: comments, and SKIP elements up to their end tag
# (raw-text elements first: their content is text, never markup).
SKIP_REGION = re.compile(r"<!--.*?-->|<(script|style|textarea|title|%s)\b[^>]*(?<!/)>.*?</\1\s*>"
                         % "|".join(sorted(SKIP - {"script", "style", "textarea", "title"})), re.S | re.I)
RAW_REGION = re.compile(r"<!--.*?-->|<(script|style|textarea|title)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)
# Text with kanji: after a ">" up to the next "<" (attribute values never hold a bare ">":
# templates and markdown escape it).
TEXT_WITH_KANJI = re.compile(r">([^<]*?[%s][^<]*)" % _K)
BODY_CLASS = re.compile(r"<body\b[^>]*>", re.I)


def _gaps(regions: list[tuple[int, int]], n: int):
    pos = 0
    for a, b in regions:
        if a > pos:
            yield pos, a
        pos = max(pos, b)
    if pos < n:
        yield pos, n


def scan(src: str) -> list[tuple[int, int]]:
    """Offsets of the text runs of ``src`` that hold kanji, outside SKIP elements and comments.

    A scanner for the pages kyodo itself renders (templates with autoescaping,
    markdown without raw HTML: tags are well formed and attribute values never
    hold a bare ">"), built from regular expressions that run in C: html.parser
    finds the same runs (tested) but is about ten times slower, which is
    minutes at 10,000 cases. A SKIP element is taken up to its first end tag.
    """
    regions = [m.span() for m in SKIP_REGION.finditer(src)]
    runs = []
    for a, b in _gaps(regions, len(src)):
        # A gap starts after a ">" (the end of a region) or at the start of the page.
        if a == 0 and src[:1] != "<":
            first = re.match(r"[^<]*", src[:b]).end()
            if KANJI_RE.search(src, 0, first):
                runs.append((0, first))
        for m in TEXT_WITH_KANJI.finditer(src, max(a - 1, 0), b):
            runs.append((m.start(1), min(m.end(1), b)))
    return runs


class Site:
    """What link rewriting needs to know about the whole site."""

    def __init__(self, page_urls: set[str], base_path: str):
        self.pages = page_urls
        self.base_path = base_path
        self._links: dict[tuple, str] = {}

    def is_page(self, path: str) -> bool:
        if path.endswith("index.html"):
            path = path[: -len("index.html")]
        return path in self.pages

    def link(self, value: str, page_url: str, force_asset: bool = False) -> str:
        """``value`` (an attribute of page ``page_url``) as seen from furigana/<page_url>."""
        depth = page_url.count("/")
        # A link that climbs to the site root first means the same from every page this deep.
        key = (depth, value, force_asset) if value.startswith("../" * depth) and not value.startswith(
            "../" * (depth + 1)) else (page_url, value, force_asset)
        found = self._links.get(key)
        if found is None:
            found = self._links[key] = self._link(value, page_url, force_asset)
        return found

    def _link(self, value: str, page_url: str, force_asset: bool) -> str:
        raw = html.unescape(value)
        if not raw or raw.startswith(("#", "//")) or SCHEME.match(raw):
            return value
        if raw.startswith("/"):
            if not raw.startswith(self.base_path):
                return value
            rest = raw[len(self.base_path):]
            if not force_asset and self.is_page(urlsplit(rest).path):
                return html.escape(self.base_path + PREFIX + rest)
            return value
        target = urlsplit(urljoin("http://site/" + page_url, raw)).path.lstrip("/")
        if not force_asset and self.is_page(target):
            return value          # the ruby tree mirrors the site: the same relative link
        parts = urlsplit(raw)
        tail = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
        root = "../" * (page_url.count("/") + 1)
        return html.escape(root + target + tail)


def transform(src: str, page_url: str, site: Site, reader: Reader) -> str:
    """The ruby version of one rendered page (the switch already replaced)."""
    edits: list[tuple[int, int, str]] = []
    for a, b in scan(src):
        edits.append((a, b, reader.run(src[a:b])))
    raw = [m.span(2) if m.group(1) else m.span() for m in RAW_REGION.finditer(src)]   # not their start tags
    for m in URL_ATTR.finditer(src):
        if any(a <= m.start() < b for a, b in raw):
            continue
        new = site.link(m.group(2), page_url, "data-root" in m.group(1))
        if new != m.group(2):
            edits.append((m.start(2), m.end(2), new))
    body = BODY_CLASS.search(src)
    if body:
        cls = CLASS_ATTR.search(body.group(0))
        if cls:
            at = body.start() + cls.end(2)
            edits.append((at, at, " furigana" if cls.group(2) else "furigana"))
        else:
            at = body.start() + len("<body")
            edits.append((at, at, ' class="furigana"'))
    edits.sort()
    out, pos = [], 0
    for a, b, new in edits:
        out.append(src[pos:a])
        out.append(new)
        pos = b
    out.append(src[pos:])
    return "".join(out)


# Template source (and the syntax it is read with) -> the template it extends by name, or
# None. Parsing is most of the cost of a small build's ふりがな step; a source is parsed
# once per process (tests and `serve` build many times).
_PARENTS: dict[tuple, str | None] = {}


def _parent(env: jinja2.Environment, source: str) -> str | None:
    key = (source, env.block_start_string, env.variable_start_string, env.comment_start_string,
           env.line_statement_prefix, env.line_comment_prefix)
    if key not in _PARENTS:
        parent = None
        for node in env.parse(source).find_all(nodes.Extends):
            if isinstance(node.template, nodes.Const):
                parent = node.template.value
                break
        if len(_PARENTS) >= 256:
            _PARENTS.clear()
        _PARENTS[key] = parent
    return _PARENTS[key]


def extends_base(env: jinja2.Environment, name: str, _seen: frozenset = frozenset()) -> bool:
    """True when template ``name`` extends base.html (directly or through a parent)."""
    if name == "base.html":
        return True
    if name in _seen:
        return False
    parent = _parent(env, env.loader.get_source(env, name)[0])
    return parent is not None and extends_base(env, parent, _seen | {name})


def _own_texts(item, depth: int = 0):
    """Every string field of a case or chapter (recursively), not its slug, source or terms."""
    if isinstance(item, str):
        yield item
    elif isinstance(item, (list, tuple)):
        for v in item:
            yield from _own_texts(v, depth + 1)
    elif isinstance(item, dict):
        for v in item.values():
            yield from _own_texts(v, depth + 1)
    elif dataclasses.is_dataclass(item) and not isinstance(item, type) and depth < 4:
        for f in dataclasses.fields(item):
            if f.name not in ("slug", "source", "terms", "body", "url"):
                yield from _own_texts(getattr(item, f.name), depth + 1)


def _salt(readings: dict[str, str]) -> str:
    from importlib.metadata import PackageNotFoundError, version
    versions = []
    for pkg in ("sudachipy", "sudachidict_core"):
        try:
            versions.append(version(pkg))
        except PackageNotFoundError:
            versions.append("")
    return digest(MARKUP_VERSION, *versions, *sorted(f"{k}\t{v}" for k, v in readings.items()))


def _cache(view) -> Cache:
    return Cache(cache_root(view.content.root), "furigana", _salt(view.content.readings))


PAGE_TEXTS = "page-texts"    # cache key: texts of the pages themselves (labels, dates, headings)
PAGE_TEXTS_MAX = 200_000


def seed(view, reader: Reader) -> dict:
    """Fill ``reader.memo`` from each case's and chapter's cached analysis; analyse the rest."""
    cache = _cache(view)
    # str(): the bodies are Markup, whose replace() would escape again.
    items = [(c, str(view.case_html[c.slug].html)) for c in view.cases]
    items += [(ch, str(view.chapter_html[ch.slug].html)) for ch in view.content.chapters]
    keys, missing = [], []
    for i, (item, body) in enumerate(items):
        key = digest(*_own_texts(item), body)
        keys.append(key)
        entry = cache.get_json(key)
        if isinstance(entry, dict) and all(isinstance(v, str) for v in entry.values()):
            reader.memo.update(entry)
        else:
            missing.append(i)

    def analyse(j: int) -> dict[str, str]:
        item, body = items[missing[j]]
        texts = {t.strip() for t in _own_texts(item)} | {html.unescape(body[a:b]).strip() for a, b in scan(body)}
        return {t: reader.core(t) for t in sorted(texts) if has_kanji(t)}

    if missing:
        reader.analyser.words("協働")   # load the dictionary once, before forking workers
    for i, entry in zip(missing, pmap(analyse, len(missing))):
        cache.put_json(keys[i], entry)
        reader.memo.update(entry)
    reader.fresh = {}
    pages = cache.get_json(PAGE_TEXTS)
    if isinstance(pages, dict):
        reader.memo.update((k, v) for k, v in pages.items() if isinstance(v, str))
    return {"items": len(items), "analysed": len(missing), "page_texts": pages if isinstance(pages, dict) else {}}


def write(staging, view, pages, env: jinja2.Environment, renderer_common: dict) -> dict:
    """Write ``furigana/<page>`` for every page that extends base.html."""
    if not view.site.furigana:
        return {"pages": 0}
    uses_base: dict[str, bool] = {}
    eligible = []
    for page in pages:
        if page.template not in uses_base:
            uses_base[page.template] = extends_base(env, page.template)
        if uses_base[page.template]:
            eligible.append(page)
    base_path = urlsplit(view.site.base_url).path or "/"
    urls = {p.url for p in eligible}
    site = Site(urls, base_path)
    # A ruby page is made of its page, the readings, this code and which URLs are pages.
    salt = digest(_salt(view.content.readings), base_path, "\x1f".join(sorted(urls)))
    total = len(eligible)
    eligible = [p for p in eligible if staging.want(PREFIX + p.output, digest(p.fingerprint, salt) if p.fingerprint else None)]
    if not eligible:
        return {"pages": 0}
    reader = Reader(view.content.readings)
    # Many pages to make: every case's analysis from the cache first. A few (one case
    # edited): their texts are analysed as they come, without reading the whole cache.
    seeded = len(eligible) > max(50, total // 10)
    stats = seed(view, reader) if seeded else {"items": 0, "analysed": 0, "page_texts": {}}
    switch = env.get_template(SWITCH)

    def job(i: int) -> dict[str, str]:
        page = eligible[i]
        src = staging.read(page.output).decode("utf-8")
        off = switch.render(renderer_common, page=page, root=page.root, furigana_on=False)
        src = src.replace(off, PLACEHOLDER, 1)
        out = transform(src, page.url, site, reader)
        ruby_root = page.root_override if page.root_override is not None else "../" * (page.url.count("/") + 1)
        on = switch.render(renderer_common, page=page, root=ruby_root, furigana_on=True)
        staging.write(PREFIX + page.output, out.replace(PLACEHOLDER, on, 1).encode("utf-8"))
        fresh, reader.fresh = reader.fresh, {}
        return fresh

    page_texts = stats.pop("page_texts")
    fresh: dict[str, str] = {}
    for part in pmap(job, len(eligible)):
        fresh.update(part)
    if fresh and seeded:   # texts of the pages themselves, kept for the next build
        merged = page_texts if len(page_texts) + len(fresh) <= PAGE_TEXTS_MAX else {}
        merged.update(fresh)
        _cache(view).put_json(PAGE_TEXTS, merged)
    stats.update(pages=len(eligible), page_texts=len(fresh))
    return stats
