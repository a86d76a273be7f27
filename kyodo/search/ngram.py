"""Normalisation shared by the index and the browser (mirrored in assets/search.js).

Text is NFKC-normalised and lower-cased (ＮＰＯ == NPO == npo, ｶﾞ == ガ). White
space separates *runs*: a query word never matches across it. The white-space
set is exactly JavaScript's ``\\s`` plus U+200B, so both sides cut text at the
same places.
"""

from __future__ import annotations

import re
import unicodedata

SPACE_CHARS = ("\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
               "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u200b")
SPACE = re.compile("[" + re.escape(SPACE_CHARS) + "]+")


def normalize(text: str) -> str:
    """NFKC then lower case; NUL (never text) becomes a space."""
    return unicodedata.normalize("NFKC", text).lower().replace("\0", " ")


def runs(text: str) -> list[str]:
    return [r for r in SPACE.split(normalize(text)) if r]
