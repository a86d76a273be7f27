"""kyodo/model/case_store.py: validated cases kept by their file's bytes.

A rebuild must load exactly what a build without the store loads, report
every problem of a changed file, and never trust a store it cannot read."""

from __future__ import annotations

import json
import shutil

import pytest

from kyodo.errors import ContentError
from kyodo.model.assemble import load_content
from kyodo.model.case_store import CaseStore, Unstorable, _enc
from tests.factory import SAMPLE, case_text, make_content


def _fields(case):
    return (case, case.digest, case.meta_digest, case.body, str(case.source))


def _load(root, monkeypatch, cache):
    monkeypatch.setenv("KYODO_CACHE", str(cache))
    return load_content(root)


@pytest.fixture
def sample(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(SAMPLE, root)
    return root


def test_a_rebuild_loads_the_same_cases_from_the_store(sample, tmp_path, monkeypatch):
    plain = _load(sample, monkeypatch, "off")
    first = _load(sample, monkeypatch, tmp_path / "cache")
    stored = list((tmp_path / "cache" / "cases").glob("*.json"))
    assert len(stored) == 1
    entries = json.loads(stored[0].read_text(encoding="utf-8"))["cases"]
    assert len(entries) >= len(plain.cases)   # drafts too
    second = _load(sample, monkeypatch, tmp_path / "cache")
    for content in (first, second):
        assert [_fields(c) for c in content.cases] == [_fields(c) for c in plain.cases]
        assert content.drafts == plain.drafts and content.warnings == plain.warnings
    # Terms are the taxonomy's own objects, as validation makes them.
    terms = {id(t) for f in second.taxonomy for t in f.terms}
    assert all(id(t) in terms for c in second.cases for t in c.all_terms())


def test_a_changed_file_is_validated_again(sample, tmp_path, monkeypatch):
    _load(sample, monkeypatch, tmp_path / "cache")
    path = sorted((sample / "cases").glob("*.md"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("fiscal_year:", "fiscal_year: 令和99年度\nold_year:", 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        _load(sample, monkeypatch, tmp_path / "cache")
    assert any(p.path.endswith(path.name) and p.field == "fiscal_year" for p in caught.value.problems)
    with pytest.raises(ContentError):   # and again: a file with problems is never stored
        _load(sample, monkeypatch, tmp_path / "cache")
    path.write_text(text + "\n追記。\n", encoding="utf-8")
    again = _load(sample, monkeypatch, tmp_path / "cache")
    edited = next(c for c in again.cases if c.source.name == path.name)
    assert edited.body.endswith("追記。\n") or edited.body.endswith("追記。")


def test_a_renamed_file_is_checked_under_its_new_name(sample, tmp_path, monkeypatch):
    _load(sample, monkeypatch, tmp_path / "cache")
    path = sorted((sample / "cases").glob("*.md"))[0]
    path.rename(path.with_name("renamed-case.md"))
    again = _load(sample, monkeypatch, tmp_path / "cache")
    assert "renamed-case" in {c.slug for c in again.cases}
    (sample / "cases" / "renamed-case.md").rename(sample / "cases" / "Bad Name.md")
    with pytest.raises(ContentError) as caught:
        _load(sample, monkeypatch, tmp_path / "cache")
    assert any(p.field == "ファイル名" for p in caught.value.problems)


def test_a_taxonomy_change_makes_a_new_store(tmp_path, monkeypatch):
    root = make_content(tmp_path / "content", {"a.md": case_text(), "b.md": case_text(title="二つ目")})
    first = _load(root, monkeypatch, tmp_path / "cache")
    tax = (root / "taxonomy.yml").read_text(encoding="utf-8")
    old = "description: 特定非営利活動促進法にもとづいて設立された法人です。"
    assert old in tax and any(t.slug == "npo" for c in first.cases for t in c.terms["partner"])
    (root / "taxonomy.yml").write_text(tax.replace(old, "description: 説明を改めました。", 1), encoding="utf-8")
    second = _load(root, monkeypatch, tmp_path / "cache")
    npo = [t for c in second.cases for t in c.terms["partner"] if t.slug == "npo"]
    assert npo and all(t.description == "説明を改めました。" for t in npo)
    assert len(list((tmp_path / "cache" / "cases").glob("*.json"))) == 1   # the old environment's store is gone


@pytest.mark.parametrize("garbage", [b"{not json", b'{"format": "kyodo-cases-1", "cases": []}',
                                     b'{"format": "kyodo-cases-1", "cases": {"x": 1}}', b"[" * 100_000])
def test_a_broken_store_is_ignored(sample, tmp_path, monkeypatch, garbage):
    plain = _load(sample, monkeypatch, "off")
    _load(sample, monkeypatch, tmp_path / "cache")
    stored = next((tmp_path / "cache" / "cases").glob("*.json"))
    stored.write_bytes(garbage)
    again = _load(sample, monkeypatch, tmp_path / "cache")
    assert [_fields(c) for c in again.cases] == [_fields(c) for c in plain.cases]


def test_a_tampered_entry_cannot_smuggle_a_term(sample, tmp_path, monkeypatch):
    plain = _load(sample, monkeypatch, "off")
    _load(sample, monkeypatch, tmp_path / "cache")
    stored = next((tmp_path / "cache" / "cases").glob("*.json"))
    data = json.loads(stored.read_text(encoding="utf-8"))
    for n, entry in enumerate(data["cases"].values()):
        if n % 3 == 0:
            entry["terms"] = {"partner": ["no-such-term"]}
        elif n % 3 == 1:
            entry["case"]["budget"] = {"d": "os.system", "v": {}}
        else:
            entry["case"] = ["not", "a", "record"]
    stored.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    again = _load(sample, monkeypatch, tmp_path / "cache")   # every entry refused: validated again
    assert [_fields(c) for c in again.cases] == [_fields(c) for c in plain.cases]


def test_values_the_codec_cannot_carry_are_not_stored(sample, tmp_path, monkeypatch):
    content = _load(sample, monkeypatch, "off")
    store = CaseStore(tmp_path / "cache", "env", content.taxonomy)
    case = content.cases[0]
    case.extra = {"when": object()}
    store.put(case, [], [])
    store.save()   # cases are encoded when the store is written
    assert store.key(case.digest, case.source) not in store.entries
    case.extra = {"n": 1.5, "t": (1, "a"), "d": {"k": [None, True]}}
    store.put(case, [], [])
    store.save()
    assert store.key(case.digest, case.source) in store.entries
    with pytest.raises(Unstorable):
        _enc(object())


def test_two_content_folders_sharing_a_cache_keep_their_own_stores(tmp_path, monkeypatch):
    a = make_content(tmp_path / "a" / "content", {"x.md": case_text()})
    b = make_content(tmp_path / "b" / "content", {"y.md": case_text(title="別の事例")})
    for root in (a, b, a):
        _load(root, monkeypatch, tmp_path / "cache")
    assert len(list((tmp_path / "cache" / "cases").glob("*.json"))) == 2


def test_a_document_sent_back_by_a_worker_is_the_document_read_here():
    """kyodo.model.assemble: workers send each parsed file back packed
    (Document.packed, without its name) and it is unpacked here: the same document."""
    import pickle
    from pathlib import Path

    from kyodo.errors import Problems
    from kyodo.load import frontmatter

    files = sorted((SAMPLE / "cases").rglob("*.md")) + sorted((SAMPLE / "guideline").rglob("*.md"))
    assert len(files) > 30
    for path in files:
        doc = frontmatter.read(path, str(path), Problems())
        packed = pickle.loads(pickle.dumps(doc.packed(), protocol=pickle.HIGHEST_PROTOCOL))
        assert not any(isinstance(v, Path) for v in packed)
        again = frontmatter.Document.unpacked(path, str(path), packed)
        assert again == doc and again.lines.data is again.meta
        assert again.line("title") == doc.line("title") > 1
