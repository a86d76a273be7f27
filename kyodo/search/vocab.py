"""The words of each record, for variant- and reading-aware search.

Text is cut into *pieces* at punctuation, digits and white space, and each
distinct piece of the whole catalogue is analysed once with the shared
analyser (kyodo/text/analysis.py, SudachiPy): catalogue texts repeat phrases
across cases, so a catalogue of 10,000 cases has far fewer distinct pieces
than sentences. A piece's words are kept with their surface, normalised form
(the variant key: 子ども・子供・こども → 子供), dictionary form, reading and part
of speech. The analyses of pieces persist in the build cache (one JSON entry),
so a rebuild analyses only new text.

A record's vocabulary is then the distinct words of its pieces, each with a
bit mask of the fields (records.FIELDS) it occurs in.
"""

from __future__ import annotations

import re
import unicodedata

from kyodo import parallel
from kyodo.cache import Cache
from kyodo.search.ngram import normalize
from kyodo.text.analysis import Analyser, has_kanji, to_hiragana

# Parts of speech that are never a search key (they still help cut a query).
FUNCTION_POS = frozenset({"助詞", "助動詞", "補助記号", "空白", "記号"})
# A piece runs to a sentence end or comma, which it keeps (務め、 is the verb
# 務める; 務め alone reads as a noun), or to white space. Digits are all read as
# 0, so "延べ655人、" and "延べ31人、" are one piece (words with digits are not
# search keys: exact search has them).
PIECE = re.compile(r"[^\s、。，！？!?]*[、。，！？!?]*")
DIGITS = re.compile(r"[0-9]+")

# A word: (surface, normalized, lemma, reading, pos).
Word = tuple[str, str, str, str, str]


def fold(text: str) -> str:
    """The lookup form of a word or query: NFKC, lower case, katakana → hiragana."""
    return to_hiragana(normalize(text))


def pieces(fields: list[str]) -> dict[str, int]:
    """Distinct pieces of a record's fields -> bit mask of the fields they occur in."""
    out: dict[str, int] = {}
    for i, text in enumerate(fields):
        bit = 1 << i
        for m in PIECE.finditer(DIGITS.sub("0", unicodedata.normalize("NFKC", text))):
            piece = m.group()
            if piece:
                out[piece] = out.get(piece, 0) | bit
    return out


def analyse_piece(analyser: Analyser, piece: str) -> list[Word]:
    return list(analyser.vocabulary(piece))


def analyse_pieces(analyser: Analyser, batch: list[str]) -> list[list[Word]]:
    """Analyse pieces in one call of the analyser (one line each)."""
    joined = "\n".join(batch)
    starts = []
    at = 0
    for p in batch:
        starts.append(at)
        at += len(p) + 1
    out: list[dict] = [{} for _ in batch]
    import bisect
    for w in analyser.analyse(joined):
        i = bisect.bisect_right(starts, w[5]) - 1
        out[i][(w[0], w[2], w[3], w[1], w[4])] = None
    return [list(d) for d in out]


def key_of(word: Word) -> str | None:
    """The variant key a word is indexed under, or None for function words."""
    surface, normalized, _lemma, _reading, pos = word
    if pos in FUNCTION_POS or not surface.strip() or DIGITS.search(surface):
        return None
    return normalize(normalized)


def lookup_forms(word: Word) -> list[tuple[str, int]]:
    """(folded form, kind) pairs a query can use to reach the word's key.

    kind 0: a spelling (surface, normalised or dictionary form);
    kind 1: the reading of a word written with kanji (ぼうさい → 防災).
    """
    surface, normalized, lemma, reading, _pos = word
    forms = {fold(surface): 0}
    forms.setdefault(fold(normalized), 0)
    forms.setdefault(fold(lemma), 0)
    if reading and len(reading) >= 2 and has_kanji(surface):
        forms.setdefault(reading, 1)
    return [(f, k) for f, k in forms.items() if f]


class Vocabularies:
    """Per-record vocabularies of a list of records (a list of field lists).

    ``words`` is the table of distinct words; ``records[i]`` lists
    (word index, field mask) for record i.
    """

    def __init__(self, fields: list[list[str]], analyser: Analyser, cache: Cache | None = None):
        per_record = parallel.pmap(lambda i: pieces(fields[i]), len(fields))
        distinct = sorted({p for rec in per_record for p in rec})
        known: dict = (cache.get_json("pieces") if cache else None) or {}
        if not isinstance(known, dict):
            known = {}
        todo = [p for p in distinct if not isinstance(known.get(p), list)]
        done = parallel.pmap(lambda i: analyse_piece(analyser, todo[i]), len(todo))
        todo_set = set(todo)
        analysed = {p: [tuple(w) for w in known[p]] for p in distinct if p not in todo_set}
        analysed.update(zip(todo, done))
        if cache and todo:
            cache.put_json("pieces", analysed)
        self.words: list[Word] = []
        index: dict[Word, int] = {}
        piece_ids: dict[str, list[int]] = {}
        for p in distinct:
            ids = []
            for w in analysed[p]:
                wid = index.get(w)
                if wid is None:
                    wid = index[w] = len(self.words)
                    self.words.append(w)
                ids.append(wid)
            piece_ids[p] = ids
        self.records: list[list[tuple[int, int]]] = []
        for rec in per_record:
            masks: dict[int, int] = {}
            for p, mask in rec.items():
                for wid in piece_ids[p]:
                    masks[wid] = masks.get(wid, 0) | mask
            self.records.append(list(masks.items()))
