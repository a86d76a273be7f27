"""A case as an item of a list, rendered once and reused on every list.

At 10,000 cases a case appears on about ten lists (all cases, its year, the
list of each of its terms, related cases): rendering the item each time was
half of the build. The parts (templates/partials/case_item_parts.html) are
rendered once per case and process with a marker for the page's relative
root, and put together per list: the head, one row per facet except the
page's own, the tail. A large build renders them all once, in a child, and
the page workers share them (:meth:`CaseItems.parts_for` and
:meth:`CaseItems.adopt`, called by kyodo.commands.pipeline.EarlyItems).
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup

PARTS = "partials/case_item_parts.html"
ROOT = "\ue000kyodo-root\ue000"     # a private-use character and a name no case text holds


class CaseItems:
    def __init__(self, env: jinja2.Environment, facets: list):
        self.env = env
        self.facets = facets
        self.index = {f.key: i for i, f in enumerate(facets)}   # facet -> its row among the parts
        self.module = None
        # slug -> (the whole item, where each facet's row starts and the tail starts):
        # an item without a facet's row is two slices of the whole, made in C
        self.memo: dict[str, tuple[str, tuple[int, ...]]] = {}

    def _parts(self, case) -> tuple[str, tuple[int, ...]]:
        parts = self.memo.get(case.slug)
        if parts is None:
            if self.module is None:
                self.module = self.env.get_template(PARTS).make_module({"root": ROOT})
            m = self.module
            pieces = [str(m.head(case)), *(str(m.row(case, f)) for f in self.facets), str(m.tail())]
            starts, at = [], len(pieces[0])
            for piece in pieces[1:]:
                starts.append(at)
                at += len(piece)
            parts = self.memo[case.slug] = ("".join(pieces), tuple(starts))
        return parts

    def parts_for(self, cases) -> dict:
        """The parts of every case in ``cases`` (slug -> parts), for :meth:`adopt`
        in another process; empty when a template fails (each page then reports
        it as it is rendered)."""
        try:
            return {case.slug: self._parts(case) for case in cases}
        except jinja2.TemplateError:
            return {}

    def adopt(self, parts: dict) -> None:
        """Take parts rendered by :meth:`parts_for` (the same templates and cases)."""
        self.memo.update(parts)

    @jinja2.pass_context
    def __call__(self, ctx, cases, skip: str = "") -> Markup:
        """The items of a whole list, one after another (partials/case_list.html):
        one call per list rather than a loop of calls in the template; ``skip``:
        the facet whose row the items leave out (the list's own)."""
        i = self.index.get(skip)
        if i is None:
            items = [self._parts(case)[0] for case in cases]
        else:
            items = []
            for case in cases:
                whole, starts = self._parts(case)
                items.append(whole[:starts[i]] + whole[starts[i + 1]:])
        return Markup("".join(items).replace(ROOT, ctx.get("root", "")))
