"""Reading one answer, typed at a question or given as a flag.

Every parser returns ``(value, None)`` or ``(None, message)``; the message is
Japanese and names what was wrong, so the caller can ask again (questions) or
stop with ``--flag: message`` (flags).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from kyodo.paths import display_path
from kyodo.core.taxonomy import Facet, Term
from kyodo.validate.case import FIRST_YEAR, last_year, slug_problem
from kyodo.validate.terms import resolve as resolve_term

SPLIT = re.compile(r"[\s,、，]+")      # between numbers or names typed at a menu
COMMAS = re.compile(r"[,、，]")        # between values in a flag (a name may hold a space)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def current_fiscal_year(today: dt.date | None = None) -> int:
    today = today or dt.date.today()
    return today.year if today.month >= 4 else today.year - 1


def default_year() -> int:
    """The year offered when the answer is left empty: this fiscal year, within range."""
    return min(current_fiscal_year(), last_year())


def parse_text(raw: str, what: str):
    text = " ".join(raw.split())
    if not text:
        return None, f"{what}を入力してください（空にはできません）"
    return text, None


def parse_optional(raw: str):
    """Free text that may be left empty."""
    return " ".join(raw.split()), None


def parse_free_list(raw: str):
    """Free values separated by commas; may be empty."""
    return [v for v in (x.strip() for x in COMMAS.split(raw)) if v], None


def parse_year(raw: str, default: int | None = None):
    from kyodo.text.wareki import parse_wareki

    text = _nfkc(raw)
    if not text and default is not None:
        return default, None
    m = re.fullmatch(r"(\d{4})\s*(年度?)?", text)
    year = int(m.group(1)) if m else parse_wareki(text)
    if year is None:
        return None, f"「{raw.strip()}」は年度として読めません。西暦の数字で入力してください（例: 2024。令和6 も使えます）"
    hi = last_year()
    if not FIRST_YEAR <= year <= hi:
        return None, f"年度 {year} は範囲外です。{FIRST_YEAR} から {hi} までの西暦で入力してください"
    return year, None


def parse_terms(raw: str, facet: Facet):
    """Typed at a menu: numbers (1-based, as listed) or names (label, slug or alias)."""
    tokens = [t for t in SPLIT.split(_nfkc(raw)) if t]
    # A label may itself contain a separator (町会・自治会): try the whole answer first.
    whole = facet.resolve(raw) if raw.strip() else None
    if whole is not None:
        tokens = [raw.strip()]
    if not tokens:
        how = "1 つ以上" if facet.multiple else "1 つ"
        return None, f"{facet.label}を{how}選んでください（番号を入力します）"
    found: list[Term] = []
    count = len(facet.terms)
    for token in tokens:
        if token.isdigit():
            n = int(token)
            if not 1 <= n <= count:
                return None, f"「{token}」という番号はありません。1 から {count} までの番号で選んでください"
            term = facet.terms[n - 1]
        else:
            term, why = resolve_term(facet, token)
            if term is None:
                return None, why if facet.rejection(token) else why + "番号で選んでください"
        if term not in found:
            found.append(term)
    if not facet.multiple and len(found) > 1:
        return None, f"{facet.label}は 1 つだけ選んでください"
    return sorted(found, key=lambda t: t.order), None


def flag_terms(value: str, facet: Facet):
    """Given as a flag: names only, separated by commas (a number would be ambiguous
    in scripts). A refusal ends with the values that can be used."""
    names = [v.strip() for v in COMMAS.split(value) if v.strip()]
    found: list[Term] = []
    err = None
    for name in names:
        term, why = resolve_term(facet, name)
        if term is None:
            err = why
            break
        if term not in found:
            found.append(term)
    if err is None and not found:
        err = f"{facet.label}の値を書いてください"
    if err is None and not facet.multiple and len(found) > 1:
        err = f"{facet.label}は 1 つだけ書いてください"
    if err:
        return None, f"{err}（使える値: {facet.allowed()}）"
    return sorted(found, key=lambda t: t.order), None


def parse_slug(raw: str, taken: dict[str, Path], default: str | None = None, asked: bool = False):
    text = _nfkc(raw)
    if text.endswith(".md"):
        text = text[:-3]
    if not text and default:
        text = default
    if not text:
        return None, "ファイル名を入力してください"
    if asked and text.isdigit():   # most likely a menu number typed one question too late
        return None, (f"数字だけのファイル名（{text}）では内容が分かりません。英小文字を入れてください"
                      f"（例: kosodate-hiroba。Enter だけなら {default}）")
    bad = slug_problem(text)
    if bad:
        return None, bad
    if text in taken:
        return None, f"「{text}」はすでに使われています（{display_path(taken[text])}）。別のファイル名にしてください"
    return text, None


def propose_slug(stem: str, taken: dict[str, Path]) -> str:
    """``stem-1``, ``stem-2`` …: the first one not taken."""
    n = 1
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"
