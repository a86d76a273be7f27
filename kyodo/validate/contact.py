"""E-mail addresses and telephone numbers as people write them in Japan.

Full-width input (``ｋｏｄｏｍｏ＠…``, ``０３−１２３４−５６７８``) is common; it would
publish a broken ``mailto:``. Each check returns (value, None) when the text is
already right, or (None, message) with the corrected text when it can be found.
"""

from __future__ import annotations

import re
import unicodedata

# One pattern each, shared with the JSON Schema (views/schema.py) so both agree.
EMAIL_PATTERN = (r"^(?!.*\.\.)[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                 r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
# 0 and 9–10 more digits (or +81 and 9–10 digits), each digit optionally after one
# separator; then an optional extension: 03-1234-5678（内線 123）.
EXTENSION_PATTERN = r"\s*[(（]?\s*内線\s*(?P<ext>[0-9]{1,6})\s*[)）]?"
PHONE_PATTERN = r"^(?:0|\+81)(?:[- ()]?[0-9]){9,10}(?:" + EXTENSION_PATTERN.replace("?P<ext>", "") + ")?$"
EMAIL = re.compile(EMAIL_PATTERN)
PHONE = re.compile(PHONE_PATTERN)
EXTENSION = re.compile(EXTENSION_PATTERN + r"\Z")
# Hyphen-like characters an IME produces: ‐ ‑ ‒ – — ― − ー ｰ －
DASHES = re.compile("[\u2010-\u2015\u2212\u30fc\uff70\uff0d]")
PHONE_EXAMPLE = "03-1234-5678"


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def check_email(text: str) -> tuple[str | None, str | None]:
    raw = text.strip()
    if EMAIL.fullmatch(raw):
        return raw, None
    fixed = _nfkc(raw).replace(" ", "")
    if fixed != raw and EMAIL.fullmatch(fixed):
        return None, f"メールアドレスに全角の文字があります。半角で次のように書いてください: email: {fixed}"
    return None, (f"メールアドレス「{raw}」の形が正しくありません。"
                  "半角の英数字で kodomo@city.example.jp のように書いてください")


def check_phone(text: str) -> tuple[str | None, str | None]:
    raw = text.strip()
    if PHONE.fullmatch(raw):
        return raw, None
    m = EXTENSION.search(raw)
    number, ext = (raw[: m.start()], m["ext"]) if m else (raw, "")
    fixed = re.sub(r"\s*-\s*", "-", DASHES.sub("-", _nfkc(number)))
    if PHONE.fullmatch(fixed):
        ext_text = f"（内線 {_nfkc(ext)}）" if ext else ""
        return None, f"電話番号に全角の文字があります。半角の数字とハイフンで次のように書いてください: phone: {fixed}{ext_text}"
    return None, (f"電話番号「{raw}」の形が正しくありません。"
                  f"市外局番から半角の数字とハイフンで {PHONE_EXAMPLE} のように書いてください（内線は「（内線 123）」）")
