"""Safe YAML loading with line numbers and hard limits.

* the C safe loader when PyYAML has it (speed), the pure-Python one otherwise;
* only plain data tags (no ``!!python/...``: nothing is ever constructed but
  strings, numbers, booleans, dates, lists and mappings);
* no anchors/aliases (so an alias bomb cannot blow up memory or time);
* duplicate keys are reported instead of silently keeping the last one;
* every node's line is recorded so validation can name the line of a field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
ALLOWED_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}
MAX_NODES = 20000
MAX_DEPTH = 40


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
)


def _translate(problem: str) -> str:
    for needle, message in _MESSAGES:
        if needle in problem:
            return f"{message}（YAML: {problem}）"
    return f"YAML の書き方に誤りがあります（{problem}）"


def load(text: str, first_line: int = 1) -> Loaded:
    """Parse ``text`` (which starts at ``first_line`` of its file).

    Never raises for bad input: problems are returned in ``issues`` and
    ``data`` is None then.
    """
    offset = first_line
    loader = Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = (mark.line + offset) if mark else offset
            return Loaded(None, {}, [YamlIssue(line, _translate(exc.problem or str(exc)))])
        except yaml.YAMLError as exc:  # e.g. reader errors (control characters)
            return Loaded(None, {}, [YamlIssue(offset, _translate(str(exc).splitlines()[0]))])
        if node is None:
            return Loaded(None, {}, [])
        lines: dict = {}
        issues = _inspect(node, offset, lines)
        if issues:
            return Loaded(None, lines, issues)
        try:
            data = loader.construct_document(node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:  # bad timestamps, ...
            mark = getattr(exc, "problem_mark", None)
            line = (mark.line + offset) if mark else offset
            return Loaded(None, lines, [YamlIssue(line, f"値を読み取れません（{exc}）".replace("\n", " "))])
        return Loaded(data, lines, [])
    finally:
        loader.dispose()


def _inspect(root, offset: int, lines: dict) -> list[YamlIssue]:
    """Walk the node graph once: tags, aliases, duplicates, size, depth."""
    issues: list[YamlIssue] = []
    seen: set[int] = set()
    count = 0
    stack = [(root, (), 0)]
    while stack:
        node, path, depth = stack.pop()
        line = node.start_mark.line + offset
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
        if isinstance(node, yaml.MappingNode):
            keys: dict = {}
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                key_line = key_node.start_mark.line + offset
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
