"""The printed booklet (A4 PDF typeset by WeasyPrint): a post-step of ``build --pdf`` and ``pdf``.

From a prepared :class:`SiteView`: the booklet's model (kyodo/views/booklet/),
its print page (kyodo/views/sources/booklet.py, rendered like every page),
the layout plan, and the PDF (typeset.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from kyodo import paths
from kyodo.views.booklet.layout import Plan, Unit, check, plan
from kyodo.views.booklet.model import Booklet, build_booklet
from kyodo.cache import Cache, cache_root, digest
from kyodo.views.sources.booklet import URL, booklet_page
from kyodo.views.booklet.selection import Selection
from kyodo.post.booklet.typeset import Typeset, typeset
from kyodo.errors import UsageError
from kyodo.render.env import make_env
from kyodo.render.renderer import Renderer
from kyodo.views.model import BookletFile, SiteView


@dataclass
class Made:
    booklet: Booklet
    html: str
    result: Typeset


def booklet_html(view: SiteView, booklet: Booklet) -> str:
    """The print page, rendered exactly as the build publishes it at ``booklet/``."""
    return Renderer(make_env(paths.TEMPLATES), view).render(booklet_page(view, booklet)).decode("utf-8")


def _units(booklet: Booklet) -> tuple[list[Unit], list[str]]:
    """The parts whose first page is forced, in document order, and the cases among them."""
    units, cases = [], []
    for group in booklet.groups:
        if booklet.compact:
            # A small edition has no chapter title pages: the chapter's heading opens
            # its first case's page, and the two start (and make a spread) together.
            units.append(Unit(group.anchor, "page"))
            cases.append(group.anchor)
            rest = group.entries[1:]
        else:
            units.append(Unit(group.anchor, "right"))
            rest = group.entries
        for entry in rest:
            units.append(Unit(entry.anchor, "page"))
            cases.append(entry.anchor)
    units.append(Unit("stats", "page"))
    return units, cases


def make_pdf(view: SiteView, selection: Selection | None = None) -> Made:
    booklet = build_booklet(view, selection)
    if not booklet.entries:
        if selection is not None and selection.is_subset:
            raise UsageError(f"条件（{booklet.edition}）にあてはまる事例がありません。--year や --filter を見直してください")
        raise UsageError("冊子に載せる事例がありません。content/cases/ に事例を追加してください")
    root, base = view.content.root, view.site.base_url
    units, cases = _units(booklet)
    # The plan of the same page is remembered: an unchanged booklet is laid out once.
    cache = Cache(cache_root(root), "booklet-layout", (paths.ASSETS / "booklet.css").read_text(encoding="utf-8"))
    first_html = booklet_html(view, booklet)
    key = digest(first_html)
    known = cache.get_json(key)
    if isinstance(known, dict) and isinstance(known.get("spreads"), list) and isinstance(known.get("memo"), int):
        planned = Plan(frozenset(known["spreads"]), known["memo"], 0)
    else:
        planned = plan(typeset(first_html, root, base, write=False).layout, units, cases)
    for attempt in range(3):
        for entry in booklet.entries:
            entry.spread = entry.anchor in planned.spreads
        for group in booklet.groups:
            group.spread = group.anchor in planned.spreads
        booklet.memo_pages = planned.memo_pages
        html = booklet_html(view, booklet)
        result = typeset(html, root, base)
        if not check(result.layout, planned.spreads) or attempt == 2:
            break
        # The prediction missed (e.g. a remembered plan for other lengths): plan
        # again from this layout.
        planned = plan(result.layout, units, cases)
    cache.put_json(key, {"spreads": sorted(planned.spreads), "memo": planned.memo_pages})
    return Made(booklet, html, result)


def write_into(view: SiteView, staging) -> Made:
    """``build --pdf``: add booklet.pdf to the staged site (any failure aborts the build)."""
    try:
        made = make_pdf(view)
    except UsageError:
        raise
    except Exception as exc:  # WeasyPrint: a plain Japanese message, no traceback
        raise UsageError(f"冊子の PDF を作れませんでした（{type(exc).__name__}: {exc}）") from exc
    staging.want(made.booklet.file_name)
    staging.write(made.booklet.file_name, made.result.pdf)
    # The print page the PDF was typeset from, for checking it in a browser; only
    # with the PDF (on every build it would be the largest page no one reads).
    staging.want(URL + "index.html")
    staging.write(URL + "index.html", made.html.encode("utf-8"))
    view.booklet_pdf = published(made)
    return made


def published(made: Made) -> BookletFile:
    return BookletFile(made.booklet.file_name, len(made.result.pdf), made.result.pages)


def relink(view: SiteView, made: Made, out_dir) -> int:
    """``pdf`` after a build: rewrite the pages that offer the booklet (the front
    page and the case list) in the published site, now with its size and pages.
    Returns the number of pages rewritten (0 when there is no site there)."""
    from pathlib import Path

    from kyodo.post.booklet.typeset import write_atomic
    from kyodo.views.sources import plan as plan_site
    from kyodo.write.output import MARKER

    out = Path(out_dir)
    if not (out / MARKER).is_file():
        return 0
    view.booklet_pdf = published(made)
    planned = plan_site(view)
    renderer = Renderer(make_env(paths.TEMPLATES), view, planned.nav)
    pages = [p for p in planned.pages if p.kind in ("home", "cases")]
    for page in pages:
        write_atomic(out / page.output, renderer.render(page))
    return len(pages)
