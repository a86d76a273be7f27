"""Numbers as pages print them (the templates' ``number`` filter)."""

from __future__ import annotations


def number_text(value) -> str:
    """1234 -> '1,234'; floats to ten significant digits (grouped from 1,000); else str()."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.10g}" if abs(value) >= 1000 else f"{value:g}"
    return str(value)
