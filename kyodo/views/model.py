"""Everything the pages need, derived once from the validated content."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from kyodo.errors import ContentError, Problems
from kyodo.paths import display_path
from kyodo.load.images import image_size
from kyodo.markdown.render import Markdown, Rendered
from kyodo.model.content import Content
from kyodo.core.taxonomy import Taxonomy, Term
from kyodo.parallel import MIN_ITEMS, Background, Shared, later, pimap
from kyodo.cache import Cache, cache_root
from kyodo.views.bodies import Bodies, plain_of, rendered_of
from kyodo.views.counts import Stats, count
from kyodo.views.indexes import Indexes, build_indexes
from kyodo.views.organizations import Bank, build_bank, organization_stats
from kyodo.views.related import related

PAGE_DEPTH_ROOT = "../../"   # case and chapter pages live two folders down


@dataclass(frozen=True)
class BookletFile:
    """The printed booklet published beside the site (booklet.pdf)."""
    path: str             # site path
    size: int             # bytes
    pages: int

    @property
    def size_text(self) -> str:
        from kyodo.views.downloads import size_text
        return size_text(self.size)


@dataclass
class SiteView:
    content: Content
    stats: Stats
    indexes: Indexes
    related: dict
    case_html: dict[str, Rendered]
    chapter_html: dict[str, Rendered]
    intro_html: str
    explained_at: dict[Term, str] = field(default_factory=dict)   # term -> "guideline/x/#id"
    images: list[str] = field(default_factory=list)               # under content/images/
    image_sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # image -> (width, height)
    booklet_pdf: BookletFile | None = None   # set when booklet.pdf is published with the site
    bank: Bank | None = None                                       # 団体情報バンク (falsy when none)
    organization_html: dict[str, Rendered] = field(default_factory=dict)

    @property
    def site(self):
        return self.content.site

    @property
    def taxonomy(self):
        return self.content.taxonomy

    @property
    def cases(self):
        return self.content.cases


def term_resolver(taxonomy: Taxonomy, stats: Stats):
    """For ``[[facet:term]]`` in markdown: (url, label, case count) or None."""
    def resolve(facet_key: str, value: str):
        facet = taxonomy.facets.get(facet_key)
        term = facet.resolve(value) if facet else None
        if term is None:
            return None
        return term.url, term.name, stats.term_count(term)
    return resolve


_DERIVED: list = []    # [(taxonomy, site, key, stats, related slugs)]: the last build's, kept alive


def _derived(content: Content):
    """Counts, and a function that starts finding the related cases (while the
    case texts are rendered) and returns a :class:`Related`: the same as last
    time when no case's front matter, order or settings changed (``serve``
    saving a case body, for example). The settings are compared as the very
    same objects (kyodo.model.assemble.Memo keeps them while their files are
    unchanged)."""
    cases = content.cases
    key = None
    if all(c.meta_digest for c in cases):
        key = (repr(content.site.crosstabs), tuple((c.slug, c.meta_digest) for c in cases))
        for tax, site, known_key, stats, slugs in _DERIVED:
            if tax is content.taxonomy and site is content.site and known_key == key:
                return stats, lambda: Related(cases, known=slugs)
    stats = count(cases, content.taxonomy, content.site.crosstabs)
    _DERIVED.clear()

    def remember(slugs: dict) -> None:
        if key is not None:
            _DERIVED[:] = [(content.taxonomy, content.site, key, stats, slugs)]
    return stats, lambda: Related(cases, cache_root(content.root), remember)


class Related:
    """The related cases of every case (kyodo.views.related): from the build
    cache when every case has the same terms in the same order as last time (a
    rebuild after a body edit, in a new process), else found in a forked child
    while this process renders the texts. :meth:`result` gives slug -> cases."""

    def __init__(self, cases: list, root=None, remember=None, known: dict | None = None):
        self.cases, self.remember, self.known = cases, remember, known
        self.job = self.cache = None
        if known is not None:
            return
        self.cache = Cache(root, "related")
        h = hashlib.blake2b(digest_size=20)
        for c in cases:
            h.update(c.slug.encode("utf-8", "surrogatepass") + b":")
            for t in c.all_terms():
                h.update(t.facet.encode() + b"/" + t.slug.encode("utf-8", "surrogatepass") + b",")
            h.update(b";")
        self.key = h.hexdigest()
        stored = self.cache.get_json("related") if self.cache.dir is not None else None
        if isinstance(stored, dict) and stored.get("key") == self.key and isinstance(stored.get("related"), dict) \
                and self._valid(stored["related"]):
            self.known = stored["related"]
            return
        self.job = Background(lambda: {s: [o.slug for o in others] for s, others in related(cases).items()},
                              fork=len(cases) >= MIN_ITEMS)

    def _valid(self, slugs) -> bool:
        slugs_known = {c.slug for c in self.cases}
        return all(isinstance(v, list) and all(type(o) is str and o in slugs_known for o in v)
                   for v in slugs.values())

    def result(self) -> dict:
        slugs = self.known
        if slugs is None:
            slugs = self.job.result()
            if self.cache.dir is not None:
                self.cache.put_json("related", {"key": self.key, "related": slugs})
        if self.remember is not None:
            self.remember(slugs)
        by_slug = {c.slug: c for c in self.cases}
        return {s: [by_slug[o] for o in others] for s, others in slugs.items()}

    def close(self) -> None:
        if self.job is not None:
            self.job.close()

    def __enter__(self) -> "Related":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _plain_or_none(r):
    return None if r is None else plain_of(r)


def _rendered_or_none(r):
    return None if r is None else rendered_of(r)


def prepare(content: Content) -> SiteView:
    """Render markdown and derive the views; raise ContentError on problems."""
    stats, related_of = _derived(content)
    tax = content.taxonomy

    resolver = term_resolver(tax, stats)
    md = Markdown(content.root / "images", resolver)
    bodies = Bodies(md, resolver, content.root / "images", cache_root(content.root))
    problems = Problems()
    images: set[str] = set()

    def collect(item, r: Rendered) -> Rendered:
        for line, message, *field_name in r.problems:
            problems.add(display_path(item.source), item.body_line + line, (field_name or ["本文"])[0], message)
        images.update(r.images)
        return r

    orgs = content.organizations.organizations
    items = [*content.cases, *content.chapters, *orgs]
    # An organisation's name plays the part of a title (it names an uncaptioned table).
    args = [(item.body, PAGE_DEPTH_ROOT, "", getattr(item, "title", "") or item.name) for item in items]
    keys = [bodies.key(*a) for a in args]
    rendered = [bodies.lookup(k) for k in keys]
    fresh = [i for i, r in enumerate(rendered) if r is None]   # only bodies that changed are rendered:
    # plain texts here and in one child (handing each to a pool worker and back
    # costs as much as rendering it), the two taking them from either end; the
    # texts plain rendering declines, on all cores.
    def plain(j: int):
        i = fresh[j]
        return md.render_plain(args[i][0], args[i][3])
    with related_of() as finding, \
            Shared(plain, len(fresh), fork=len(fresh) >= MIN_ITEMS, send=_plain_or_none, take=_rendered_or_none) \
            as both:
        for i, r in zip(fresh, both.results()):
            rendered[i] = r
        missing = [i for i in fresh if rendered[i] is None]
        with pimap(lambda j: md.render_full(*args[missing[j]]), len(missing)) as stream:   # declined above
            for i, r in zip(missing, stream):
                rendered[i] = r
        related_cases = finding.result()
    bodies.keep(keys, rendered, len(fresh))
    results = [collect(item, r) for item, r in zip(items, rendered)]
    case_html = {c.slug: r for c, r in zip(content.cases, results)}
    chapter_html = {ch.slug: r for ch, r in zip(content.chapters, results[len(content.cases):])}
    organization_html = {o.slug: r for o, r in zip(orgs, results[len(content.cases) + len(content.chapters):])}
    for case in content.cases:
        if case.image:
            images.add(case.image.src)
    if problems:
        raise ContentError(problems.sorted())
    later(bodies.save, fork=len(items) >= MIN_ITEMS)   # in a child while this process plans the pages

    explained: dict[Term, str] = {}
    for ch in content.chapters:
        r = chapter_html[ch.slug]
        for ref in r.refs:
            term = tax[ref.facet].resolve(ref.value)
            if term in explained:
                continue
            heading = next((h for h in reversed(r.toc) if h.line <= ref.line), None)
            explained[term] = ch.url + (f"#{heading.id}" if heading else "")

    intro = md.render(content.site.intro, "").html if content.site.intro else ""
    sizes = {}
    for case in content.cases:
        if case.image and case.image.src not in sizes:
            size = image_size(content.root / "images", case.image.src)
            if size:
                sizes[case.image.src] = size
    bank = build_bank(content)
    stats.extra.pop("organizations", None)
    if bank:
        stats.extra["organizations"] = organization_stats(bank, content.cases)
    return SiteView(content, stats, build_indexes(content.cases, tax), related_cases,
                    case_html, chapter_html, intro, explained, sorted(images), sizes,
                    bank=bank, organization_html=organization_html)
