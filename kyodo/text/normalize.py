"""Normalisation used wherever user-written values are compared."""

import functools
import unicodedata


@functools.lru_cache(maxsize=8192)   # the same few term names, again and again at 10,000 cases
def fold(value: str) -> str:
    """NFKC + casefold + no surrounding space: ＮＰＯ == NPO == npo."""
    return unicodedata.normalize("NFKC", value).strip().casefold()
