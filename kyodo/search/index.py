"""kyodo's static search index: exact substrings, then words by variant and reading.

The browser (assets/search.js) loads a small manifest and then, per query,
only the few shards it needs. Files, under ``search/``:

``index.json``
    The manifest: record count, shard counts, facets and years (for the
    filter bits), the chunk size of the display data, a version hash.
``gram/<n>.bin``
    Positional character-bigram postings, for exact substring search. Text
    is normalised (kyodo/search/ngram.py); every pair of neighbouring
    characters within a run (no white space between them) is posted with
    its record and position ``field << 24 | offset``. A query word
    ``c0 c1 … ck`` is in a record iff some position p has bigram ``ci ci+1``
    at ``p + i`` for every i: exact containment, no false hits, no misses.
    Each character is also posted once per record with the bit mask of the
    fields it occurs in (key ``c 0``), for one-character queries.
``lex/<n>.json``
    The lexicon: every lookup form of the catalogue's words (surface,
    normalised and dictionary forms, folded to hiragana; readings of words
    written with kanji) → ``[[key, kind], …]``; kind 0 is a spelling, 1 a
    reading. Function words (particles…) map to ``[]``: a query may skip
    them. Sharded by the first character, so a query loads the shards of the
    characters where its words start.
``word/<n>.json`` and ``word/<n>.bin``
    Per variant key (Sudachi's normalised form, e.g. 子供): its surfaces in
    the catalogue, and postings of the records containing it, each with
    ``surface << 3 | field`` of its first occurrence in field order.
``facets.bin``
    Per case record, a fixed number of bytes: a bit mask per facet over its terms,
    then the year's index. Filters and their counts work from this alone.
``meta/<n>.json``
    What a result shows (url, title, summary, organisations, then the
    record's ``display`` values), in chunks of :data:`META_CHUNK` records,
    loaded only for the results on screen.

Records are case pages first (``records`` in the manifest counts them: the
main list, which filters and counts apply to), then the groups of other
page families (``groups``: kind, first record, count; e.g. the 団体情報バンク's
organisation pages), only when there are any. One text index serves all:
a query loads the same shards whatever it finds.

Binary files are sequences of unsigned LEB128 varints. A postings file is:
``groups``, then per group ``a b runs total`` (the key ``a b``: two code
points, or a key's number in its JSON file and 0), then three streams: the
record numbers of all runs (delta-coded within a group), the number of
postings per run, and the postings (delta-coded within a run).

Case records are numbered in catalogue order (newest first), organisations
as the 団体情報バンク lists them (most cases first); that is also the order
of ties in ranking. Shard numbers come from :func:`gram_shard` and
:func:`str_shard` (mirrored in search.js).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np

from kyodo import parallel
from kyodo.search.ngram import SPACE_CHARS, normalize
from kyodo.search.records import Record
from kyodo.search.vocab import Text, Vocabularies, fold, key_of, lookup_forms
from kyodo.text.analysis import kanji_spellings

META_CHUNK = 8
TARGET_SHARD = 12_000        # bytes a shard aims at
FIELD_SHIFT = 24             # position = field << 24 | offset
MAX_OFFSET = (1 << FIELD_SHIFT) - 1


def str_shard(text: str, count: int) -> int:
    """FNV-1a over code points, mod ``count`` (search.js: strShard)."""
    h = 0x811C9DC5
    for ch in text:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h % count


def gram_shard(a: int, b: int, count: int) -> int:
    """Shard of the bigram (a, b) (search.js: gramShard); b = 0 for a character alone."""
    return (a * 65599 + b) % count


def shard_count(total_bytes: int) -> int:
    """A power of two near total/TARGET_SHARD, at most 4096."""
    n = max(1, total_bytes // TARGET_SHARD)
    return min(4096, 1 << max(0, math.ceil(math.log2(n))))


# ---- varints -------------------------------------------------------------------

def varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LEB128 bytes of ``values`` and the end offset of each value."""
    v = np.asarray(values)
    if not len(v):
        return np.zeros(0, dtype=np.uint8), np.zeros(0, dtype=np.int64)
    top = int(v.max())
    v = v.astype(np.uint32 if top < (1 << 32) else np.uint64, copy=False)
    size = np.ones(len(v), dtype=np.int64)
    width = 1
    while top >= (1 << (7 * width)):
        size += v >= (1 << (7 * width))
        width += 1
    ends = np.cumsum(size)
    starts = ends - size
    out = np.empty(int(ends[-1]), dtype=np.uint8)
    out[starts] = (v & 0x7F).astype(np.uint8) | ((size > 1).view(np.uint8) << 7)
    longer = np.flatnonzero(size > 1)      # the values that need byte k, narrowed as k grows
    for k in range(1, width):
        rest = size[longer]
        out[starts[longer] + k] = ((v[longer] >> (7 * k)) & 0x7F).astype(np.uint8) | ((rest > k + 1).view(np.uint8) << 7)
        longer = longer[rest > k + 1]
    return out, ends


def varint_bytes(values) -> bytes:
    return varints(np.asarray(values, dtype=np.uint64))[0].tobytes()


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _slices(ends: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Byte offsets in a varint stream at element boundaries ``bounds``."""
    return np.concatenate(([0], ends))[bounds]


def postings_files(shard: np.ndarray, a: np.ndarray, b: np.ndarray, rec: np.ndarray,
                   pos: np.ndarray, count: int, shards: range | None = None) -> dict[int, bytes]:
    """Postings grouped by (shard, a, b), in (record, pos) order, as one file per shard.

    The input arrays (one element per posting) must already be in record
    order and, within a record, in position order within each (a, b). A
    file depends only on the postings of its shard: ``shards`` (a range of
    shard numbers, default all ``count``) says which ones the arrays hold.
    """
    n = len(rec)
    if n == 0:
        return {}
    shards = shards if shards is not None else range(count)
    comp = (shard.astype(np.int64) << 42) | (a.astype(np.int64) << 21) | b.astype(np.int64)
    order = np.argsort(comp, kind="stable")
    comp = comp[order]
    rec = rec[order]
    pos = pos[order].astype(np.int64)
    del order
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = comp[1:] != comp[:-1]
    new_run = new_group.copy()
    new_run[1:] |= rec[1:] != rec[:-1]
    run_at = np.flatnonzero(new_run)
    run_rec = rec[run_at].astype(np.int64)
    del rec
    run_first = new_group[run_at]
    rec_delta = run_rec.copy()
    rec_delta[1:] -= run_rec[:-1]
    rec_delta[run_first] = run_rec[run_first]
    del run_rec
    run_len = np.diff(np.append(run_at, n))
    pos_delta = pos.copy()
    pos_delta[1:] -= pos[:-1]
    pos_delta[new_run] = pos[new_run]
    del pos, new_run
    group_at = np.flatnonzero(new_group)
    del new_group
    group_comp = comp[group_at]
    del comp
    group_runs = np.diff(np.append(np.flatnonzero(run_first), len(run_at)))
    group_total = np.diff(np.append(group_at, n))
    group_shard = group_comp >> 42
    heads = np.stack([(group_comp >> 21) & 0x1FFFFF, group_comp & 0x1FFFFF, group_runs, group_total], axis=1)
    head_bytes, head_ends = varints(heads.reshape(-1))
    rec_bytes, rec_ends = varints(rec_delta)
    len_bytes, len_ends = varints(run_len)
    pos_bytes, pos_ends = varints(pos_delta)
    del pos_delta, rec_delta
    # Element boundaries of each shard in each stream.
    bounds = np.arange(shards.start, shards.stop + 1)
    g_bounds = np.searchsorted(group_shard, bounds)
    r_bounds = np.concatenate(([0], np.cumsum(group_runs)))[g_bounds]
    p_bounds = np.concatenate(([0], np.cumsum(group_total)))[g_bounds]
    h_off = _slices(head_ends, g_bounds * 4)
    r_off = _slices(rec_ends, r_bounds)
    l_off = _slices(len_ends, r_bounds)
    p_off = _slices(pos_ends, p_bounds)
    files = {}
    for i, s in enumerate(shards):
        groups = int(g_bounds[i + 1] - g_bounds[i])
        if not groups:
            continue
        files[s] = b"".join((_varint(groups), head_bytes[h_off[i]:h_off[i + 1]].tobytes(),
                             rec_bytes[r_off[i]:r_off[i + 1]].tobytes(),
                             len_bytes[l_off[i]:l_off[i + 1]].tobytes(),
                             pos_bytes[p_off[i]:p_off[i + 1]].tobytes()))
    return files


# ---- postings in bounded chunks -------------------------------------------------------

CHUNK = 1_000_000    # postings one piece of work holds at most (bounds memory); any value gives the same files


def _ranges(per_shard: np.ndarray, limit: int) -> list[range]:
    """Consecutive shard ranges of at most ``limit`` postings each (or one shard, if larger)."""
    out: list[range] = []
    start, held = 0, 0
    for s, n in enumerate(per_shard.tolist()):
        if held and held + n > limit:
            out.append(range(start, s))
            start, held = s, 0
        held += n
    if start < len(per_shard):
        out.append(range(start, len(per_shard)))
    return out


def chunked_postings(count: int, per_shard: np.ndarray, select, limit: int) -> dict[int, bytes]:
    """:func:`postings_files` of all ``count`` shards, built range by range of shards
    (in parallel): ``select(shards)`` gives the arrays of the postings in ``shards``
    (a range), ``per_shard`` how many postings each shard has."""
    ranges = _ranges(per_shard, limit)
    parts = parallel.pmap(lambda i: postings_files(*select(ranges[i]), count, ranges[i]), len(ranges),
                          min_items=2)
    files: dict[int, bytes] = {}
    for part in parts:
        files.update(part)
    return files


# ---- exact: character bigrams ------------------------------------------------------

_SPACE = np.zeros(max(map(ord, SPACE_CHARS)) + 2, dtype=bool)   # code point -> white space (or NUL)
_SPACE[[0, *map(ord, SPACE_CHARS)]] = True                       # (the last entry, False, for all above)


class Grams:
    """The bigram and character postings of a :class:`~kyodo.search.vocab.Text`.

    The text is held once as code points. Per block of records,
    the positions of its bigrams are ordered by shard; the postings of a range
    of shards are then made from those positions on demand (:meth:`select`),
    so that no array of all the postings ever exists. Characters: one posting
    per (character, record), the bit mask of the fields it occurs in, as ``(c, 0)``.
    """

    def __init__(self, text: Text, limit: int):
        self.nfields = text.nfields
        lengths = text.lengths
        self.starts = np.cumsum(lengths) - lengths        # where each field of each record starts
        self.seg = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)   # each character's field
        self.cps = text.cps
        # Blocks of whole records (a bigram never spans two: a field ends with NUL).
        per_record = np.add.reduceat(lengths, np.arange(0, len(lengths), self.nfields)) if len(lengths) else lengths
        ends = np.cumsum(per_record)
        self.blocks = [(int(ends[r0 - 1]) if r0 else 0, int(ends[r1 - 1])) for r0, r1 in _blocks(per_record, limit)]
        # In this process: the workers would send back arrays about as large as the
        # text (the positions of all its bigrams), which costs more than the work
        # (10,000 cases: 0.8-1.1 s here, 1.2-1.5 s in the workers, measured in turn).
        parts = [self._characters(lo, hi) for lo, hi in self.blocks]
        self.ucp = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.uint32)
        self.urec = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int32)
        self.umask = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.uint8)
        self.ublocks = np.concatenate(([0], np.cumsum([len(p[0]) for p in parts]))).astype(np.int64)
        pairs = sum(p[3] for p in parts)
        del parts
        self.count = shard_count((pairs + len(self.ucp)) * 2)
        parts = [self._by_shard(i) for i in range(len(self.blocks))]
        self.order = [p[0] for p in parts]         # per block: bigram positions, by shard
        self.bounds = [p[1] for p in parts]        # per block: where each shard starts in order
        self.uorder = [p[2] for p in parts]        # per block: character postings, by shard
        self.ubounds = [p[3] for p in parts]
        self.per_shard = sum(np.diff(b) for b in self.bounds) + sum(np.diff(b) for b in self.ubounds)

    def _space(self, lo: int, hi: int) -> np.ndarray:
        return _SPACE.take(self.cps[lo:hi], mode="clip")

    def _characters(self, lo: int, hi: int):
        """(character, record, field mask) of the characters at lo … hi-1, by character
        then record; and the number of bigrams there."""
        nf = self.nfields
        space = self._space(lo, hi)
        pairs = int(np.count_nonzero(~space[:-1] & ~space[1:]))
        keep = np.flatnonzero(~space) + lo
        del space
        seg = self.seg[keep].astype(np.int64)
        u = (self.cps[keep].astype(np.int64) << 30) | ((seg // nf) << 3) | (seg % nf)
        del keep, seg
        u.sort()
        distinct = np.ones(len(u), dtype=bool)
        distinct[1:] = u[1:] != u[:-1]
        u = u[distinct]
        pair = u >> 3
        first = np.ones(len(u), dtype=bool)
        first[1:] = pair[1:] != pair[:-1]
        at = np.flatnonzero(first)
        mask = np.bitwise_or.reduceat(np.left_shift(1, (u & 7)), at) if len(u) else np.zeros(0, np.int64)
        pair = pair[at]
        return ((pair >> 27).astype(np.uint32), (pair & ((1 << 27) - 1)).astype(np.int32),
                mask.astype(np.uint8), pairs)

    def _by_shard(self, i: int):
        """Block i's bigram positions (in text order within a shard) and character
        postings (in record order within a shard), ordered by shard."""
        lo, hi = self.blocks[i]
        space = self._space(lo, hi)
        ok = ~space[:-1] & ~space[1:]
        del space
        a, b = self.cps[lo:hi - 1], self.cps[lo + 1:hi]
        # count is a power of two: (a * 65599 + b) % count in 32-bit arithmetic.
        shard = ((a * np.uint32(65599) + b) & np.uint32(self.count - 1)).astype(np.uint16)
        at = np.flatnonzero(ok)
        shard = shard[at]
        order = at[np.argsort(shard, kind="stable")] + lo
        bounds = np.concatenate(([0], np.cumsum(np.bincount(shard, minlength=self.count))))
        u0, u1 = self.ublocks[i], self.ublocks[i + 1]
        ushard = ((self.ucp[u0:u1] * np.uint32(65599)) & np.uint32(self.count - 1)).astype(np.uint16)
        uorder = np.argsort(ushard, kind="stable") + u0
        ubounds = np.concatenate(([0], np.cumsum(np.bincount(ushard, minlength=self.count))))
        return order, bounds, uorder, ubounds

    def select(self, shards: range):
        """(shard, a, b, record, position) of the postings in ``shards``: bigrams in
        text order, then characters in record order, within each shard."""
        s0, s1 = shards.start, shards.stop
        at = np.concatenate([o[b[s0]:b[s1]] for o, b in zip(self.order, self.bounds)])
        seg = self.seg[at]
        pos = ((seg % self.nfields).astype(np.int64) << FIELD_SHIFT) | np.minimum(at - self.starts[seg], MAX_OFFSET)
        rec = seg // self.nfields
        del seg
        u = np.concatenate([o[b[s0]:b[s1]] for o, b in zip(self.uorder, self.ubounds)])
        a, b = self.cps[at], self.cps[at + 1]
        ua = self.ucp[u]
        return (np.concatenate(((a * np.uint32(65599) + b) & np.uint32(self.count - 1),
                                (ua * np.uint32(65599)) & np.uint32(self.count - 1))),
                np.concatenate((a, ua)),
                np.concatenate((b, np.zeros(len(u), np.uint32))),
                np.concatenate((rec, self.urec[u])),
                np.concatenate((pos, self.umask[u])))


def _blocks(sizes: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """Consecutive (start, end) blocks of items whose sizes add up to at most ``limit`` (or one item)."""
    out = []
    ends = np.cumsum(sizes)
    start, base = 0, 0
    while start < len(sizes):
        end = max(start + 1, int(np.searchsorted(ends, base + limit, side="right")))
        out.append((start, end))
        base = int(ends[end - 1])
        start = end
    return out


# ---- the whole index ------------------------------------------------------------------

@dataclass
class Built:
    """The text part of an index (independent of facets, years and display)."""
    files: dict[str, bytes]
    shards: dict[str, int]
    version: str


def text_index(text: Text, vocab: Vocabularies, version: str, chunk: int | None = None) -> Built:
    """The text part of the index of ``text`` (vocab.read_text) and its ``vocab``.

    Postings are made ``chunk`` (default :data:`CHUNK`) at a time, by ranges of
    shards: the files are the same whatever the chunk size.
    """
    limit = chunk or CHUNK
    files: dict[str, bytes] = {}
    grams = Grams(text, limit)
    for s, data in chunked_postings(grams.count, grams.per_shard, grams.select, limit).items():
        files[f"gram/{s}.bin"] = data
    gram_count = grams.count
    del grams

    # Variant keys, their surfaces, and the lexicon.
    words = vocab.words
    keys = [key_of(w) for w in words]
    key_ids: dict[str, int] = {}
    surfaces: list[dict[str, int]] = []
    word_key = np.full(len(words), -1, dtype=np.int64)
    word_surf = np.zeros(len(words), dtype=np.int64)
    lexicon: dict[str, dict[str, int]] = {}
    for i, (w, k) in enumerate(zip(words, keys)):
        if k is None:
            form = fold(w[0])
            if form and all(ch not in SPACE_CHARS for ch in form):
                lexicon.setdefault(form, {})
            continue
        kid = key_ids.get(k)
        if kid is None:
            kid = key_ids[k] = len(surfaces)
            surfaces.append({})
        surf = normalize(w[0])
        word_key[i] = kid
        word_surf[i] = surfaces[kid].setdefault(surf, len(surfaces[kid]))
        for form, kind in lookup_forms(w):
            entry = lexicon.setdefault(form, {})
            entry[k] = min(entry.get(k, kind), kind)
        # Spellings the catalogue does not use but the dictionary knows (街づくり for まちづくり).
        for spelling in kanji_spellings(w[0], w[1]):
            lexicon.setdefault(fold(spelling), {}).setdefault(k, 0)
    key_list = list(key_ids)
    lex_count = shard_count(sum(len(f) * 3 + 12 * len(e) + 8 for f, e in lexicon.items()))
    lex_shards: dict[int, dict] = {}
    for form in sorted(lexicon):
        entry = lexicon[form]
        lex_shards.setdefault(str_shard(form[0], lex_count), {})[form] = sorted(([k, v] for k, v in entry.items()))
    for s, data in lex_shards.items():
        files[f"lex/{s}.json"] = _json(data)

    # Word postings: per record, the keys of its words.
    recs, wids, masks = vocab.rec, vocab.wid, vocab.mask
    kid = word_key[wids] if len(wids) else np.zeros(0, np.int64)
    keep = kid >= 0
    recs, wids, masks, kid = recs[keep], wids[keep], masks[keep], kid[keep]
    # Best field: the lowest set bit of the mask.
    field = np.log2(masks & -masks).astype(np.int64) if len(masks) else masks
    value = (word_surf[wids] << 3) | field
    # One posting per (record, key): the best field, then the first surface.
    order = np.lexsort((value, kid, recs))
    recs, kid, value = recs[order], kid[order], value[order]
    first = np.ones(len(recs), dtype=bool)
    first[1:] = (recs[1:] != recs[:-1]) | (kid[1:] != kid[:-1])
    recs, kid, value = recs[first], kid[first], value[first]
    total = int(sum(len(k) * 3 + sum(len(s) * 3 + 3 for s in surf) for k, surf in zip(key_list, surfaces))
                + len(recs) * 3)
    word_count = shard_count(total)
    key_shard = np.array([str_shard(k, word_count) for k in key_list], dtype=np.int64)
    local = np.zeros(len(key_list), dtype=np.int64)
    word_json: dict[int, list] = {}
    for i, k in enumerate(key_list):
        s = int(key_shard[i])
        bucket = word_json.setdefault(s, [])
        local[i] = len(bucket)
        bucket.append([k, list(surfaces[i])])
    shard_of = key_shard[kid]
    local_of = local[kid]
    del kid

    def select(shards: range):
        m = (shard_of >= shards.start) & (shard_of < shards.stop)
        return shard_of[m], local_of[m], np.zeros(int(m.sum()), np.int64), recs[m], value[m]

    per_shard = np.bincount(shard_of, minlength=word_count)
    for s, data in chunked_postings(word_count, per_shard, select, limit).items():
        files[f"word/{s}.bin"] = data
    for s, data in word_json.items():
        files[f"word/{s}.json"] = _json(data)
    return Built(files, {"gram": gram_count, "lex": lex_count, "word": word_count}, version)


def facet_layout(records: list[Record], facets: list[tuple[str, list[str]]], years: list[int]):
    """Bytes per record for each facet's bit mask, and for the year index."""
    layout = []
    at = 0
    for key, slugs in facets:
        size = max(1, (len(slugs) + 7) // 8)
        layout.append({"key": key, "terms": slugs, "at": at, "size": size})
        at += size
    return layout, at + 1


def facets_file(records: list[Record], layout: list[dict], width: int, years: list[int]) -> bytes:
    out = bytearray(width * len(records))
    year_index = {y: i for i, y in enumerate(years)}
    indexes = [{s: i for i, s in enumerate(f["terms"])} for f in layout]
    for r, record in enumerate(records):
        base = r * width
        for f, index in zip(layout, indexes):
            for slug in record.terms.get(f["key"], ()):
                i = index.get(slug)
                if i is not None:
                    out[base + f["at"] + i // 8] |= 1 << (i % 8)
        out[base + width - 1] = year_index.get(record.year, 255) if len(years) < 255 else 255
    return bytes(out)


def meta_files(records: list[Record]) -> dict[str, bytes]:
    files = {}
    for start in range(0, len(records), META_CHUNK):
        chunk = [[r.url, r.title, r.summary, list(r.organizations), *r.display]
                 for r in records[start:start + META_CHUNK]]
        files[f"meta/{start // META_CHUNK}.json"] = _json(chunk)
    return files


def groups(records: list[Record]) -> tuple[int, list[dict]]:
    """The number of case records (first) and the groups of other kinds after them."""
    cases = sum(1 for r in records if r.kind == "case")
    if any(r.kind == "case" for r in records[cases:]):
        raise ValueError("case records must come first")
    out: list[dict] = []
    for r, record in enumerate(records[cases:], cases):
        if out and out[-1]["kind"] == record.kind:
            out[-1]["count"] += 1
        else:
            out.append({"kind": record.kind, "start": r, "count": 1})
    return cases, out


def manifest(records: list[Record], built: Built, layout: list[dict], width: int, years: list[int]) -> bytes:
    cases, others = groups(records)
    extra = {"groups": others} if others else {}
    return _json({
        "version": built.version,
        "records": cases,
        "shards": built.shards,
        "meta": META_CHUNK,
        "fieldShift": FIELD_SHIFT,
        "width": width,
        "facets": layout,
        "years": years,
        **extra,
    })


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
