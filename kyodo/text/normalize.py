"""Normalisation used wherever user-written values are compared."""

import unicodedata


def fold(value: str) -> str:
    """NFKC + casefold + no surrounding space: ＮＰＯ == NPO == npo."""
    return unicodedata.normalize("NFKC", value).strip().casefold()
