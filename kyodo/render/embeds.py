"""The height of an embed's iframe at each width, from the chart it draws.

The snippet on a statistics page gives an ``<iframe height>`` that shows the
whole embed page without assets/embed.js. The chart's height is read from the
very macro that draws it (templates/charts/macros.html), so it is worked out
here, in the render stage, from the :class:`~kyodo.views.sources.stats.Embed`
the page source describes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import jinja2

# The iframe widths the snippet is sized for: phones and a typical content column.
EMBED_WIDTHS = (320, 375, 750)
# The embed page's layout (assets/style.css): what the height model below needs.
_PAGE_MAX, _PAD_X, _PAD_Y = 768, 24, 20     # main.embed-main: max-width 48rem, padding
_CHART_UNITS, _CHART_MAX = 288, 360         # charts: laid out for 288 px, shown up to 22.5rem
_SAFETY = 24
_VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def _lines(chars: int, px: float, width: float) -> int:
    """Lines that ``chars`` Japanese characters of ``px`` take in ``width`` (1em each, +2 % spacing)."""
    return max(1, math.ceil(chars * px * 1.02 / width))


def embed_heights(title: str, chart_units: float, note_chars: int, source_chars: int) -> dict[int, int]:
    """The iframe height (px) that shows the whole embed page at each width of EMBED_WIDTHS,
    without assets/embed.js: title, chart (at its shown scale), note, "表で見る", source."""
    out = {}
    for width in EMBED_WIDTHS:
        cw = min(width, _PAGE_MAX) - _PAD_X
        scale = min(cw, _CHART_MAX) / _CHART_UNITS
        h = _PAD_Y + _lines(len(title), 18, cw) * 25.2 + 8          # h1: 1.125rem, line-height 1.4
        h += chart_units * scale + 7                                 # the figure (+ inline gap)
        if note_chars:
            h += 8 + _lines(note_chars, 14, cw) * 23.8               # .embed-note: 0.875rem × 1.7
        h += 8 + 35.2                                                # <details> summary
        h += 8 + _lines(source_chars, 14, cw) * 23.8                 # .embed-source
        out[width] = math.ceil(h + _SAFETY)
    return out


_DRAW = {"bar": "bar_chart", "years": "year_chart"}


def _chart_units(env, kind: str, rows, title: str) -> float:
    """The height (in chart units) of the chart the embed page draws: the same chart, drawn once."""
    charts = env.globals["charts"]
    name = _DRAW.get(kind, "stacked_chart")
    svg = getattr(charts, name)("c", title, rows) if name != "stacked_chart" else charts.stacked_chart("c", title, rows, kind)
    m = _VIEWBOX.search(str(svg))
    return float(m.group(2)) * _CHART_UNITS / float(m.group(1)) if m else 0.0


@dataclass(frozen=True)
class Size:
    height: int                 # the snippet's height: fits every width in ``heights``
    heights: dict[int, int]     # iframe width -> height that fits


@jinja2.pass_environment
def embed_size(env, e) -> Size:
    """The template global ``embed_size(e)``."""
    heights = embed_heights(e.title, _chart_units(env, e.kind, e.rows, e.title) if e.rows else 0, e.note_chars, e.source_chars)
    return Size(max(heights.values()), heights)
