"""Markdown bodies, rendered once and remembered.

A body's HTML depends on its text, where it is shown (``root``, ``doc_id``,
``title``), the terms its ``[[facet:term]]`` references resolve to (with
their case counts) and, when it shows images, the images folder. The key
covers exactly those, so an incremental build or the development server
renders only the bodies that changed. The results are kept in memory (for
``serve``) and in the build cache (for the next ``build``), in SHARDS files by
key, so that a build that changed one body rewrites one or two small files.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from markupsafe import Markup

from kyodo import __version__
from kyodo.cache import Cache
from kyodo.load.images import folder_state
from kyodo.markdown import render as markdown_module
from kyodo.markdown.render import TERM_REF, Heading, Rendered, TermRef

_MEMORY: dict[str, Rendered] = {}
_ENCODED: dict[str, str] = {}     # key -> the body's JSON in the pack (serve saves the pack often)
_MEMORY_MAX = 50_000
PACK = "bodies"
SHARDS = 64
_ON_DISK: dict[tuple, frozenset] = {}   # (cache folder, shard) -> keys its file holds (this process knows)


def _shard(key: str) -> int:
    return int(key[:4], 16) % SHARDS


def _code_salt() -> str:
    return hashlib.blake2b(Path(markdown_module.__file__).read_bytes() + __version__.encode(),
                           digest_size=16).hexdigest()


def plain_of(r: Rendered) -> dict:
    """A rendered body as plain values (the cache's JSON, a child's answer); :func:`rendered_of` undoes it."""
    return {"html": str(r.html), "toc": [[h.level, h.id, h.text, h.line] for h in r.toc], "images": list(r.images),
            "refs": [[t.facet, t.value, t.line] for t in r.refs], "problems": [list(p) for p in r.problems]}


def rendered_of(d: dict) -> Rendered:
    return Rendered(Markup(d["html"]), [Heading(*h) for h in d["toc"]], list(d["images"]),
                    [TermRef(*t) for t in d["refs"]], [tuple(p) for p in d["problems"]])


class Bodies:
    """Render bodies through the memory and the build cache."""

    def __init__(self, md, resolver, images_dir: Path, cache_root: Path | None):
        self.md = md
        self.resolver = resolver
        self.images_dir = images_dir
        self.cache = Cache(cache_root, "markdown") if cache_root is not None else None
        self.salt = _code_salt()
        self._images: str | None = None
        self.pack: dict | None = None
        self.used: dict[str, Rendered] = {}
        self.fresh = 0

    def key(self, text: str, root: str, doc_id: str, title: str) -> str:
        h = hashlib.blake2b(digest_size=20)
        for part in (self.salt, root, doc_id, title, text):
            h.update(part.encode("utf-8", "surrogatepass") + b"\0")
        if "[[" in text:
            for m in TERM_REF.finditer(text):
                h.update(repr(self.resolver(m.group(1), m.group(2).strip())).encode() + b"\0")
        if "![" in text or "<img" in text:
            if self._images is None:
                self._images = folder_state(self.images_dir)
            h.update(self._images.encode())
        return h.hexdigest()

    def _read_shard(self, shard: int) -> dict:
        blob = self.cache.get_bytes(f"{PACK}-{shard}") if self.cache else None
        data = {}
        if blob:
            try:
                data = json.loads(blob)
            except (ValueError, RecursionError):
                data = {}
        if not isinstance(data, dict):
            data = {}
        _ON_DISK[(str(self.cache.dir), shard)] = frozenset(data)
        return data

    def _load_pack(self) -> dict:
        if self.pack is None:
            self.pack = {}
            for shard in range(SHARDS):
                self.pack.update(self._read_shard(shard))
        return self.pack

    def lookup(self, key: str) -> Rendered | None:
        hit = _MEMORY.get(key)
        if hit is not None:
            return hit
        entry = self._load_pack().get(key) if self.cache else None
        if isinstance(entry, dict):
            try:
                hit = rendered_of(entry)
            except (KeyError, TypeError, ValueError):
                return None
            _remember(key, hit)
        return hit

    def render(self, text: str, root: str = "", doc_id: str = "", title: str = "") -> Rendered:
        key = self.key(text, root, doc_id, title)
        hit = self.lookup(key)
        if hit is None:
            hit = self.md.render(text, root, doc_id, title)
            _remember(key, hit)
            self.fresh += 1
        if self.cache is not None:
            self.used[key] = hit
        return hit

    def keep(self, keys: list[str], rendered: list[Rendered], fresh: int) -> None:
        """Record bodies rendered outside :meth:`render` (in worker processes)."""
        for key, r in zip(keys, rendered):
            _remember(key, r)
            if self.cache is not None:
                self.used[key] = r
        self.fresh += fresh

    def save(self) -> None:
        """Keep exactly this build's bodies for the next build: only the shards
        whose set of bodies changed are written again."""
        if self.cache is None:
            return
        wanted: dict[int, list[str]] = {}
        for k in self.used:
            wanted.setdefault(_shard(k), []).append(k)
        folder = str(self.cache.dir)
        for shard in range(SHARDS):
            keys = wanted.get(shard, [])
            known = _ON_DISK.get((folder, shard))
            if known is None:
                known = frozenset(self._read_shard(shard))
            if known == frozenset(keys):
                continue
            parts = []
            for k in keys:
                enc = _ENCODED.get(k)
                if enc is None:
                    enc = _ENCODED[k] = json.dumps(plain_of(self.used[k]), ensure_ascii=False, separators=(",", ":"))
                parts.append(json.dumps(k) + ":" + enc)
            self.cache.put_bytes(f"{PACK}-{shard}", ("{" + ",".join(parts) + "}").encode("utf-8"))
            _ON_DISK[(folder, shard)] = frozenset(keys)
        if len(_ENCODED) > _MEMORY_MAX:
            _ENCODED.clear()


def _remember(key: str, r: Rendered) -> None:
    if len(_MEMORY) >= _MEMORY_MAX:
        _MEMORY.clear()
    _MEMORY[key] = r
