"""Shared helpers: typed field access that reports problems in Japanese."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from kyodo.errors import Problems
from kyodo.load.frontmatter import Document
from kyodo.load.yamlsafe import field_name
from kyodo.text.suggest import closest

MISSING = object()


def type_name(value: object) -> str:
    if isinstance(value, bool):
        return "真偽値（true/false）"
    if isinstance(value, int):
        return "整数"
    if isinstance(value, float):
        return "数値"
    if isinstance(value, str):
        return "文字列"
    if isinstance(value, list):
        return "リスト"
    if isinstance(value, dict):
        return "「項目: 値」の組"
    if isinstance(value, (dt.date, dt.datetime)):
        return "日付"
    if value is None:
        return "空の値"
    return type(value).__name__


class Checker:
    """Reports problems about one document's fields."""

    def __init__(self, doc: Document, problems: Problems):
        self.doc = doc
        self.problems = problems
        self.ok = True

    def error(self, path: tuple, message: str, field: str | None = None) -> None:
        """``field`` names a missing field reported at ``path`` (its parent's line)."""
        self.ok = False
        self.problems.add(self.doc.display, self.doc.line(*path), field or field_name(path), message)

    def unknown_keys(self, mapping: dict, known: Iterable[str], path: tuple = (),
                     aliases: dict[str, str] | None = None) -> None:
        known = list(known)
        aliases = aliases or {}
        for key in mapping:
            if key in known:
                continue
            hint = aliases.get(str(key)) or closest(str(key), known, cutoff=0.7)
            allowed = "、".join(known)
            text = f"「{key}」という項目はありません。"
            if hint:
                text += f"「{hint}」の書き間違いではありませんか。"
            text += f"使える項目: {allowed}"
            self.error(path + (key,), text)

    def text(self, data: dict, key: str, path: tuple = (), required: bool = False) -> str:
        value = data.get(key, MISSING)
        where = path + (key,)
        if value is MISSING or value is None or (isinstance(value, str) and not value.strip()):
            if required:
                text = (f"「{key}」は必須です。「{key}: 」のあとに値を書いてください" if value is not MISSING else
                        f"「{key}」は必須ですが、ありません。「{key}: 値」の行を書き足してください")
                self.error(where if value is not MISSING else path, text, field=field_name(where))
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(where, f"文字列で書いてください（いまは{type_name(value)}です）")
            return ""
        return str(value).strip()

    def text_list(self, data: dict, key: str, path: tuple = ()) -> tuple[str, ...]:
        value = data.get(key)
        where = path + (key,)
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        out = []
        for i, item in enumerate(items):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.error(where + ((i,) if isinstance(value, list) else ()),
                           f"文字列のリストで書いてください（いまは{type_name(item)}です）")
                continue
            if str(item).strip():
                out.append(str(item).strip())
        return tuple(out)

    def items(self, data: dict, key: str, path: tuple = ()) -> list:
        """A list field (``- …`` lines); anything else is reported and gives []."""
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path + (key,), f"「- 」で始まる行のリストで書いてください（いまは{type_name(value)}です）")
            return []
        return value

    def mapping(self, data: dict, key: str, path: tuple = ()) -> dict | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error(path + (key,), f"「項目: 値」の組で書いてください（いまは{type_name(value)}です）")
            return None
        return value
