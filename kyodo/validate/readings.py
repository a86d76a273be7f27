"""Validate ``content/readings.yml``: the ward's own readings (word → reading).

The list comes before the dictionary for ふりがな (and for search): proper
nouns such as 青葉川区 (あおばがわく) that the dictionary reads wrongly, and
corrections. A reading must be kana. A word that occurs nowhere in the
content is only a warning: the list may be kept ahead of the cases.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Iterable

from kyodo.errors import Problem, Problems
from kyodo.load.frontmatter import Document
from kyodo.text.analysis import has_kanji, is_kana

FILE = "readings.yml"


def build_readings(doc: Document, problems: Problems) -> dict[str, str]:
    """The valid entries of ``doc``; every invalid one is reported."""
    out: dict[str, str] = {}
    for key, value in doc.meta.items():
        line = doc.line(key)
        word = key.strip() if isinstance(key, str) else ""
        if not word:
            problems.add(doc.display, line, "語",
                         f"語「{key}」は文字列で書いてください（例: 青葉川区: あおばがわく）")
            continue
        if not has_kanji(word):
            problems.add(doc.display, line, "語",
                         f"「{word}」には漢字がありません。読みを書くのは、漢字を含む語だけです")
            continue
        if not isinstance(value, str) or not value.strip():
            problems.add(doc.display, line, "読み",
                         f"「{word}」の読みを、ひらがなかカタカナで書いてください（例: {word}: よみかた）")
            continue
        reading = value.strip()
        if not is_kana(reading):
            problems.add(doc.display, line, "読み",
                         f"「{word}」の読み「{reading}」は、ひらがなかカタカナ（と長音「ー」）だけで書いてください")
            continue
        out[word] = reading
    return out


def unused_readings(doc: Document, readings: dict[str, str], texts: Iterable[str],
                    found: dict[str, str | None] | None = None) -> list[Problem]:
    """Warnings for words of the list that occur in none of ``texts``
    (``found``: :func:`witnesses` of them, when already known)."""
    if not readings:
        return []
    found = found if found is not None else witnesses(readings, list(texts), [])
    return [unused_warning(doc, word) for word, who in found.items() if who is None]


def unused_warning(doc: Document, word: str) -> Problem:
    return Problem(doc.display, doc.line(word), "読み",
                   f"「{word}」は事例・協働指針・設定のどこにも出てきません"
                   "（警告です。検査とビルドは続けます）")


def contains(text: str, word: str) -> bool:
    """The rule of "the word occurs": as written, or in its NFKC form."""
    return unicodedata.normalize("NFKC", word) in text or word in text


def witnesses(readings: dict[str, str], texts: list[str], owners: list[str]) -> dict[str, str | None]:
    """For every word of the list, the owner of a text it occurs in (None: none).
    ``owners`` names each text's file ("" for texts that are not a case's:
    settings, organisations, the guideline; they are searched first); texts
    beyond the owners' list count as "". A rebuild after a body edit
    (kyodo/commands/snapshot.py) checks only the words the edited case owns."""
    order = sorted(range(len(texts)), key=lambda i: bool(owners[i]) if i < len(owners) else False)
    starts: list[int] = []
    pos = 0
    for i in order:
        starts.append(pos)
        pos += len(texts[i]) + 1
    joined = "\n".join(texts[i] for i in order)
    out: dict[str, str | None] = {}
    for word in readings:
        hits = [h for h in (joined.find(unicodedata.normalize("NFKC", word)), joined.find(word)) if h >= 0]
        if not hits:
            out[word] = None
            continue
        i = order[bisect.bisect_right(starts, min(hits)) - 1]
        out[word] = owners[i] if i < len(owners) else ""
    return out


def strings(value) -> Iterable[str]:
    """Every string inside a YAML value (mappings, lists, scalars)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings(v)
