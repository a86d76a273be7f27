"""The search index is built in bounded chunks: any chunk size gives the same files.

A random corpus (kanji, kana, latin, full-width forms, digits, white space,
characters outside the BMP) is indexed in one piece and in tiny chunks; the
files must be byte-identical, and the bigram postings must be exactly the
bigrams of the text, read back with a second decoder written here.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from kyodo.search import index as idx
from kyodo.search import vocab
from kyodo.search.ngram import SPACE_CHARS, normalize
from kyodo.search.vocab import Vocabularies, read_text, record_words
from kyodo.text.analysis import Analyser
from tests.test_search import _decode, _varints

ALPHABET = ("子供こども防災訓練地域の見守り活動まちづくり協働町会ボランティアＮＰＯnpoＡＢ１２3４"
            "、。（）「」・ー𠮷𩸽ｶﾞabcXYZ" + " \n\u3000\t")


def random_corpus(seed: int, records: int = 40) -> list[list[str]]:
    rng = random.Random(seed)
    text = lambda n: "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, n)))  # noqa: E731
    return [[text(12), text(40), text(10), text(300)] for _ in range(records)]


def _bigrams(files: dict[str, bytes], count: int) -> set[tuple[str, int, int]]:
    """(bigram, record, position) of every gram file, read with test_search's decoder."""
    out = set()
    for name, data in files.items():
        if name.startswith("gram/"):
            for (a, b), group in _decode(data).items():
                assert idx.gram_shard(a, b, count) == int(name[5:-4])
                if b:
                    out.update((chr(a) + chr(b), rec, p) for rec, posts in group.items() for p in posts)
    return out


def test_chunked_index_is_the_one_pass_index(monkeypatch):
    monkeypatch.setattr(idx, "TARGET_SHARD", 64)      # many small shards: chunks span several
    analyser = Analyser()
    for seed in range(2):
        records = random_corpus(seed)
        whole_text = read_text(records)
        monkeypatch.setattr(vocab, "BLOCK", 3)            # records read in blocks of 3
        chunked_text = read_text(records)
        monkeypatch.setattr(vocab, "BLOCK", 10**6)
        whole = idx.text_index(whole_text, Vocabularies(whole_text, analyser), "v")
        chunked = idx.text_index(chunked_text, Vocabularies(chunked_text, analyser, chunk=5), "v", chunk=7)
        assert whole.shards == chunked.shards and whole.shards["gram"] >= 64 and whole.shards["word"] >= 4
        assert sorted(whole.files) == sorted(chunked.files)
        for name in whole.files:
            assert whole.files[name] == chunked.files[name], name
        # Ground truth: every bigram of every run, at field << 24 | offset.
        truth = set()
        fields = [[normalize(t) for t in f] for f in records]
        for r, rec_fields in enumerate(fields):
            for f, text in enumerate(rec_fields):
                for i in range(len(text) - 1):
                    if text[i] not in SPACE_CHARS and text[i + 1] not in SPACE_CHARS:
                        truth.add((text[i:i + 2], r, f << idx.FIELD_SHIFT | i))
        assert _bigrams(whole.files, whole.shards["gram"]) == truth


def test_record_words_chunks_agree_with_a_direct_count():
    rng = np.random.default_rng(7)
    pieces = [rng.choice(50, size=rng.integers(0, 6), replace=False) for _ in range(30)]
    ptr = np.concatenate(([0], np.cumsum([len(p) for p in pieces])))
    flat = np.concatenate(pieces).astype(np.int64)
    occ_count = rng.integers(0, 8, size=25)
    occ_piece = rng.integers(0, 30, size=int(occ_count.sum()))
    occ_mask = rng.integers(1, 16, size=len(occ_piece))
    expected: dict[tuple[int, int], int] = {}
    at = 0
    for r, n in enumerate(occ_count):
        for p, m in zip(occ_piece[at:at + n], occ_mask[at:at + n]):
            for w in flat[ptr[p]:ptr[p + 1]]:
                expected[(r, int(w))] = expected.get((r, int(w)), 0) | int(m)
        at += n
    for chunk in (1, 3, 10**9):
        rec, wid, mask = record_words(ptr, flat, occ_piece, occ_mask, occ_count, chunk)
        got = {(int(r), int(w)): int(m) for r, w, m in zip(rec, wid, mask)}
        assert got == expected
        assert list(zip(rec, wid)) == sorted(expected)


def test_varints_of_every_width():
    values = [0, 1, 127, 128, 2**14 - 1, 2**14, 2**21, 2**28 - 1, 2**28, 2**32 - 1, 2**32, 2**35 + 5, 2**49 + 3]
    data, ends = idx.varints(np.array(values, dtype=np.uint64))
    assert _varints(data.tobytes()) == values
    assert list(ends) == list(np.cumsum([len(idx._varint(v)) for v in values]))
    assert b"".join(idx._varint(v) for v in values) == data.tobytes()


def test_vocabulary_is_the_analysis_without_offsets():
    """Analyser.vocabulary (a fast path for indexing) says what Analyser.analyse says."""
    analyser = Analyser()
    rng = random.Random(3)
    words = ["子ども", "こども", "子供", "防災訓練", "まちづくり", "街づくり", "ボランティア", "ＮＰＯ法人",
             "見守り", "見守る", "令和6年度", "ｶﾞｲﾄﾞ", "𠮷野家", "abc", "、", "。", " ", "\n", "々", "ヴァイオリン"]
    for _ in range(200):
        text = "".join(rng.choice(words + list(ALPHABET)) for _ in range(rng.randint(0, 30)))
        expected = {(w[0], w[2], w[3], w[1], w[4]): None for w in analyser.analyse(text)}
        assert list(analyser.vocabulary(text)) == list(expected), text


def test_analyses_kept_in_the_cache_come_back_the_same(tmp_path):
    from kyodo.cache import Cache
    from kyodo.search.vocab import ANALYSES, load_analyses, save_analyses

    cache = Cache(tmp_path, "search", "s")
    word = ("子ども", "子供", "子供", "こども", "名詞")
    analysed = {"子どもの": [word, ("の", "の", "の", "の", "助詞")], "子ども": [word], "": []}
    save_analyses(cache, analysed)
    assert load_analyses(cache) == analysed
    for bad in ({"words": [["a"]], "pieces": {}}, {"words": [list(word)], "pieces": {"x": [1]}},
                {"words": [list(word)], "pieces": {"x": [-1]}}, {"words": [list(word)], "pieces": {"x": ["0"]}},
                {"words": [list(word)], "pieces": {"x": 0}}, {"words": [list(word)], "pieces": {"x": [0.0]}},
                [], "x", None):
        cache.put_json(ANALYSES, bad)
        assert load_analyses(cache) == {}, bad


def test_a_second_index_reads_the_analyses_from_the_cache(tmp_path, monkeypatch):
    from kyodo.cache import Cache

    records = random_corpus(7, records=12)
    cache = Cache(tmp_path, "search", "s")
    text = read_text(records)
    first = idx.text_index(text, Vocabularies(text, Analyser(), cache), "v")
    monkeypatch.setattr(vocab, "analyse_pieces", lambda *a: pytest.fail("analysed again"))
    text = read_text(records)
    again = idx.text_index(text, Vocabularies(text, Analyser(), cache), "v")
    assert again.files == first.files
