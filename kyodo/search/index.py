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

from kyodo.search.ngram import SPACE_CHARS, normalize
from kyodo.search.records import Record
from kyodo.search.vocab import Vocabularies, fold, key_of, lookup_forms
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
    v = np.asarray(values, dtype=np.uint64)
    size = np.ones(len(v), dtype=np.int64)
    for k in (7, 14, 21, 28, 35):
        size += v >= (1 << k)
    ends = np.cumsum(size)
    out = np.zeros(int(ends[-1]) if len(v) else 0, dtype=np.uint8)
    starts = ends - size
    for k in range(6):
        m = size > k
        if not m.any():
            break
        byte = (v[m] >> np.uint64(7 * k)) & np.uint64(0x7F)
        byte |= np.where(size[m] > k + 1, np.uint64(0x80), np.uint64(0))
        out[starts[m] + k] = byte.astype(np.uint8)
    return out, ends


def varint_bytes(values) -> bytes:
    return varints(np.asarray(values, dtype=np.uint64))[0].tobytes()


def _slices(ends: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Byte offsets in a varint stream at element boundaries ``bounds``."""
    return np.concatenate(([0], ends))[bounds]


def postings_files(shard: np.ndarray, a: np.ndarray, b: np.ndarray, rec: np.ndarray,
                   pos: np.ndarray, count: int) -> dict[int, bytes]:
    """Postings grouped by (shard, a, b), in (record, pos) order, as one file per shard.

    The input arrays (one element per posting) must already be in record
    order and, within a record, in position order.
    """
    n = len(rec)
    if n == 0:
        return {}
    comp = (shard.astype(np.int64) << 42) | (a.astype(np.int64) << 21) | b.astype(np.int64)
    order = np.argsort(comp, kind="stable")
    comp = comp[order]
    rec = rec[order]
    pos = pos[order]
    del order
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = comp[1:] != comp[:-1]
    new_run = new_group.copy()
    new_run[1:] |= rec[1:] != rec[:-1]
    run_at = np.flatnonzero(new_run)
    run_rec = rec[run_at].astype(np.int64)
    run_first = new_group[run_at]
    rec_delta = run_rec - np.concatenate(([0], run_rec[:-1]))
    rec_delta[run_first] = run_rec[run_first]
    run_len = np.diff(np.append(run_at, n))
    pos_delta = pos.astype(np.int64)
    pos_delta[1:] -= pos[:-1]
    pos_delta[new_run] = pos[new_run]
    group_at = np.flatnonzero(new_group)
    group_comp = comp[group_at]
    group_runs = np.diff(np.append(np.flatnonzero(run_first), len(run_at)))
    group_total = np.diff(np.append(group_at, n))
    group_shard = group_comp >> 42
    heads = np.stack([(group_comp >> 21) & 0x1FFFFF, group_comp & 0x1FFFFF, group_runs, group_total], axis=1)
    head_bytes, head_ends = varints(heads.reshape(-1))
    rec_bytes, rec_ends = varints(rec_delta)
    len_bytes, len_ends = varints(run_len)
    pos_bytes, pos_ends = varints(pos_delta)
    del comp, rec, pos, pos_delta
    # Element boundaries of each shard in each stream.
    shards = np.arange(count + 1)
    g_bounds = np.searchsorted(group_shard, shards)
    run_shard = np.repeat(group_shard, group_runs)
    r_bounds = np.searchsorted(run_shard, shards)
    post_shard = np.repeat(group_shard, group_total)
    p_bounds = np.searchsorted(post_shard, shards)
    h_off = _slices(head_ends, g_bounds * 4)
    r_off = _slices(rec_ends, r_bounds)
    l_off = _slices(len_ends, r_bounds)
    p_off = _slices(pos_ends, p_bounds)
    files = {}
    for s in range(count):
        groups = int(g_bounds[s + 1] - g_bounds[s])
        if not groups:
            continue
        files[s] = b"".join((varint_bytes([groups]), head_bytes[h_off[s]:h_off[s + 1]].tobytes(),
                             rec_bytes[r_off[s]:r_off[s + 1]].tobytes(),
                             len_bytes[l_off[s]:l_off[s + 1]].tobytes(),
                             pos_bytes[p_off[s]:p_off[s + 1]].tobytes()))
    return files


# ---- exact: character bigrams ------------------------------------------------------

_SPACE_CODES = np.array(sorted(ord(c) for c in SPACE_CHARS), dtype=np.uint32)


def gram_postings(fields: list[list[str]]):
    """(a, b, record, position) arrays of all bigrams and (character, 0, record, field mask).

    ``fields`` are already normalised (ngram.normalize_fields).
    """
    nfields = len(fields[0]) if fields else 0
    texts = "\0".join(t for rec_fields in fields for t in rec_fields)
    lengths = np.fromiter((len(t) + 1 for rec_fields in fields for t in rec_fields), dtype=np.int64,
                          count=len(fields) * nfields)
    cps = np.frombuffer((texts + "\0").encode("utf-32-le"), dtype=np.uint32)
    del texts
    nseg = len(lengths)
    seg = np.repeat(np.arange(nseg, dtype=np.int32), lengths)
    starts = (np.cumsum(lengths) - lengths).astype(np.int64)
    offset = (np.arange(len(cps), dtype=np.int64) - starts[seg]).astype(np.int32)
    del starts
    rec = (seg // max(1, nfields)).astype(np.int32)
    field = (seg % max(1, nfields)).astype(np.int32)
    del seg
    space = np.isin(cps, _SPACE_CODES) | (cps == 0)
    ok = ~space[:-1] & ~space[1:]
    idx = np.flatnonzero(ok)
    del ok
    pos = (field << FIELD_SHIFT) | np.minimum(offset, MAX_OFFSET)
    del offset
    bi = (cps[idx], cps[idx + 1], rec[idx], pos[idx])
    del idx, pos
    # One posting per (character, record): the bit mask of the fields it occurs in.
    keep = np.flatnonzero(~space)
    u = (cps[keep].astype(np.int64) << 30) | (rec[keep].astype(np.int64) << 3) | field[keep]
    del keep, cps, rec, field, space
    u.sort()
    distinct = np.ones(len(u), dtype=bool)
    distinct[1:] = u[1:] != u[:-1]
    u = u[distinct]
    pair = u >> 3
    first = np.ones(len(u), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    starts_u = np.flatnonzero(first)
    mask = np.add.reduceat(np.left_shift(1, (u & 7).astype(np.int32)), starts_u) if len(u) else np.zeros(0, np.int32)
    pair = pair[starts_u]
    del u, first, starts_u
    uni_cp = (pair >> 27).astype(np.uint32)
    uni_rec = (pair & ((1 << 27) - 1)).astype(np.int32)
    # Postings must be in record order: sort the characters' postings by record.
    o = np.argsort(uni_rec, kind="stable")
    uni = (uni_cp[o], np.zeros(len(o), np.uint32), uni_rec[o], mask[o].astype(np.int32))
    return bi, uni


# ---- the whole index ------------------------------------------------------------------

@dataclass
class Built:
    """The text part of an index (independent of facets, years and display)."""
    files: dict[str, bytes]
    shards: dict[str, int]
    version: str


def text_index(fields: list[list[str]], vocab: Vocabularies, version: str) -> Built:
    """The text part of the index from normalised ``fields`` (ngram.normalize_fields)."""
    files: dict[str, bytes] = {}
    (a, b, rec, pos), (ua, ub, urec, umask) = gram_postings(fields)
    a = np.concatenate((a, ua))
    b = np.concatenate((b, ub))
    rec2 = np.concatenate((rec, urec))
    pos2 = np.concatenate((pos, umask.astype(np.int64)))
    # Keep record order over the two kinds: the stable sort in postings_files keeps
    # each group's own order, and both parts are in record order on their own.
    grams = shard_count(int(len(a) * 2))
    shard = (a.astype(np.int64) * 65599 + b.astype(np.int64)) % grams
    for s, data in postings_files(shard, a, b, rec2, pos2, grams).items():
        files[f"gram/{s}.bin"] = data
    del a, b, rec2, pos2, shard

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
    o = np.argsort(kid, kind="stable")            # postings of a key together, in record order
    recs, kid, value = recs[o], kid[o], value[o]
    for s, data in postings_files(key_shard[kid], local[kid], np.zeros(len(kid), np.int64), recs, value,
                                  word_count).items():
        files[f"word/{s}.bin"] = data
    for s, data in word_json.items():
        files[f"word/{s}.json"] = _json(data)
    return Built(files, {"gram": grams, "lex": lex_count, "word": word_count}, version)


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
    for r, record in enumerate(records):
        base = r * width
        for f in layout:
            index = {s: i for i, s in enumerate(f["terms"])}
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
