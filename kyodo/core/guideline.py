"""Guideline (協働指針) chapters."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Chapter:
    slug: str
    source: Path
    title: str
    order: int
    summary: str
    body: str
    body_line: int = 1

    @property
    def url(self) -> str:
        return f"guideline/{self.slug}/"
