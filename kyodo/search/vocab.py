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
from dataclasses import dataclass

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


BATCH = 200       # pieces per call of the analyser
BLOCK = 500       # records per piece of parallel work
CHUNK = 1_000_000   # word occurrences a piece of work holds at once


@dataclass
class Text:
    """The searched text of a list of records (lists of fields), normalised (ngram.normalize).

    ``cps``: every field of every record in turn, each followed by NUL, as code
    points; ``lengths``: the length of each field plus one. ``blocks``: the
    pieces of each block of records (:func:`_block_pieces`), for
    :class:`Vocabularies`, which takes them.
    """
    nfields: int
    lengths: np.ndarray
    cps: np.ndarray
    blocks: list | None


def read_text(records: list[list[str]]) -> Text:
    """:class:`Text` of ``records``, blocks of records in parallel (one pass over the text)."""
    starts = range(0, len(records), BLOCK)
    parts = parallel.pmap(lambda i: _read_block(records[starts[i]:starts[i] + BLOCK]), len(starts), min_items=2)
    nfields = len(records[0]) if records else 0
    lengths = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
    cps = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.uint32)
    return Text(nfields, lengths, cps, [p[2] for p in parts])


def _read_block(block: list[list[str]]):
    fields = [[normalize(t) for t in rec_fields] for rec_fields in block]
    lengths = np.fromiter((len(t) + 1 for rec_fields in fields for t in rec_fields), dtype=np.int64)
    cps = np.frombuffer("".join(t + "\0" for rec_fields in fields for t in rec_fields).encode("utf-32-le"),
                        dtype=np.uint32)
    return lengths, cps, _block_pieces(fields)


class Vocabularies:
    """Per-record vocabularies of the records of a :class:`Text`.

    ``words`` is the table of distinct words; the arrays ``rec``, ``wid`` and
    ``mask`` list, for every distinct (record, word), the fields (bit mask) it
    occurs in, in (record, word) order. They are made ``chunk`` words of
    records at a time (any chunk size gives the same arrays).
    """

    def __init__(self, text: Text, analyser: Analyser, cache: Cache | None = None, chunk: int = CHUNK):
        analyser.vocabulary("準備")            # load the dictionary once, before forking
        # Pieces are numbered in the order they first occur in the catalogue.
        piece_id: dict[str, int] = {}
        occ_piece, occ_mask, occ_count = [], [], []
        for distinct, piece, mask, count in text.blocks:
            ids = np.fromiter((piece_id.setdefault(p, len(piece_id)) for p in distinct), dtype=np.int64,
                              count=len(distinct))
            occ_piece.append(ids[piece] if len(piece) else piece.astype(np.int64))
            occ_mask.append(mask)
            occ_count.append(count)
        text.blocks = None
        distinct = list(piece_id)
        del piece_id
        known = load_analyses(cache)
        todo = [p for p in distinct if p not in known]
        batches = [todo[i:i + BATCH] for i in range(0, len(todo), BATCH)]
        done = parallel.pmap(lambda i: analyse_pieces(analyser, batches[i]), len(batches), min_items=8)
        analysed = {p: known[p] for p in distinct if p in known}
        del known
        for batch, result in zip(batches, done):
            analysed.update(zip(batch, result))
        del batches, done
        if cache and todo:
            save_analyses(cache, analysed)
        # Each piece's words, as word numbers (ptr: where a piece's words start in flat).
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
        del analysed, index, distinct
        self.rec, self.wid, self.mask = record_words(
            np.array(ptr, dtype=np.int64), np.array(flat, dtype=np.int64),
            np.concatenate(occ_piece) if occ_piece else np.zeros(0, np.int64),
            np.concatenate(occ_mask) if occ_mask else np.zeros(0, np.int64),
            np.concatenate(occ_count) if occ_count else np.zeros(0, np.int64), chunk)


# The analyses of pieces in the build cache: a table of the distinct words and,
# per piece, the numbers of its words (most words occur in many pieces).
ANALYSES = "pieces-2"


def save_analyses(cache: Cache, analysed: dict[str, list]) -> None:
    table: dict[tuple, int] = {}
    pieces = {p: [table.setdefault(tuple(w), len(table)) for w in words] for p, words in analysed.items()}
    cache.put_json(ANALYSES, {"words": list(table), "pieces": pieces})


def load_analyses(cache: Cache | None) -> dict[str, list[Word]]:
    """piece -> its words, as :func:`save_analyses` kept them; {} for a cache of another shape."""
    data = cache.get_json(ANALYSES) if cache else None
    try:
        words = [tuple(w) for w in data["words"]]
        if not all(len(w) == 5 and all(type(x) is str for x in w) for w in words):
            return {}
        top = len(words)
        known = {}
        for piece, ids in data["pieces"].items():
            if type(piece) is not str or type(ids) is not list or (ids and (min(ids) < 0 or max(ids) >= top)):
                return {}
            known[piece] = [words[i] for i in ids]   # a number of another type raises TypeError
        return known
    except (TypeError, KeyError, AttributeError):
        return {}


def _block_pieces(block: list[list[str]]):
    """The pieces of a block of records: its distinct pieces (first-seen order), and for
    each record's pieces in order, the piece's number in that list and its field mask;
    the number of pieces of each record."""
    ids: dict[str, int] = {}
    piece, mask, count = [], [], []
    for rec_fields in block:
        found = pieces(rec_fields)
        count.append(len(found))
        for p, m in found.items():
            piece.append(ids.setdefault(p, len(ids)))
            mask.append(m)
    return (list(ids), np.array(piece, dtype=np.int32), np.array(mask, dtype=np.int64),
            np.array(count, dtype=np.int64))


def record_words(ptr: np.ndarray, flat: np.ndarray, occ_piece: np.ndarray, occ_mask: np.ndarray,
                 occ_count: np.ndarray, chunk: int):
    """The distinct (record, word) of the records' pieces, with the OR of their field masks.

    ``occ_piece``/``occ_mask``: the pieces of every record in turn (``occ_count``
    per record) and their field masks; piece p's words are ``flat[ptr[p]:ptr[p + 1]]``.
    Made by blocks of records of at most ``chunk`` word occurrences.
    """
    counts = ptr[occ_piece + 1] - ptr[occ_piece]
    occ_start = np.concatenate(([0], np.cumsum(occ_count)))      # each record's first piece
    words_at = np.concatenate(([0], np.cumsum(counts)))[occ_start]  # each record's first word occurrence
    bits = max(1, int(occ_mask.max()).bit_length()) if len(occ_mask) else 1
    blocks = []
    r, n = 0, len(occ_count)
    while r < n:
        end = min(n, max(r + 1, int(np.searchsorted(words_at, words_at[r] + chunk, side="right")) - 1))
        blocks.append((r, end))
        r = end

    def block(r: int, end: int):
        lo, hi = occ_start[r], occ_start[end]
        c = counts[lo:hi]
        total = int(c.sum())
        rec = np.repeat(np.repeat(np.arange(r, end, dtype=np.int64), occ_count[r:end]), c)
        first = np.cumsum(c) - c
        wid = flat[np.repeat(ptr[occ_piece[lo:hi]] - first, c) + np.arange(total, dtype=np.int64)]
        key = (((rec << 32) | wid) << bits) | np.repeat(occ_mask[lo:hi], c)
        del rec, wid
        key.sort()
        pair = key >> bits
        starts = np.ones(len(key), dtype=bool)
        starts[1:] = pair[1:] != pair[:-1]
        at = np.flatnonzero(starts)
        mask = np.bitwise_or.reduceat(key & ((1 << bits) - 1), at) if len(at) else key
        pair = pair[at]
        return pair >> 32, pair & 0xFFFFFFFF, mask

    parts = parallel.pmap(lambda i: block(*blocks[i]), len(blocks), min_items=2)
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    out_rec, out_wid, out_mask = zip(*parts)
    return np.concatenate(out_rec), np.concatenate(out_wid), np.concatenate(out_mask)

