"""Close-match suggestions for misspelt field names and terms."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from kyodo.text.normalize import fold


def closest(value: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """Return the candidate closest to ``value`` or None.

    Prefix/containment matches win (``NPO`` -> ``NPO法人``), then difflib.
    """
    options = list(dict.fromkeys(candidates))
    folded = {fold(c): c for c in options}
    key = fold(value)
    if not key:
        return None
    contained = [c for f, c in folded.items() if key in f or (len(f) >= 2 and f in key)]
    if len(contained) == 1:
        return contained[0]
    match = difflib.get_close_matches(key, list(folded), n=1, cutoff=cutoff)
    if match:
        return folded[match[0]]
    return contained[0] if contained else None
