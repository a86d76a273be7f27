"""Problems found in content, reported as ``path:line: field: message``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# Whatever a message echoes (a value, a file name) stays on its line: line
# breaks and other control characters are written as escapes, so one
# problem is always one line and no value can forge a line of its own (for
# example a GitHub Actions "::error" command or a fake "path:1:" message).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: object) -> str:
    """``text`` as one printable line: ``a\nb`` -> ``a\\nb``, U+2028 -> ``\\u2028``."""
    def escape(m: re.Match) -> str:
        ch = m.group()
        return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
    return _UNPRINTABLE.sub(escape, str(text))


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


@dataclass
class Problems:
    """Collects every problem so that all of them are reported at once."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str | Path, line: int | None, field_name: str, message: str) -> None:
        self.items.append(Problem(one_line(path), line or 1, one_line(field_name), one_line(message)))

    def extend(self, other: "Problems") -> None:
        self.items.extend(other.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))


class ContentError(Exception):
    """Raised when content is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


class UsageError(Exception):
    """A problem with how the command was called (message is in Japanese)."""
