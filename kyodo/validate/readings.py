"""Validate ``content/readings.yml``: the ward's own readings (word → reading).

The list comes before the dictionary for ふりがな (and for search): proper
nouns such as 青葉川区 (あおばがわく) that the dictionary reads wrongly, and
corrections. A reading must be kana. A word that occurs nowhere in the
content is only a warning: the list may be kept ahead of the cases.
"""

from __future__ import annotations

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


def unused_readings(doc: Document, readings: dict[str, str], texts: Iterable[str]) -> list[Problem]:
    """Warnings for words of the list that occur in none of ``texts``."""
    if not readings:
        return []
    joined = "\n".join(texts)
    warnings = []
    for word in readings:
        if unicodedata.normalize("NFKC", word) not in joined and word not in joined:
            warnings.append(Problem(doc.display, doc.line(word), "読み",
                                    f"「{word}」は事例・協働指針・設定のどこにも出てきません"
                                    "（警告です。検査とビルドは続けます）"))
    return warnings


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
