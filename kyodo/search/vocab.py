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

import numpy as np

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
    """Distinct pieces of a record's normalised fields -> bit mask of the fields they occur in."""
    out: dict[str, int] = {}
    for i, text in enumerate(fields):
        bit = 1 << i
        for piece in dict.fromkeys(PIECE.findall(DIGITS.sub("0", text))):   # first-seen order: same in every process
            if piece:
                out[piece] = out.get(piece, 0) | bit
    return out


def analyse_piece(analyser: Analyser, piece: str) -> list[Word]:
    return list(analyser.vocabulary(piece))


def analyse_pieces(analyser: Analyser, batch: list[str]) -> list[list[Word]]:
    """Analyse each piece on its own (Sudachi reads a word by its neighbours, so
    pieces are never joined: the result is the same as :func:`analyse_piece`)."""
    return [list(analyser.vocabulary(p)) for p in batch]


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
    """Per-record vocabularies of a list of records (a list of normalised field lists).

    ``words`` is the table of distinct words; the arrays ``rec``, ``wid`` and
    ``mask`` list, for every distinct (record, word), the fields (bit mask) it
    occurs in.
    """

    def __init__(self, fields: list[list[str]], analyser: Analyser, cache: Cache | None = None):
        analyser.vocabulary("準備")            # load the dictionary once, before forking
        per_record = [pieces(f) for f in fields]
        piece_id: dict[str, int] = {}
        occ_rec, occ_piece, occ_mask = [], [], []
        for r, rec in enumerate(per_record):
            for p, mask in rec.items():
                pid = piece_id.get(p)
                if pid is None:
                    pid = piece_id[p] = len(piece_id)
                occ_rec.append(r)
                occ_piece.append(pid)
                occ_mask.append(mask)
        del per_record
        distinct = list(piece_id)
        known = (cache.get_json("pieces") if cache else None) or {}
        if not isinstance(known, dict):
            known = {}
        todo = [p for p in distinct if not isinstance(known.get(p), list)]
        batches = [todo[i:i + BATCH] for i in range(0, len(todo), BATCH)]
        done = parallel.pmap(lambda i: analyse_pieces(analyser, batches[i]), len(batches), min_items=8)
        analysed = {p: known[p] for p in distinct if isinstance(known.get(p), list)}
        for batch, result in zip(batches, done):
            analysed.update(zip(batch, result))
        if cache and todo:
            cache.put_json("pieces", analysed)
        self.words: list[Word] = []
        index: dict[tuple, int] = {}
        ptr = [0]
        flat: list[int] = []
        for p in distinct:
            for w in analysed[p]:
                w = tuple(w)
                wid = index.get(w)
                if wid is None:
                    wid = index[w] = len(self.words)
                    self.words.append(w)
                flat.append(wid)
            ptr.append(len(flat))
        ptr_a = np.array(ptr, dtype=np.int64)
        flat_a = np.array(flat, dtype=np.int64)
        occ_piece_a = np.array(occ_piece, dtype=np.int64)
        counts = ptr_a[occ_piece_a + 1] - ptr_a[occ_piece_a]
        rec = np.repeat(np.array(occ_rec, dtype=np.int64), counts)
        mask = np.repeat(np.array(occ_mask, dtype=np.int64), counts)
        starts = np.repeat(ptr_a[occ_piece_a], counts)
        within = np.arange(len(rec), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        wid = flat_a[starts + within] if len(rec) else np.zeros(0, np.int64)
        key = (rec << 32) | wid
        order = np.argsort(key, kind="stable")
        key, mask = key[order], mask[order]
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        at = np.flatnonzero(first)
        self.mask = np.bitwise_or.reduceat(mask, at) if len(at) else mask
        key = key[at]
        self.rec = key >> 32
        self.wid = key & 0xFFFFFFFF


BATCH = 200       # pieces per call of the analyser
