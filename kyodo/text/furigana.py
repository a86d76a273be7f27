"""ふりがな: which part of a text gets which reading (no HTML here).

The analyser (kyodo/text/analysis.py) gives each word a reading in
hiragana. A reading belongs over the kanji only: okurigana and other kana
stay outside, so 見守り (みまもり) becomes 見守 + みまも, then り. The
reading is aligned to the runs of kanji by matching the kana parts of the
surface against it. Latin letters, digits and symbols never get a reading.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kyodo.text.analysis import Analyser, KANJI_RE, has_kanji, to_hiragana

# Characters that take part in a kanji run: kanji, 々〆〇, and ヶ/ヵ between
# kanji (緑ヶ丘 → one run read みどりがおか).
_SMALL_KE = "ヶヵ"
_KANA_RE = re.compile(r"[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fd\u30fe]")

Piece = tuple[str, str]   # (text, reading over it or "")


def _kind(surface: str, i: int) -> str:
    c = surface[i]
    if KANJI_RE.match(c):
        return "K"
    if c in _SMALL_KE and 0 < i < len(surface) - 1 and KANJI_RE.match(surface[i - 1]) \
            and KANJI_RE.match(surface[i + 1]):
        return "K"
    if _KANA_RE.match(c):
        return "H"
    return "O"


def _groups(surface: str) -> list[tuple[str, str]]:
    """``surface`` as runs of one kind: K (kanji), H (kana) and O (anything else)."""
    out: list[tuple[str, str]] = []
    for i, c in enumerate(surface):
        k = _kind(surface, i)
        if out and out[-1][0] == k:
            out[-1] = (k, out[-1][1] + c)
        else:
            out.append((k, c))
    return out


@lru_cache(maxsize=1 << 16)
def align(surface: str, reading: str) -> tuple[Piece, ...] | None:
    """Split ``reading`` over the kanji runs of ``surface``; None when it does not fit.

    ``align("見守り", "みまもり") == (("見守", "みまも"), ("り", ""))``
    """
    groups = _groups(surface)
    if not any(k == "K" for k, _ in groups):
        return ((surface, ""),)
    if not reading:
        return None
    pattern, wild = [], 0
    for i, (kind, text) in enumerate(groups):
        if kind == "H":
            pattern.append(re.escape(to_hiragana(text)))
            continue
        if i > 0 and groups[i - 1][0] != "H":
            return None       # two runs without kana between them: the split is a guess
        pattern.append("(.+?)" if kind == "K" else "(.*?)")
        wild += 1
    m = re.fullmatch("".join(pattern), to_hiragana(reading))
    if m is None:
        return None
    out, g = [], 0
    for kind, text in groups:
        if kind == "H":
            out.append((text, ""))
        else:
            g += 1
            out.append((text, m.group(g) if kind == "K" else ""))
    return tuple(out)


def _kanji_runs_alone(analyser: Analyser, surface: str) -> list[Piece]:
    """Fallback: read each kanji run by itself (NPO法人 → NPO + 法人/ほうじん)."""
    out: list[Piece] = []
    for kind, text in _groups(surface):
        if kind != "K":
            out.append((text, ""))
            continue
        words = analyser.words(text)
        if len(words) == 1 and words[0].surface == text and words[0].reading:
            pieces = align(text, words[0].reading)
            out.extend(pieces if pieces else [(text, "")])
        elif len(words) > 1:
            out.extend(annotate(analyser, text))
        else:
            out.append((text, ""))
    return out


def word_pieces(analyser: Analyser, surface: str, reading: str) -> list[Piece]:
    """One word as pieces; kanji without a known reading stay unannotated."""
    if not has_kanji(surface):
        return [(surface, "")]
    pieces = align(surface, reading)
    if pieces is not None:
        return pieces
    groups = _groups(surface)
    if len(groups) > 1:
        return _kanji_runs_alone(analyser, surface)
    return [(surface, "")]


def annotate(analyser: Analyser, text: str) -> list[Piece]:
    """``text`` as (text, reading) pieces, adjacent plain pieces merged."""
    out: list[Piece] = []

    def add(piece: Piece) -> None:
        if not piece[0]:
            return
        if out and not piece[1] and not out[-1][1]:
            out[-1] = (out[-1][0] + piece[0], "")
        else:
            out.append(piece)

    pos = 0
    for w in analyser.words(text):
        if w.begin > pos:
            add((text[pos:w.begin], ""))
        surface = text[w.begin:w.end]
        for piece in word_pieces(analyser, surface, w.reading):
            add(piece)
        pos = w.end
    if pos < len(text):
        add((text[pos:], ""))
    return out
