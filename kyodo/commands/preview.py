"""``serve``: the page of a case whose body was saved, before the whole site catches up.

Editing the text of a case is what staff do most while previewing. When a
save changes only the body of cases the last build published (their front
matter is byte for byte the same), no list, term, year or statistics page can
change: only the case's own page (and, after it, its ruby copy and the search
index). This module renders that page alone, with the last build's view and
renderer, in a few milliseconds; ``serve`` answers it from memory and reloads
the browser while the incremental build brings the rest of the site (and the
same page, byte for byte) to disk.

Anything else (a new, deleted or renamed file, a front matter change, a body
with a problem, an image not yet published) returns None: the normal build
handles it and reports problems as usual.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from kyodo.errors import Problems
from kyodo.load import frontmatter
from kyodo.markdown.render import Markdown
from kyodo.paths import display_path
from kyodo.render.renderer import Renderer
from kyodo.views.model import PAGE_DEPTH_ROOT, SiteView, term_resolver
from kyodo.views.page import Page


@dataclass
class Built:
    """What the last successful build published, kept by ``serve``."""
    view: SiteView
    pages: dict[str, Page]      # by URL
    renderer: Renderer

    def __post_init__(self):
        self.by_source = {_key(c.source): c for c in self.view.cases}
        self._markdown: Markdown | None = None

    @property
    def markdown(self) -> Markdown:
        """The same configuration as the build's (kyodo.views.model.prepare)."""
        if self._markdown is None:
            view = self.view
            self._markdown = Markdown(view.content.root / "images", term_resolver(view.taxonomy, view.stats))
        return self._markdown


def _key(path) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):
        return str(path)


MAX_FILES = 20   # a checkout that touches many cases: the build alone is quicker to wait for


def quick_pages(built: Built | None, changed: list[str]) -> dict[str, bytes] | None:
    """``{output path: page bytes}`` for body-only edits of published cases, else None."""
    if built is None or not changed or len(changed) > MAX_FILES:
        return None
    out: dict[str, bytes] = {}
    for name in changed:
        case = built.by_source.get(_key(name))
        if case is None or not case.meta_digest:
            return None   # not a published case (new, draft, guideline, settings, template …)
        path = Path(name)
        problems = Problems()
        doc = frontmatter.read(path, display_path(path), problems)
        if doc is None or problems or doc.meta_digest != case.meta_digest or doc.body_line != case.body_line:
            return None
        if doc.digest == case.digest:
            continue      # saved without a change
        body = built.markdown.render(doc.body, PAGE_DEPTH_ROOT, "", case.title)
        if body.problems or not set(body.images) <= set(built.view.images):
            return None   # the build reports the problem / publishes the image first
        page = built.pages.get(case.url)
        if page is None:
            return None
        fresh = dataclasses.replace(case, body=doc.body, digest=doc.digest)
        context = dict(page.context, case=fresh, body=body)
        out[page.output] = built.renderer.render(dataclasses.replace(page, context=context))
    return out or None
