"""Build the search index inside the staged output (``search/``).

The records (kyodo/search/records.py: one per case page, then one per
organisation page of the 団体情報バンク; any page family can add its own)
are indexed by kyodo/search/index.py. The text part of the index (bigram
postings, lexicon, word postings) depends only on the records' text: it is
kept in the build cache under a hash of that text, so a rebuild in which no
searched text changed copies it instead of indexing again. Facets,
years and the display data are cheap and always written fresh.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from kyodo import __version__
from kyodo.cache import Cache, cache_root, digest
from kyodo.search import index as idx
from kyodo.search.records import Record, case_record, organization_record
from kyodo.search import vocab as vocab_module
from kyodo.search.vocab import Vocabularies, read_text
from kyodo.text import analysis as analysis_module
from kyodo.text.analysis import analyser

INDEX_FORMAT = "kyodo-search-2"


def records_of(view) -> list[Record]:
    """Every searchable page: the cases in catalogue order (newest first), then the
    organisation pages of the 団体情報バンク (when there are any), most cases first."""
    bank = view.bank
    if not bank:
        return [case_record(case, view.case_html[case.slug].html) for case in view.cases]
    records = [case_record(case, view.case_html[case.slug].html, [m.org for m in bank.mentions[case.slug]])
               for case in view.cases]
    records += [organization_record(r.org, view.organization_html[slug].html, len(r.cases))
                for slug, r in bank.records.items()]
    return records


def _analysis_salt(readings: dict) -> str:
    """Everything besides the text that shapes the cached index: versions, readings, the code."""
    try:
        from importlib.metadata import version
        dict_version = version("sudachidict-core") + "/" + version("sudachipy")
    except Exception:   # noqa: BLE001 - any metadata problem only weakens the cache key
        dict_version = "?"
    code = [Path(m.__file__).read_bytes() for m in (idx, vocab_module, analysis_module)]
    return digest(INDEX_FORMAT, dict_version, json.dumps(sorted(readings.items()), ensure_ascii=False), *code)


def text_hash(fields: list[list[str]], salt: str) -> str:
    return digest(salt, *("\x1f".join(f) for f in fields))


def build_text_index(fields: list[list[str]], readings: dict, cache: Cache | None, salt: str) -> idx.Built:
    """The text part of the index, from the cache when the text is unchanged."""
    version = text_hash(fields, salt)
    if cache is not None:
        cached = _unpack(cache.get_bytes("index"))
        if cached is not None and cached.version == version:
            return cached
    text = read_text(fields)
    vocab = Vocabularies(text, analyser(tuple(sorted(readings.items()))), cache)
    built = idx.text_index(text, vocab, version)
    if cache is not None:
        cache.put_bytes("index", _pack(built))
    return built


def write_index(site_dir, records: list[Record], facets: list, years: list[int],
                readings: dict | None = None, cache_dir=None) -> None:
    """Write ``search/`` under ``site_dir`` for ``records``.

    ``facets`` is a list of (key, facet label, [(slug, label, aliases[, name]), …]);
    ``years`` the fiscal years offered as filters.
    """
    readings = readings or {}
    salt = _analysis_salt(readings)
    cache = Cache(cache_dir, "search", salt) if cache_dir is not None else None
    fields = [r.fields for r in records]
    built = build_text_index(fields, readings, cache, salt)
    layout, width = idx.facet_layout(records, [(k, [t[0] for t in terms]) for k, _, terms in facets], years)
    for f, (_, label, terms) in zip(layout, facets):
        f["label"] = label
        f["labels"] = [t[1] for t in terms]
        f["names"] = [t[3] if len(t) > 3 else t[1] for t in terms]   # what residents read: "B 区が主導"
        f["aliases"] = [list(t[2]) for t in terms]
    files = dict(built.files)
    cases, _ = idx.groups(records)
    files["facets.bin"] = idx.facets_file(records[:cases], layout, width, years)
    files.update(idx.meta_files(records))
    files["index.json"] = idx.manifest(records, built, layout, width, years)
    if hasattr(site_dir, "want"):   # the build's output (kyodo/write): writes only what changed
        for rel, data in sorted(files.items()):
            if site_dir.want("search/" + rel):
                site_dir.write("search/" + rel, data)
        return
    root = os.path.join(str(site_dir), "search")
    made = set()
    for rel, data in sorted(files.items()):
        path = os.path.join(root, rel)
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(path, "wb") as f:
            f.write(data)


def index(site_dir, view) -> None:
    """Index every case of ``view`` into ``site_dir/search/`` (a folder, or the build's output)."""
    facets = [(f.key, f.label, [(t.slug, t.label, tuple(getattr(t, "aliases", ()) or ()), t.name) for t in f.terms])
              for f in view.taxonomy.facets.values()]
    years = sorted({c.fiscal_year for c in view.cases}, reverse=True)
    readings = dict(getattr(view.content, "readings", None) or {})
    write_index(site_dir, records_of(view), facets, years, readings, cache_root(view.content.root))


# ---- the cached text index: one blob -------------------------------------------------

def _pack(built: idx.Built) -> bytes:
    names = sorted(built.files)
    head = json.dumps({"version": built.version, "shards": built.shards, "kyodo": __version__,
                       "files": [[n, len(built.files[n])] for n in names]}, ensure_ascii=False).encode()
    return len(head).to_bytes(8, "little") + head + b"".join(built.files[n] for n in names)


def _unpack(blob: bytes | None) -> idx.Built | None:
    if not blob or len(blob) < 8:
        return None
    try:
        size = int.from_bytes(blob[:8], "little")
        head = json.loads(blob[8:8 + size])
        at = 8 + size
        files = {}
        for name, length in head["files"]:
            files[name] = blob[at:at + length]
            at += length
        if at != len(blob):
            return None
        return idx.Built(files, head["shards"], head["version"])
    except (ValueError, KeyError, TypeError):
        return None
