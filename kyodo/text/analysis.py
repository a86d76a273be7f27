"""Japanese word analysis: one module for search and for ふりがな.

SudachiPy with the core dictionary splits text into words and gives, for
each word, its reading (converted to hiragana), its normalised form (the key
that makes 子ども, 子供 and こども the same word) and its dictionary form.

A ward's own list of readings (``content/readings.yml``: word → reading)
comes first: those words are never split by the dictionary, and their reading
and normalised form are the ward's. The dictionary is loaded once per
process, on first use; forked workers inherit it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_KATA_START, _KATA_END = 0x30A1, 0x30F6   # ァ … ヶ
_HIRA_OFFSET = 0x60

KANJI_RE = re.compile(r"[\u3005\u3006\u3007\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0003134f]")
KANA_RE = re.compile(r"^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fd\u30fe]+$")


_TO_HIRAGANA = {c: c - _HIRA_OFFSET for c in range(_KATA_START, _KATA_END + 1)}


def to_hiragana(text: str) -> str:
    """Katakana → hiragana (ヴ → ゔ); everything else unchanged."""
    return text.translate(_TO_HIRAGANA)


def to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + _HIRA_OFFSET) if _KATA_START <= ord(c) + _HIRA_OFFSET <= _KATA_END
                   and "\u3041" <= c <= "\u3096" else c for c in text)


def has_kanji(text: str) -> bool:
    return KANJI_RE.search(text) is not None


def is_kana(text: str) -> bool:
    """True for a non-empty string of hiragana/katakana (and ー)."""
    return bool(KANA_RE.match(text))


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text, with its offsets in that text."""

    surface: str
    reading: str       # hiragana; "" when the dictionary has none (symbols, latin, digits)
    normalized: str    # Sudachi's normalised form: the variant key
    lemma: str         # dictionary form (見守り → 見守る)
    pos: str           # coarse part of speech (名詞, 動詞, 補助記号…)
    begin: int
    end: int
    from_list: bool = False   # True when the reading came from the ward's list


@lru_cache(maxsize=1)
def _tokenizer():
    from sudachipy import Dictionary, SplitMode  # imported lazily: the dictionary is large
    dictionary = Dictionary(dict="core")
    try:   # only the fields used here: faster (SudachiPy >= 0.6.8)
        return dictionary.tokenizer(mode=SplitMode.C, fields={
            "surface", "pos", "normalized_form", "dictionary_form", "reading_form"})
    except (AttributeError, TypeError):
        return dictionary.create(SplitMode.C)


class Analyser:
    """Splits text into :class:`Word` s, the ward's own readings first."""

    def __init__(self, readings: dict[str, str] | None = None):
        self.readings = {unicodedata.normalize("NFKC", k): to_hiragana(v)
                         for k, v in (readings or {}).items() if k}
        words = sorted(self.readings, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, words))) if words else None

    def words(self, text: str) -> list[Word]:
        """Every word of ``text`` in order; offsets index ``text`` itself."""
        return [Word(*w) for w in self.analyse(text)]

    def vocabulary(self, text: str) -> dict[tuple[str, str, str, str, str], None]:
        """The distinct words of ``text`` as (surface, normalized, lemma, reading, pos), in order.

        The same analysis as :meth:`words` without offsets: faster for indexing.
        """
        out: dict = {}
        if self._pattern is not None:
            for w in self.analyse(text):
                out[(w[0], w[2], w[3], w[1], w[4])] = None
            return out
        if not text:
            return out
        # What a word yields depends only on its dictionary entry and its surface:
        # look each (entry, surface) up once per process instead of asking SudachiPy
        # for four fields of every occurrence.
        known = _VOCABULARY_WORDS
        tokenizer = _tokenizer()
        for _offset, part in _pieces(text):
            for m in tokenizer.tokenize(part):
                surface = m.surface()
                if not surface:
                    continue
                key = (m.word_id(), surface)
                word = known.get(key)
                if word is None:
                    pos = _POS_NAMES.get(m.part_of_speech_id())
                    if pos is None:
                        pos = _POS_NAMES[m.part_of_speech_id()] = m.part_of_speech()[0]
                    reading = m.reading_form()
                    if pos in ("補助記号", "空白") or reading == surface and not is_kana(surface):
                        reading = ""
                    word = known[key] = (surface, m.normalized_form(), m.dictionary_form(), to_hiragana(reading), pos)
                out[word] = None
        return out

    def analyse(self, text: str):
        """Like :meth:`words`, as plain tuples in :class:`Word` field order (faster for indexing)."""
        if not text:
            return
        pos = 0
        if self._pattern is not None:
            for m in self._pattern.finditer(text):
                yield from self._dictionary(text, pos, m.start())
                g = m.group()
                yield g, self.readings[g], g, g, "名詞", m.start(), m.end(), True
                pos = m.end()
        yield from self._dictionary(text, pos, len(text))

    @staticmethod
    def _dictionary(text: str, start: int, end: int):
        if start >= end:
            return
        chunk = text[start:end]
        tokenizer = _tokenizer()
        names = _POS_NAMES
        # Sudachi refuses inputs over ~49 KB: feed it by paragraph.
        for offset, part in _pieces(chunk):
            base = start + offset
            for m in tokenizer.tokenize(part):
                surface = m.surface()
                if not surface:
                    continue
                pid = m.part_of_speech_id()
                pos = names.get(pid)
                if pos is None:
                    pos = names[pid] = m.part_of_speech()[0]
                reading = m.reading_form()
                if pos in ("補助記号", "空白") or reading == surface and not is_kana(surface):
                    reading = ""
                yield (surface, to_hiragana(reading), m.normalized_form(), m.dictionary_form(), pos,
                       base + m.begin(), base + m.end(), False)


_POS_NAMES: dict[int, str] = {}
_VOCABULARY_WORDS: dict[tuple[int, str], tuple[str, str, str, str, str]] = {}


def _pieces(text: str, limit: int = 8000):
    """Split at line ends (or hard, past ``limit``) into (offset, piece)."""
    offset = 0
    while offset < len(text):
        if len(text) - offset <= limit:
            yield offset, text[offset:]
            return
        cut = text.rfind("\n", offset, offset + limit)
        if cut <= offset:
            for sep in ("。", "、", " "):
                cut = text.rfind(sep, offset, offset + limit)
                if cut > offset:
                    break
            else:
                cut = offset + limit - 1
        yield offset, text[offset:cut + 1]
        offset = cut + 1


@lru_cache(maxsize=1)
def _dictionary():
    from sudachipy import Dictionary
    return Dictionary(dict="core")


def lookup(surface: str) -> list[tuple[str, str]]:
    """Dictionary entries spelt exactly ``surface``: (normalized form, reading in hiragana)."""
    return [(m.normalized_form(), to_hiragana(m.reading_form())) for m in _dictionary().lookup(surface)]


@lru_cache(maxsize=1)
def kanji_by_reading() -> dict[str, tuple[str, ...]]:
    """Reading (hiragana) → the single kanji the dictionary reads so (まち → 町, 街, …)."""
    table: dict[str, set[str]] = {}
    for cp in range(0x4E00, 0xA000):
        ch = chr(cp)
        for m in _dictionary().lookup(ch):
            reading = to_hiragana(m.reading_form())
            if reading and reading != ch:
                table.setdefault(reading, set()).add(ch)
    return {k: tuple(sorted(v)) for k, v in table.items()}


def kanji_spellings(surface: str, normalized: str) -> set[str]:
    """Spellings the dictionary knows for a word written with leading kana, the kana
    replaced by one kanji (まちづくり → 町づくり・街づくり, both 町作り)."""
    lead = 0
    while lead < len(surface) and "\u3041" <= surface[lead] <= "\u3096":
        lead += 1
    out = set()
    table = kanji_by_reading() if lead else {}
    for n in range(1, min(lead, 4) + 1):
        for kanji in table.get(surface[:n], ()):
            candidate = kanji + surface[n:]
            if any(norm == normalized for norm, _ in lookup(candidate)):
                out.add(candidate)
    return out


@lru_cache(maxsize=8)
def analyser(readings: tuple[tuple[str, str], ...] = ()) -> Analyser:
    """A shared analyser for one set of ward readings."""
    return Analyser(dict(readings))
