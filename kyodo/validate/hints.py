"""Values written the way people write them in Japanese documents, with the fix.

A list typed as one sentence (``地域のネットワークづくり、区民満足度の向上``) is
one unknown value to YAML; :func:`split_list` finds its items so the message can
show the line as it should be written (:func:`list_line`).
"""

from __future__ import annotations

import re

SEPARATORS = re.compile(r"[、，,､﹐]")


def split_list(text: str) -> list[str] | None:
    """The items of ``text`` when it is a list written with 、，, — else None."""
    parts = [p.strip(" \u3000") for p in SEPARATORS.split(str(text))]
    parts = [p for p in parts if p]
    return parts if len(parts) > 1 else None


def list_line(key: str, items: list[str]) -> str:
    """``outcomes: [地域のネットワークづくり, 区民満足度の向上]``."""
    return f"{key}: [{', '.join(items)}]"
