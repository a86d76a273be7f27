"""Everyday front-matter mistakes, named on their own line with the corrected text.

Staff type in Japanese input mode, and three slips are common; YAML's own
message for them is misleading (often one line late, or advice to add quotes):

* a key without its colon: ``title 子育てひろば``
* a full-width colon: ``title：子育てひろば``
* full-width spaces (U+3000) used for indentation (YAML reads them as text)

:func:`explain` returns these as issues (line, field, message with the line as it
should be written), to be reported instead of YAML's message.
"""

from __future__ import annotations

import re

from kyodo.load.yamlsafe import Loaded, YamlIssue

FW_SPACE = "\u3000"
KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
_FW_COLON = re.compile(rf"^(?P<lead>[ \u3000]*(?:-[ \u3000]+)?)(?P<key>{KEY})[ \u3000]*[：﹕](?P<value>.*)$")
# Field names are lower case (facet keys too), so "NPO 法人" in running text is no key.
_NO_COLON = re.compile(r"^(?P<lead> *(?:- +)?)(?P<key>[a-z_][a-z0-9_]*)[ \u3000]+(?P<value>[^\s#:：].*)$")
_FW_INDENT = re.compile(r"^(?P<ws>[ \u3000]*\u3000[ \u3000]*)(?P<rest>\S.*)$")
_KEYLIKE = re.compile(rf"^(?:-[ \u3000]+)?(?P<key>{KEY}|[^\s:：#\-][^:：]*?)[ \u3000]*[:：](?:\s|$)")


def _fix_indent(ws: str) -> str:
    return ws.replace(FW_SPACE, "  ")


def _value(text: str) -> str:
    text = text.strip(" " + FW_SPACE)
    return f" {text}" if text else ""


def _colon_hint(line_no: int, text: str) -> YamlIssue | None:
    """A missing or full-width colon on this line, if that is what it is."""
    m = _FW_COLON.match(text)
    if m:
        fixed = f"{_fix_indent(m['lead'])}{m['key']}:{_value(m['value'])}"
        return YamlIssue(line_no, f"項目名「{m['key']}」のあとのコロンが全角の「：」です。"
                                  f"半角の「:」と空白にして、次のように書いてください: {fixed.strip()}", m["key"])
    if ":" in text:
        return None
    m = _NO_COLON.match(text)
    if m:
        fixed = f"{m['lead']}{m['key']}:{_value(m['value'])}"
        return YamlIssue(line_no, f"「{m['key']}」のあとにコロン（:）がありません。"
                                  f"項目名のあとに半角の「:」と空白を入れて、次のように書いてください: {fixed.strip()}",
                         m["key"])
    return None


def _indent_hint(line_no: int, text: str) -> YamlIssue | None:
    m = _FW_INDENT.match(text)
    if not m or not _KEYLIKE.match(m["rest"]):
        return None
    rest = m["rest"]
    colon = _FW_COLON.match(rest)
    if colon:
        rest = f"{colon['lead'].replace(FW_SPACE, ' ')}{colon['key']}:{_value(colon['value'])}"
    key = _KEYLIKE.match(rest)["key"]
    count = m["ws"].count(FW_SPACE)
    fixed = _fix_indent(m["ws"]) + rest
    return YamlIssue(line_no, f"行頭に全角スペースが {count} 個あります。字下げには半角スペースを使い"
                              f"（全角 1 個を半角 2 個に）、次のように書いてください:「{fixed}」", key)


def explain(lines: list[str], first_line: int, loaded: Loaded) -> list[YamlIssue]:
    """Hints for ``lines`` (front matter starting at ``first_line`` of the file), or []."""
    hints: list[YamlIssue] = []
    if loaded.issues:
        stop = max(issue.line for issue in loaded.issues) - first_line
        stop = min(stop, len(lines) - 1)
        # Full-width indentation on any key line up to the error.
        for i in range(stop + 1):
            hint = _indent_hint(first_line + i, lines[i])
            if hint:
                hints.append(hint)
        # The error is reported on the slip's line or on the next content line.
        near = [stop]
        j = stop - 1
        while j >= 0 and (not lines[j].strip() or lines[j].lstrip().startswith("#")):
            j -= 1
        if j >= 0:
            near.insert(0, j)
        for i in near:
            hint = _colon_hint(first_line + i, lines[i])
            if hint and all(h.line != hint.line for h in hints):
                hints.append(hint)
                break
        return sorted(hints, key=lambda h: h.line)
    key_lines = {line for path, line in loaded.lines.items() if path and isinstance(path[-1], str)}
    for i, text in enumerate(lines):
        if first_line + i in key_lines:
            hint = _indent_hint(first_line + i, text)
            if hint:
                hints.append(hint)
    return hints
