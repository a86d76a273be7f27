"""Page planning for the printed booklet, from a first layout.

* A case of two pages or more starts on a left-hand (even) page, so that its
  first two pages are seen together in one open spread.
* The page count is padded to a multiple of four with notes pages (メモ) for
  saddle-stitch binding.

Both depend on how long each case turns out, which only WeasyPrint knows: the
booklet is laid out once with every case simply on a new page, the lengths are
read from that layout, the final page count is predicted, and the booklet is
laid out again with the spreads and notes pages (kyodo/post/booklet/make.py).
"""

from __future__ import annotations

from dataclasses import dataclass

SHEET = 4           # pages per folded sheet
NOTES = "notes"     # id of the first notes page (templates/booklet/booklet.html)


@dataclass(frozen=True)
class PageInfo:
    """What the layout needs to know of one typeset page."""
    blank: bool                    # left empty by a break to a right/left page
    anchors: frozenset[str]        # ids of the elements that start on it


@dataclass(frozen=True)
class Unit:
    anchor: str        # id of the element that starts the unit
    rule: str          # "page", "right" (odd page) or "left" (even page)


@dataclass(frozen=True)
class Plan:
    spreads: frozenset[str]     # case anchors to start on a left-hand page
    memo_pages: int
    pages: int                  # predicted total, memo pages included


def first_pages(layout: list[PageInfo]) -> dict[str, int]:
    """The 0-based page where each anchor starts (an element lists its id on every
    page it spans)."""
    starts: dict[str, int] = {}
    for i, page in enumerate(layout):
        for a in page.anchors:
            starts.setdefault(a, i)
    return starts


def content_pages(layout: list[PageInfo], anchors: list[str]) -> dict[str, int]:
    """Non-blank pages from each anchor up to the next one in ``anchors`` (the last
    one runs to the end), in a layout."""
    starts = first_pages(layout)
    found = [(starts[a], a) for a in anchors if a in starts]
    found.sort()
    lengths = {}
    for k, (start, a) in enumerate(found):
        end = found[k + 1][0] if k + 1 < len(found) else len(layout)
        lengths[a] = sum(1 for p in layout[start:end] if not p.blank)
    return lengths


def plan(layout: list[PageInfo], units: list[Unit], cases: list[str], tail: int = 0) -> Plan:
    """The spreads and notes pages for a booklet laid out as ``layout``.

    ``units`` are the elements whose start page is forced (in document order);
    ``cases`` the anchors among them that are cases; ``tail`` the pages the final
    layout adds after the last unit besides notes pages (none today)."""
    notes = next((i for i, p in enumerate(layout) if NOTES in p.anchors), len(layout))
    layout = layout[:notes]                          # plan without any notes pages laid out
    anchors = [u.anchor for u in units]
    lengths = content_pages(layout, anchors)
    starts = first_pages(layout)
    first = min((starts[a] for a in lengths), default=len(layout))
    spreads = frozenset(a for a in cases if lengths.get(a, 0) >= 2)
    placed = sum(1 for p in layout[:first] if not p.blank)
    for u in units:
        if u.anchor not in lengths:
            continue
        rule = "left" if u.anchor in spreads else u.rule
        next_page = placed + 1
        if (rule == "right" and next_page % 2 == 0) or (rule == "left" and next_page % 2 == 1):
            placed += 1                              # a blank page before it
        placed += lengths[u.anchor]
    placed += tail
    memo = (-placed) % SHEET
    return Plan(spreads, memo, placed + memo)


def check(layout: list[PageInfo], spreads: frozenset[str]) -> list[str]:
    """What is wrong with a final layout: a spread not starting on an even page,
    a page count that is not a multiple of four."""
    problems = []
    for a, i in sorted(first_pages(layout).items()):
        if a in spreads and (i + 1) % 2:
            problems.append(f"{a} starts on page {i + 1}")
    if len(layout) % SHEET:
        problems.append(f"{len(layout)} pages")
    return problems
