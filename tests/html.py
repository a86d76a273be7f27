"""A tiny HTML tree for structural tests (stdlib only)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
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


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, {k: (v or "") for k, v in attrs}, self.cur))

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
