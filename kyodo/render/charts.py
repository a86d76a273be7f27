"""The SVG charts, each drawn once per build and process.

A chart appears on its statistics page, on the overview, on its embed page,
and is measured for the embed's iframe height: drawing it is most of the
time of a statistics page. Templates call the global ``charts`` (this
object) as they would the macros of templates/charts/macros.html; the same
chart (kind, title, data and options) is drawn once with a marker for its
``id`` and reused with the page's id.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup

MACROS = "charts/macros.html"
ID = "kyodoChartIdMarker"     # letters only: the macros use the id as is in ids and references


class Charts:
    def __init__(self, env: jinja2.Environment):
        self.env = env
        self.module = None
        self.memo: dict[tuple, str] = {}

    def _draw(self, name: str, id: str, title, data, *args, **kwargs) -> Markup:
        key = (name, str(title), repr(data), repr(args), repr(sorted(kwargs.items())))
        svg = self.memo.get(key)
        if svg is None:
            if self.module is None:
                self.module = self.env.get_template(MACROS).make_module()
            svg = str(getattr(self.module, name)(ID, title, data, *args, **kwargs))
            if len(self.memo) > 5000:
                self.memo.clear()
            self.memo[key] = svg
        return Markup(svg.replace(ID, str(id)))

    def bar_chart(self, id, title, bars, *args, **kwargs) -> Markup:
        return self._draw("bar_chart", id, title, bars, *args, **kwargs)

    def stacked_chart(self, id, title, rows, *args, **kwargs) -> Markup:
        return self._draw("stacked_chart", id, title, rows, *args, **kwargs)

    def year_chart(self, id, title, bars, *args, **kwargs) -> Markup:
        return self._draw("year_chart", id, title, bars, *args, **kwargs)
