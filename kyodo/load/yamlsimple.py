"""The usual front matter read without the YAML composer.

Almost every case file is a block mapping of ``key: value`` lines, one-line
``[a, b]`` lists and ``{name: a, role: b}`` mappings, block lists and nested
mappings. For such a text this module gives the same data and the same
field lines as kyodo.load.yamlsafe (PyYAML's scanner, composer and node
walk) in about half the time: at 10,000 cases YAML was the largest part of
reading the files. It never judges a text: whatever it is not sure of (block
scalars, multi-line values, comments after a value, anchors, tags, nested
flow collections, escapes, a repeated key, ``: `` or `` #`` in a value, odd
indents, …) returns None, and the full loader reads it and words its problems.

Scalars are typed by PyYAML's own resolver and constructor (``scalar``):
``2024`` is an integer and ``2025-03-31`` a date here exactly as there.
"""

from __future__ import annotations

import re

import yaml

_RESOLVER = yaml.resolver.Resolver()
_PLAIN = (True, False)
_STR = "tag:yaml.org,2002:str"
_NOT_SIMPLE = re.compile("[\t\r\x85\u2028\u2029\ufeff]")
_KEY = re.compile(r"([^\W\d]\w*):(?: +|$)")
# A plain scalar may not start with an indicator; inside [ ] or { } it ends at "," or the closer.
_INDICATOR = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_STOP = re.compile(r"[,\]\[{}#:\"']")
_FLOW_KEY = re.compile(r"([^\W\d]\w*): +")
MAX_DEPTH = 8
MAX_NODES = 4000
_TAGS: dict[str, str] = {}   # plain text -> its tag (keys and terms repeat in every file)


def _tag(text: str) -> str:
    tag = _TAGS.get(text)
    if tag is None:
        if len(_TAGS) > 20000:
            _TAGS.clear()
        tag = _TAGS[text] = _RESOLVER.resolve(yaml.ScalarNode, text, _PLAIN)
    return tag


class _NotSimple(Exception):
    """The text needs the full loader."""


def parse(text: str, first_line: int, scalar) -> tuple[dict, dict] | None:
    """(data, lines) as yamlsafe.load gives them for a simple text, else None.

    ``scalar(tag, value)`` builds a non-string plain scalar as ``(value,)``, or
    gives None when it is not usable (the full loader then reports it)."""
    if _NOT_SIMPLE.search(text):
        return None
    rows = []
    for number, line in enumerate(text.split("\n"), start=first_line):
        stripped = line.lstrip(" ")
        if not stripped or stripped[0] == "#":
            continue   # blank or a comment line: nothing, at any indent
        if line.startswith(("---", "...", "%")):
            return None
        rows.append((len(line) - len(stripped), stripped.rstrip(" "), number))
    if not rows or rows[0][0] != 0:
        return None
    reader = _Reader(rows, scalar)
    try:
        data = reader.mapping(0, 0, ())
        if reader.i != len(rows):   # a line no mapping or list took: a value continued, an odd indent…
            return None
    except _NotSimple:
        return None
    return data, reader.lines


class _Reader:
    def __init__(self, rows: list, scalar):
        self.rows = rows
        self.i = 0
        self.scalar = scalar
        self.lines: dict = {}
        self.nodes = 0

    def _count(self, depth: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise _NotSimple

    def mapping(self, indent: int, depth: int, path: tuple, first: str | None = None, number: int = 0) -> dict:
        """A block mapping whose keys stand at ``indent``; ``first`` is the text of its
        first entry when it starts after a list's dash (already consumed)."""
        self._count(depth)
        out: dict = {}
        while True:
            if first is not None:
                text, line, first = first, number, None
            else:
                if self.i >= len(self.rows) or self.rows[self.i][0] != indent:
                    break
                _, text, line = self.rows[self.i]
                self.i += 1
            m = _KEY.match(text)
            if m is None:
                raise _NotSimple
            key = m.group(1)
            if key in out or _tag(key) != _STR:
                raise _NotSimple   # a repeated key, or a key that YAML reads as a number, true, null…
            child = path + (key,)
            self.lines[child] = line
            rest = text[m.end():]
            if rest:
                out[key] = self.inline(rest, line, depth + 1, child)
            else:
                out[key] = self.block(indent, depth + 1, child, line)
        return out   # a line left deeper than this is read by no one: parse() gives up

    def block(self, indent: int, depth: int, path: tuple, line: int):
        """The value of ``key:`` written on the following lines (or nothing: null)."""
        if self.i >= len(self.rows):
            self._count(depth)
            return None
        inner, text, _ = self.rows[self.i]
        if text.startswith("-") and inner >= indent:
            if text.startswith("- "):
                return self.sequence(inner, depth, path)
            raise _NotSimple   # a dash alone, or a value that starts with one
        if inner > indent:
            return self.mapping(inner, depth, path)
        self._count(depth)
        return None

    def sequence(self, indent: int, depth: int, path: tuple) -> list:
        self._count(depth)
        out: list = []
        while self.i < len(self.rows) and self.rows[self.i][0] == indent and self.rows[self.i][1].startswith("- "):
            _, text, line = self.rows[self.i]
            self.i += 1
            content = text[2:]
            column = indent + 2 + len(content) - len(content.lstrip(" "))
            content = content.lstrip(" ")
            child = path + (len(out),)
            self.lines.setdefault(child, line)
            if content.startswith("-"):
                raise _NotSimple   # a list in a list
            if _KEY.match(content):
                out.append(self.mapping(column, depth + 1, child, content, line))
            else:
                out.append(self.inline(content, line, depth + 1, child))
        return out

    def inline(self, text: str, line: int, depth: int, path: tuple):
        """A value written after ``key: `` or ``- `` on one line."""
        self._count(depth)
        head = text[0]
        if head == "[":
            return self.flow(text, line, depth, path)
        if head == "{":
            return self.flow_map(text, line, depth, path)
        if head == '"' or head == "'":
            value, end = _quoted(text, 0)
            if text[end:].strip(" "):
                raise _NotSimple
            return value
        return self.plain(text)

    def plain(self, text: str):
        if text[0] in _INDICATOR or ": " in text or text.endswith(":") or " #" in text:
            raise _NotSimple
        tag = _tag(text)
        if tag == _STR:
            return text
        value = self.scalar(tag, text)
        if value is None:
            raise _NotSimple
        return value[0]

    def flow(self, text: str, line: int, depth: int, path: tuple) -> list:
        """``[a, "b", 'c']`` on one line: no nesting, no mappings, no empty items."""
        out: list = []
        pos = _skip(text, 1)
        if text.startswith("]", pos):
            return _end_of_line(text, pos + 1, out)
        while True:
            self._count(depth + 1)
            self.lines.setdefault(path + (len(out),), line)
            value, pos = self._flow_value(text, pos, "]")
            out.append(value)
            pos, more = _separator(text, pos, "]")
            if not more:
                return _end_of_line(text, pos, out)

    def flow_map(self, text: str, line: int, depth: int, path: tuple) -> dict:
        """``{name: a, role: "b"}`` on one line: plain keys, scalar values."""
        out: dict = {}
        pos = _skip(text, 1)
        if text.startswith("}", pos):
            return _end_of_line(text, pos + 1, out)
        while True:
            m = _FLOW_KEY.match(text, pos)
            if m is None:
                raise _NotSimple
            key = m.group(1)
            if key in out or _tag(key) != _STR:
                raise _NotSimple
            self._count(depth + 1)
            self.lines[path + (key,)] = line
            out[key], pos = self._flow_value(text, m.end(), "}")
            pos, more = _separator(text, pos, "}")
            if not more:
                return _end_of_line(text, pos, out)

    def _flow_value(self, text: str, pos: int, closer: str) -> tuple:
        """A quoted or plain scalar inside ``[ ]`` or ``{ }``: (its value, the index after it)."""
        if text.startswith(('"', "'"), pos):
            return _quoted(text, pos)
        stop = _FLOW_STOP.search(text, pos)
        if stop is None or stop.group() not in "," + closer:
            raise _NotSimple
        item = text[pos:stop.start()].rstrip(" ")
        if not item or item[0] in _INDICATOR:
            raise _NotSimple
        return self.plain(item), stop.start()


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return pos


def _separator(text: str, pos: int, closer: str) -> tuple[int, bool]:
    """After an item: (the index after ``,`` and spaces, True) or (after the closer, False)."""
    pos = _skip(text, pos)
    if text.startswith(closer, pos):
        return pos + 1, False
    if not text.startswith(",", pos):
        raise _NotSimple
    return _skip(text, pos + 1), True


def _end_of_line(text: str, pos: int, value):
    if text[pos:].strip(" "):
        raise _NotSimple   # more after the closing bracket
    return value


def _quoted(text: str, start: int) -> tuple[str, int]:
    """A quoted scalar on one line without escapes: (its value, the index after it)."""
    quote = text[start]
    if quote == '"':
        end = text.find('"', start + 1)
        if end < 0 or "\\" in text[start + 1:end]:
            raise _NotSimple
        return text[start + 1:end], end + 1
    parts = []
    pos = start + 1
    while True:
        end = text.find("'", pos)
        if end < 0:
            raise _NotSimple
        parts.append(text[pos:end])
        if text.startswith("''", end):
            parts.append("'")
            pos = end + 2
            continue
        return "".join(parts), end + 1
