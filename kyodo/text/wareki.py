"""Japanese era names (和暦) for fiscal years.

A fiscal year runs from April to March, so it is named after the era in force
on 1 April: FY2019 is 令和元年度 (Reiwa began on 1 May 2019, but the ward's
documents already call FY2019 令和元年度), FY1989 is 平成元年度.
"""

from __future__ import annotations

# (first fiscal year of the era, era name)
ERAS: tuple[tuple[int, str], ...] = (
    (2019, "令和"),
    (1989, "平成"),
    (1926, "昭和"),
    (1912, "大正"),
    (1868, "明治"),
)


def era_year(year: int) -> tuple[str, int]:
    for start, name in ERAS:
        if year >= start:
            return name, year - start + 1
    raise ValueError(f"no era for {year}")


def wareki(year: int) -> str:
    """2024 -> '令和6', 2019 -> '令和元'."""
    name, n = era_year(year)
    return f"{name}{'元' if n == 1 else n}"


def fiscal_year_label(year: int) -> str:
    """2024 -> '令和6年度（2024年度）'."""
    return f"{wareki(year)}年度（{year}年度）"


def fiscal_year_short(year: int) -> str:
    """2024 -> '令和6年度'."""
    return f"{wareki(year)}年度"


def parse_wareki(text: str) -> int | None:
    """'令和6' / '令和6年度' / 'R6' / '令和元年度' -> 西暦, else None."""
    import re
    import unicodedata

    s = unicodedata.normalize("NFKC", str(text)).strip()
    initials = {"R": "令和", "H": "平成", "S": "昭和"}
    m = re.fullmatch(r"(令和|平成|昭和|[RHSrhs])\s*(元|\d{1,2})\s*(年度?)?", s)
    if not m:
        return None
    era = initials.get(m.group(1).upper(), m.group(1))
    n = 1 if m.group(2) == "元" else int(m.group(2))
    for start, name in ERAS:
        if name == era:
            return start + n - 1
    return None
