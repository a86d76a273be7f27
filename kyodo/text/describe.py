"""A page description derived from rendered content, when none is written."""

from __future__ import annotations

import html
import re

PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S)
TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")
SENTENCE_END = "。！？"


def describe(rendered_html: str, limit: int = 120) -> str:
    """The first paragraph of ``rendered_html`` as plain text, cut at a sentence
    end within ``limit`` characters (else at ``limit`` with "…")."""
    for m in PARAGRAPH.finditer(str(rendered_html)):
        text = SPACE.sub(" ", html.unescape(TAG.sub("", m.group(1)))).strip()
        if text:
            return clip(text, limit)
    return ""


def clip(text: str, limit: int = 120) -> str:
    text = SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = max(text.rfind(c, 0, limit) for c in SENTENCE_END)
    return text[:cut + 1] if cut >= limit // 3 else text[:limit - 1] + "…"
