"""Normalisation and character n-gram tokens (mirrored in assets/search.js).

A *run* is a stretch of text without white space. A run of n characters
becomes n tokens: its n-1 overlapping bigrams, then its last character alone.
The lone character ends the run, so the bigrams of two neighbouring runs are
never adjacent and a phrase of bigrams cannot match across a gap. Each record
also lists its distinct characters once (:func:`char_text`) for one-character
queries.

A character is written as its code point in 7 decimal digits, so a bigram is
a 14-digit token: nothing that Pagefind or a segmenter does to text splits,
stems or folds a string of digits.
"""

from __future__ import annotations

import re
import unicodedata

# White space separates runs (and query words). The same set is in search.js.
SPACE = re.compile(r"[\s\u200b\ufeff]+")
WIDTH = 7


def normalize(text: str) -> str:
    """NFKC then lower case: ＮＰＯ == NPO == npo, ｶﾞ == ガ."""
    return unicodedata.normalize("NFKC", text).lower()


def runs(text: str) -> list[str]:
    return [r for r in SPACE.split(normalize(text)) if r]


def code(ch: str) -> str:
    return f"{ord(ch):0{WIDTH}d}"


def run_tokens(run: str) -> list[str]:
    codes = [code(ch) for ch in run]
    return [a + b for a, b in zip(codes, codes[1:])] + codes[-1:]


def tokens(text: str) -> list[str]:
    out: list[str] = []
    for run in runs(text):
        out += run_tokens(run)
    return out


def token_text(text: str) -> str:
    return " ".join(tokens(text))


def char_text(*texts: str) -> str:
    """Every distinct character of ``texts`` once, as 7-digit tokens.

    A one-character query looks for its token exactly here, instead of as a
    prefix of thousands of bigrams (slow to expand in the browser).
    """
    chars = {ch for text in texts for run in runs(text) for ch in run}
    return " ".join(sorted(code(ch) for ch in chars))
