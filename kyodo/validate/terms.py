"""Resolving a written value to a term, with the Japanese explanation when it fails."""

from __future__ import annotations

from kyodo.core.taxonomy import Facet, Term


def resolve(facet: Facet, value: str) -> tuple[Term | None, str]:
    """(term, "") or (None, why): the facet's own rejection message, or
    "「x」は…の値にありません。「y」のことですか。" with a close match if any."""
    term = facet.resolve(value)
    if term is not None:
        return term, ""
    rejected = facet.rejection(value)
    if rejected:
        return None, rejected.message
    near = facet.suggest(value)
    hint = f"「{near.label}」のことですか。" if near else ""
    return None, f"「{value}」は{facet.label}の値にありません。{hint}"
