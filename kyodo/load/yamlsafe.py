"""Safe YAML loading with line numbers and hard limits.

* the C safe loader when PyYAML has it (speed), the pure-Python one otherwise;
* only plain data tags (no ``!!python/...``: nothing is ever constructed but
  strings, numbers, booleans, dates, lists and mappings);
* no anchors/aliases (so an alias bomb cannot blow up memory or time);
* duplicate keys are reported instead of silently keeping the last one;
* every node's line is recorded so validation can name the line of a field.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field

import yaml

from kyodo.load import yamlsimple

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
ALLOWED_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}
MAX_NODES = 20000
MAX_DEPTH = 40
SAFE_COMPOSE_DEPTH = 1000   # the C composer is known to survive ten thousand levels
# Characters that no page, JSON or XML file may contain: C0/C1 controls but
# tab and line feed, DEL, lone surrogates, U+FFFE/U+FFFF, and the bidi
# embeddings/overrides/isolates that make text read differently than stored.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


@dataclass
class YamlIssue:
    line: int  # 1-based, in the file
    message: str
    field: str = "YAML"


@dataclass
class Loaded:
    data: object
    lines: dict = field(default_factory=dict)  # path into the data, e.g. ("indicators", 0, "value") -> 1-based line
    issues: list[YamlIssue] = field(default_factory=list)

    def line(self, *path, default: int | None = None) -> int | None:
        """Line of ``path`` or of its nearest ancestor."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return default


_MESSAGES = (
    ("mapping values are not allowed", "ここでは「:」を使えません。値の中に「: 」を書くときは、値全体を引用符（\"）で囲んでください"),
    ("cannot start any token", "この位置の文字は使えません（タブ文字や「@」「`」で始まる値は引用符で囲んでください）"),
    ("could not find expected ':'", "「項目名: 値」の形になっていません。コロン（:）と空白を確かめてください"),
    ("did not find expected key", "字下げ（行頭の空白）がそろっていないか、「項目名: 値」の形になっていません"),
    ("did not find expected '-' indicator", "リストの字下げがそろっていません"),
    ("found unexpected end of stream", "引用符（\" または '）が閉じられていません"),
    ("found unknown escape character", "引用符の中で使えないバックスラッシュ（\\）があります"),
    ("did not find expected ',' or ']'", "[ ] で書くリストの区切り（,）か閉じ括弧（]）が正しくありません"),
    ("did not find expected ',' or '}'", "{ } の区切り（,）か閉じ括弧（}）が正しくありません"),
    ("expected <block end>", "字下げ（行頭の空白）がそろっていません"),
    ("found undefined alias", "エイリアス（*名前）は使えません"),
    ("expected alphabetic or numeric character", "「&」「*」「!」で始まる値は引用符で囲んでください"),
    ("found duplicate anchor", "アンカー（&名前）は使えません"),
    ("unacceptable character", "使えない制御文字が含まれています"),
    ("invalid Unicode character escape", "引用符の中の「\\u…」などで、使えない文字を指定しています"),
)
_TOP_KEY = re.compile(r"([^\s#:\-?\[{][^:\n]*):(?:\s|$)")


def _key_above(text: str, index: int | None) -> str:
    """The top-level key whose value holds ``index`` (for a field name in parse errors)."""
    if index is None:
        return "YAML"
    start = text.rfind("\n", 0, index) + 1
    for _ in range(200):
        m = _TOP_KEY.match(text, start)
        if m:
            return m.group(1).strip()
        if start == 0:
            break
        start = text.rfind("\n", 0, start - 1) + 1
    return "YAML"


def _translate(problem: str) -> str:
    for needle, message in _MESSAGES:
        if needle in problem:
            return f"{message}（YAML: {problem}）"
    return f"YAML の書き方に誤りがあります（{problem}）"


_NEWLINE = re.compile("\n")


class Lines:
    """Line numbers as the file's editor counts them: only LF ends a line.

    YAML also ends lines at U+0085, U+2028 and U+2029; a mark's character
    index, not its YAML line, gives the real line.
    """

    def __init__(self, text: str, first_line: int):
        self.breaks = [m.start() for m in _NEWLINE.finditer(text)]
        self.first = first_line

    def at(self, index: int | None) -> int:
        if index is None or index < 0:
            return self.first
        return bisect.bisect_left(self.breaks, index) + self.first

    def of(self, mark) -> int:
        return self.at(getattr(mark, "index", None)) if mark is not None else self.first


def bad_character(text: str) -> str | None:
    """A character no page, JSON or XML file may contain, as ``U+000B``; else None."""
    m = FORBIDDEN.search(text)
    return f"U+{ord(m.group()):04X}" if m else None


def bad_character_message(code: str) -> str:
    return (f"使えない制御文字（{code}）が含まれています。削除してください"
            "（ほかの文書から貼り付けたときに紛れ込むことがあります）")


def load(text: str, first_line: int = 1) -> Loaded:
    """Parse ``text`` (which starts at ``first_line`` of its file).

    Never raises for bad input: problems are returned in ``issues`` and
    ``data`` is None then.
    """
    if not FORBIDDEN.search(text):
        try:
            simple = yamlsimple.parse(text, first_line, _simple_scalar)
        except Exception:   # noqa: BLE001 - never expected; the full loader below reads it as ever
            simple = None
        if simple is not None:   # the usual front matter, read without the composer: the same result
            return Loaded(simple[0], simple[1], [])
    at = Lines(text, first_line)
    deep = _too_deep(text, at)
    if deep:
        return Loaded(None, {}, [deep])
    loader = Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            return Loaded(None, {}, [YamlIssue(at.of(mark), _translate(exc.problem or str(exc)),
                                               _key_above(text, getattr(mark, "index", None)))])
        except yaml.YAMLError as exc:  # e.g. reader errors (control characters)
            line = at.at(getattr(exc, "position", None))
            return Loaded(None, {}, [YamlIssue(line, _translate(str(exc).splitlines()[0]))])
        except RecursionError:
            return Loaded(None, {}, [YamlIssue(first_line, "入れ子が深すぎます")])
        if node is None:
            return Loaded(None, {}, [])
        lines: dict = {}
        scalars: dict = {}
        issues = _inspect(node, at, lines, scalars)
        if issues:
            return Loaded(None, lines, issues)
        try:
            data = _value(node, scalars)
        except Exception:   # e.g. a list as a key: PyYAML's constructor words the problem
            data = _NOT_BUILT
        try:
            if data is _NOT_BUILT:
                data = loader.construct_document(node)
        except Exception as exc:  # a tag that does not fit its value (!!str [1], !!map x, ...)
            line = at.of(getattr(exc, "problem_mark", None))
            return Loaded(None, lines, [YamlIssue(line, "値を読み取れません。タグ（!!…）と値の形が合っていません。タグを消して書いてください")])
        return Loaded(data, lines, [])
    finally:
        loader.dispose()


def _simple_scalar(tag: str, value: str) -> tuple | None:
    """A plain non-string scalar for kyodo.load.yamlsimple, as ``_inspect`` builds
    it: ``(value,)``, or None when the full loader would report it."""
    if tag not in ALLOWED_TAGS:
        return None
    node = yaml.ScalarNode(tag, value)
    built: dict = {}
    if _scalar_issue(node, built):
        return None
    return (built[id(node)],)


def _too_deep(text: str, at: Lines) -> YamlIssue | None:
    """Nesting deeper than MAX_DEPTH, found from the parser's events.

    The C composer recurses once per level and overflows the C stack at
    some ten thousand levels (``[[[[…`` or ``- - - …``), so the depth is
    measured before composing; events are produced without recursion. Only
    texts with many nesting marks pay for this pass.
    """
    marks = text.count("[") + text.count("{") + text.count("- ") + text.count("? ") + text.count(":")
    if marks <= SAFE_COMPOSE_DEPTH:   # each level needs one of these: too few to hurt the composer
        return None
    loader = Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return YamlIssue(at.of(event.start_mark), "入れ子が深すぎます。リストや「項目: 値」の入れ子を浅くしてください")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None   # reported with its line by the real parse
    finally:
        loader.dispose()
    return None


_KIND_TAG = {yaml.SequenceNode: _TAG + "seq", yaml.MappingNode: _TAG + "map"}
_COLLECTION_TAGS = set(_KIND_TAG.values())
MAX_INT = 2 ** 53 - 1     # the largest integer JSON readers (JavaScript) keep exactly
_SCALAR_WORDS = {
    "timestamp": "日付「{v}」は読み取れません。実在する日付を 2025-03-31 の形で書いてください",
    "bool": "「{v}」は真偽値として読み取れません。true か false で書いてください",
    "int": "「{v}」は整数として読み取れません。数字だけで書いてください",
    "float": "「{v}」は数値として読み取れません。数字で書いてください",
}


def short(value: str, limit: int = 40) -> str:
    """A value as echoed in a message: at most ``limit`` characters."""
    return value if len(value) <= limit else value[:limit] + "…"


_NOT_BUILT = object()
_STR = _TAG + "str"


def _value(node, scalars: dict):
    """The data of a node graph that ``_inspect`` passed: the same as PyYAML's
    safe constructor gives (strings, lists, dicts; other scalars as ``_inspect``
    constructed them), without its general machinery. Raises on what only the
    constructor can word (a list as a key)."""
    kind = type(node)
    if kind is yaml.ScalarNode:
        return node.value if node.tag == _STR else scalars[id(node)]
    if kind is yaml.SequenceNode:
        return [_value(item, scalars) for item in node.value]
    if kind is not yaml.MappingNode:
        raise TypeError(kind.__name__)
    out = {}
    for key_node, value_node in node.value:
        if type(key_node) is not yaml.ScalarNode:
            raise TypeError("key")
        key = _value(key_node, scalars)
        hash(key)
        out[key] = _value(value_node, scalars)
    return out


def _scalar_issue(node, scalars: dict | None = None) -> str | None:
    """Construct one non-string scalar (kept in ``scalars`` by node); a Japanese
    message when it cannot be used."""
    kind = node.tag.removeprefix(_TAG)
    try:
        value = yaml.constructor.SafeConstructor().construct_object(node, deep=True)
    except Exception:  # ValueError (2024-02-30), KeyError (!!bool maybe), IndexError (!!int '') ...
        return _SCALAR_WORDS.get(kind, "値「{v}」を読み取れません").format(v=short(node.value))
    if scalars is not None:
        scalars[id(node)] = value
    if isinstance(value, float) and not math.isfinite(value):
        return f"数値「{short(node.value)}」は使えません（.nan や .inf は数値として扱えません）。数字で書いてください"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        return f"数値「{short(node.value)}」が大きすぎます（{MAX_INT:,} まで）"
    return None


def _inspect(root, at: Lines, lines: dict, scalars: dict | None = None) -> list[YamlIssue]:
    """Walk the node graph once: tags, aliases, duplicates, size, depth, values
    (non-string scalars are constructed, and kept in ``scalars`` by node)."""
    issues: list[YamlIssue] = []
    seen: set[int] = set()
    count = 0
    offset = at.first
    stack = [(root, (), 0)]
    while stack:
        node, path, depth = stack.pop()
        line = at.of(node.start_mark)
        if id(node) in seen:
            issues.append(YamlIssue(line, "アンカー（&名前）とエイリアス（*名前）は使えません。値をそのまま書いてください", _field(path)))
            return issues  # an alias graph may be huge: stop at the first one
        seen.add(id(node))
        count += 1
        if count > MAX_NODES:
            issues.append(YamlIssue(offset, f"front matter が大きすぎます（値の数が {MAX_NODES} を超えています）"))
            return issues
        if depth > MAX_DEPTH:
            issues.append(YamlIssue(line, "入れ子が深すぎます", _field(path)))
            return issues
        if node.tag not in ALLOWED_TAGS:
            tag = node.tag.replace(_TAG, "!!")
            issues.append(YamlIssue(line, f"タグ「{tag}」は使えません（プログラムを動かす書き方は受け付けません）。文字・数値・リスト・項目だけを書いてください", _field(path)))
            continue
        if path:
            lines.setdefault(path, line)
        if node.tag != _KIND_TAG.get(type(node), node.tag) or (isinstance(node, yaml.ScalarNode) and node.tag in _COLLECTION_TAGS):
            issues.append(YamlIssue(line, f"タグ「{node.tag.replace(_TAG, '!!')}」とこの値の形が合っていません。タグを消して書いてください",
                                    field_name(path) or "YAML"))
            continue
        if isinstance(node, yaml.ScalarNode):
            bad = bad_character(node.value)
            problem = bad_character_message(bad) if bad else (None if node.tag == _STR else _scalar_issue(node, scalars))
            if problem:
                issues.append(YamlIssue(line, problem, field_name(path) or "YAML"))
        elif isinstance(node, yaml.MappingNode):
            keys: dict = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                key_line = at.of(key_node.start_mark)
                if key is not None and bad_character(key):
                    issues.append(YamlIssue(key_line, "項目名に" + bad_character_message(bad_character(key))))
                    continue
                if key_node.tag not in ALLOWED_TAGS or key_node.tag == _TAG + "merge" or key == "<<":
                    issues.append(YamlIssue(key_line, "この書き方（マージキーやタグ付きの項目名）は使えません"))
                    continue
                if key in keys:
                    issues.append(YamlIssue(key_line, f"項目「{key}」が 2 回書かれています（{keys[key]} 行目にもあります）", str(key)))
                    continue
                keys[key] = key_line
                child = path + (key,)
                lines[child] = key_line
                stack.append((value_node, child, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((item, path + (i,), depth + 1))
    return sorted(issues, key=lambda i: i.line)


def _field(path: tuple) -> str:
    return str(path[0]) if path else "YAML"


def field_name(path: tuple) -> str:
    """``("indicators", 0, "value")`` -> ``indicators[1].value``."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (("." if out else "") + str(part))
    return out
