"""Plain texts rendered without the general markdown parser.

Most case texts are headings, one-line paragraphs, short lists and simple
tables of plain sentences: no emphasis, link, image, code, quote or footnote.
markdown-it-py spends about half a millisecond on such a text (every block
rule tried on every line, a token per element, the renderer's dispatch).
This module recognises exactly that shape in one pass over the lines and
writes the HTML that kyodo.markdown.render would write for it, ten times
faster. Any other text, and any text it is unsure of, gets None and goes
through markdown-it as before.

The shape, line by line (a blank line holds only spaces and tabs):

* ``#`` to ``######``, one space, text: a heading (no ``#`` in its text);
* ``- text`` or ``1. text`` (``.`` only): an item. A list's items are
  consecutive lines of one kind, followed by a blank line or the end. A list
  of the same kind after a blank line would make one loose list: not here.
* ``| a | b |`` followed by ``|---|:--:|`` (as many cells, ``:`` for the
  alignment) and rows of as many cells, then a blank line or the end: a
  table. It is named by the heading above it (or the document's title), as
  render.py does; a table with a ``表: …`` caption paragraph is not here.
* any other line is a one-line paragraph, followed by a blank line, a
  heading or the end.

Every text has no white space at either end and none of ``[ ] * _ ~ ` \\ &
< ! |`` (nor a tab, NUL or CR), so no inline rule can take any of it; a
paragraph's or an item's text starts with a letter, a digit (not ``1.`` or
``1)``) or any non-ASCII character, so no block rule can take it either.
tests/test_markdown.py compares the output with markdown-it's, on the sample
and on generated texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it.common.utils import escapeHtml

_HEADING = re.compile(r"(#{1,6}) (.+)")
_ITEM = re.compile(r"(?:(-)|(\d{1,9})\.) (.+)")
_RISKY = re.compile(r"[\[\]*_~`\\&<!|\t\x00\r]")
_LIST_MARK = re.compile(r"\d{1,9}[.)]")
_DELIMITER = re.compile(r" *(:?)-+(:?) *")
_ALIGN = {(":", ""): "left", ("", ":"): "right", (":", ":"): "center"}
CAPTION = re.compile(r"(?:表|Table)\s*[:：]\s*\S", re.S)   # a paragraph that captions the table next to it


def _text(text: str) -> bool:
    """Text markdown-it reads as one text token."""
    return bool(text) and text == text.strip() and _RISKY.search(text) is None


def _starts_plain(text: str) -> bool:
    """Text no block rule can take: it starts with a letter, a digit that is
    not a list number, or a non-ASCII character."""
    first = text[0]
    if first < "\x80":
        return first.isalnum() and not (first.isdigit() and _LIST_MARK.match(text))
    return True


def _blank(line: str) -> bool:
    return not line.strip(" \t")


def _cells(line: str) -> list[str] | None:
    if len(line) < 2 or line[0] != "|" or line[-1] != "|":
        return None
    return [c.strip() for c in line[1:-1].split("|")]


def _table(lines: list[str], i: int) -> tuple[list, list, list, int] | None:
    """(header cells, alignments, body rows, the line after the table) for a
    table at ``lines[i]``, else None."""
    if i + 2 >= len(lines):
        return None
    head, rule = _cells(lines[i]), lines[i + 1]
    if head is None or len(rule) < 2 or rule[0] != "|" or rule[-1] != "|" or rule.count("|") != len(head) + 1:
        return None
    aligns = []
    for cell in rule[1:-1].split("|"):
        m = _DELIMITER.fullmatch(cell)
        if m is None:
            return None
        aligns.append(_ALIGN.get((m[1], m[2]), ""))
    if not all(_text(c) for c in head):
        return None
    rows = []
    j = i + 2
    while j < len(lines) and not _blank(lines[j]):
        row = _cells(lines[j])
        if row is None or len(row) != len(head) or not all(c == "" or _text(c) for c in row):
            return None
        rows.append(row)
        j += 1
    if not rows:
        return None
    return head, aligns, rows, j


def blocks(text: str) -> list[tuple] | None:
    """The blocks of a plain text, else None: ("h", level, text, line),
    ("p", text), ("ul"/"ol", start, [texts]), ("table", head, aligns, rows)."""
    lines = text.split("\n")
    count = len(lines)
    out: list[tuple] = []
    last_list = None    # the kind of the list just before (blank lines only since)
    i = 0
    while i < count:
        line = lines[i]
        if _blank(line):
            i += 1
            continue
        heading = _HEADING.fullmatch(line)
        if heading:
            if "#" in heading[2] or not _text(heading[2]):
                return None
            out.append(("h", len(heading[1]), heading[2], i))
            last_list = None
            i += 1
            continue
        item = _ITEM.fullmatch(line)
        if item:
            kind = "ul" if item[1] else "ol"
            if kind == last_list:
                return None    # a blank line inside one list: a loose list
            start = int(item[2]) if item[2] else 1
            texts = []
            while True:
                item = _ITEM.fullmatch(lines[i])
                if item is None or ("ul" if item[1] else "ol") != kind \
                        or not _text(item[3]) or not _starts_plain(item[3]):
                    return None
                texts.append(item[3])
                i += 1
                if i == count or _blank(lines[i]):
                    break
            out.append((kind, start, texts))
            last_list = kind
            continue
        if line[0] == "|":
            table = _table(lines, i)
            if table is None:
                return None
            head, aligns, rows, i = table
            out.append(("table", head, aligns, rows))
            last_list = None
            continue
        if not _text(line) or not _starts_plain(line):
            return None
        following = lines[i + 1] if i + 1 < count else ""
        if not _blank(following) and not _HEADING.fullmatch(following):
            return None
        out.append(("p", line))
        last_list = None
        i += 1
    for k, block in enumerate(out):   # a caption paragraph next to a table: render.py's own rules
        if block[0] == "table" and any(0 <= n < len(out) and out[n][0] == "p" and CAPTION.match(out[n][1])
                                       for n in (k - 1, k + 1)):
            return None
    return out


def _row(cells: list[str], aligns: list[str], tag: str) -> str:
    parts = ["<tr>\n"]
    for cell, align in zip(cells, aligns):
        style = f' style="text-align:{align}"' if align else ""
        parts.append(f"<{tag}{style}>{escapeHtml(cell)}</{tag}>\n")
    parts.append("</tr>\n")
    return "".join(parts)


def render(text: str, heading_id: Callable[[str], str] | None, title: str = "") \
        -> tuple[str, list[tuple[int, str, str, int]]] | None:
    """(html, [(level, id, text, line) of each h2/h3]) for a plain text, else None.
    ``heading_id(text)``: the id of the next h2/h3 (None: no ids);
    ``title`` names a table with no heading above it."""
    found = blocks(text)
    if found is None:
        return None
    html: list[str] = []
    toc = []
    heading = ""
    for block in found:
        kind = block[0]
        if kind == "p":
            html.append(f"<p>{escapeHtml(block[1])}</p>\n")
        elif kind == "h":
            _, level, content, line = block
            heading = content
            ident = heading_id(content) if heading_id is not None and level in (2, 3) else None
            attr = f' id="{escapeHtml(ident)}"' if ident is not None else ""
            html.append(f"<h{level}{attr}>{escapeHtml(content)}</h{level}>\n")
            if level in (2, 3):
                toc.append((level, ident or "", content, line))
        elif kind == "table":
            _, head, aligns, rows = block
            name = heading or title
            label = f' aria-label="{escapeHtml(name)}"' if name else ""
            html.append(f'<div class="table-scroll prose-table" role="group" tabindex="0"{label}><table>\n')
            if name:
                html.append(f'<caption class="visually-hidden">{escapeHtml(name)}</caption>')
            html.append("<thead>\n" + _row(head, aligns, "th") + "</thead>\n<tbody>\n")
            html.extend(_row(row, aligns, "td") for row in rows)
            html.append("</tbody>\n</table>\n</div>")   # the wrapper token is not a block: no line break
        else:
            _, start, items = block
            html.append("<ul>\n" if kind == "ul" else (f'<ol start="{start}">\n' if start != 1 else "<ol>\n"))
            html.extend(f"<li>{escapeHtml(t)}</li>\n" for t in items)
            html.append("</ul>\n" if kind == "ul" else "</ol>\n")
    return "".join(html), toc
