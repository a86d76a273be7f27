"""A tiny HTML tree for structural tests (stdlib only), and the event parser it is built
with."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    __slots__ = ("tag", "attrs", "parent", "children")

    def __init__(self, tag: str, attrs: dict, parent: "Node | None" = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        """Every element below, in document order (a stack, not nested generators:
        each node would pass through one generator per level above it)."""
        stack = [iter(self.children)]
        while stack:
            for c in stack[-1]:
                if isinstance(c, Node):
                    yield c
                    stack.append(iter(c.children))
                    break
            else:
                stack.pop()

    def _matching(self, tag: str | None, attrs: dict):
        wanted = [(k.rstrip("_").replace("_", "-"), v) for k, v in attrs.items()]
        for n in self.iter():
            if tag and n.tag != tag:
                continue
            if all((n.attrs.get(k) == v) if v is not True else (k in n.attrs) for k, v in wanted):
                yield n

    def find_all(self, tag: str | None = None, **attrs) -> list["Node"]:
        return list(self._matching(tag, attrs))

    def find(self, tag: str | None = None, **attrs) -> "Node | None":
        """The first match in document order (the walk stops there)."""
        return next(self._matching(tag, attrs), None)

    def ancestors(self):
        n = self.parent
        while n is not None:
            yield n
            n = n.parent


# One token of a generated page: a start tag (with its attributes' text), an end tag, a
# comment or a declaration. Text is what lies between tokens.
_TOKEN = re.compile(r"""
    <(?P<start>[a-zA-Z][^\t\n\r\f\ />\x00]*)(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*)>
  | </(?P<end>[a-zA-Z][^\t\n\r\f\ />\x00]*)\s*>
  | <!--(?P<comment>.*?)-->
  | <!(?P<decl>[^>]*)>
""", re.S | re.X)
_ATTR = re.compile(r"""([^\s/>=][^\s/=>]*)(?:\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?""")
# Where the raw text of a script or style ends (as html.parser finds it).
_RAW_END = {tag: re.compile(r"</\s*%s\s*>" % tag, re.I) for tag in HTMLParser.CDATA_CONTENT_ELEMENTS}


class EventParser(HTMLParser):
    """``html.parser.HTMLParser`` (character references converted) with a faster ``feed``:
    the same handler calls for the pages kyodo writes, from one regular-expression pass
    over the whole text instead of html.parser's token-by-token loop (about 2.5 times
    faster on the sample's pages). Text between two tags arrives in one call, as
    html.parser gives it when it converts references. ``feed`` takes a whole document;
    tests/test_html.py holds it to html.parser's events on built pages and on odd markup.
    The security tests keep html.parser itself, as the reference."""

    def __init__(self):
        super().__init__(convert_charrefs=True)

    def feed(self, data: str) -> None:
        data_, start, end = self.handle_data, self.handle_starttag, self.handle_endtag
        startend, n, pos = self.handle_startendtag, len(data), 0
        while pos < n:
            for m in _TOKEN.finditer(data, pos):
                if m.start() > pos:
                    text = data[pos:m.start()]
                    data_(unescape(text) if "&" in text else text)
                pos = m.end()
                tag, raw = m.group("start", "attrs")
                if tag is None:
                    closing, comment = m.group("end", "comment")
                    if closing is not None:
                        end(closing.lower())
                    elif comment is not None:
                        self.handle_comment(comment)
                    else:
                        self.handle_decl(m.group("decl"))
                    continue
                tag, attrs, last = tag.lower(), [], 0
                for a in _ATTR.finditer(raw):
                    name, value = a.group(1, 2)
                    last = a.end()
                    if value is not None:
                        if len(value) > 1 and value[0] in "'\"" and value[0] == value[-1]:
                            value = value[1:-1]
                        if "&" in value:
                            value = unescape(value)
                    attrs.append((name.lower(), value))
                if raw.endswith("/") and last < len(raw):   # not an unquoted value's end: <a href=/x/>
                    startend(tag, attrs)
                    continue
                start(tag, attrs)
                if tag in _RAW_END:   # raw text up to its end tag, references kept as written
                    stop = _RAW_END[tag].search(data, pos)
                    if stop is None:
                        if pos < n:
                            data_(data[pos:])
                        pos = n
                    else:
                        if stop.start() > pos:
                            data_(data[pos:stop.start()])
                        end(tag)
                        pos = stop.end()
                    break   # scan again from after the raw text
            else:
                if pos < n:
                    text = data[pos:]
                    data_(unescape(text) if "&" in text else text)
                pos = n

    def close(self) -> None:
        """Nothing is buffered: ``feed`` read the whole document."""


class _Builder(EventParser):
    def __init__(self):
        super().__init__()
        self.root = Node("#document", {})
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        cur = self.cur
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs} if attrs else {}, cur)
        cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, {k: (v or "") for k, v in attrs} if attrs else {}, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(source: str | Path) -> Node:
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    b = _Builder()
    b.feed(text)
    b.close()
    return b.root
