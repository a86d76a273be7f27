"""Validated cases kept in the build cache, by the bytes of their file.

Reading a catalogue means parsing the YAML front matter of every case and
checking it against the contract: most of a rebuild's loading time at
10,000 cases, for files that did not change. This store keeps each case that
validated without a problem under the hash of its file's bytes, in one JSON
file per *environment*: everything else validation reads (taxonomy.yml,
site.yml, the organisations, the images folder, today's date, the code of
kyodo's load and validate stages). A file whose bytes are known is not parsed
or validated again; anything else is, as before, and reports its problems.

Only JSON is stored (never pickle: the cache folder must not be able to run
code). The codec carries exactly the types a case is made of (text, numbers,
dates, tuples, the taxonomy's terms, the case's own small records); a case
with any other value is not stored, and simply validated again next time.
tests/test_case_store.py checks that decoding gives back equal cases.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from pathlib import Path, PurePath

from kyodo import __version__
from kyodo.cache import write_atomic
from kyodo.core.case import Case, Contact, Image, Indicator, Link
from kyodo.core.taxonomy import Taxonomy, Term
from kyodo.errors import Problem

FORMAT = "kyodo-cases-1"
_CLASSES = {c.__name__: c for c in (Indicator, Link, Image, Contact)}
_SKIP = {"source", "body", "digest", "meta_digest", "terms"}   # known from the file itself; terms: by slug
_STAGES = ("load", "validate", "core", "model")         # the code that decides a case
_FIELDS = [f.name for f in dataclasses.fields(Case) if f.name not in _SKIP]


_PLAIN = (str, int, bool, type(None))


class Unstorable(Exception):
    pass


def _enc(v):
    if type(v) in _PLAIN:
        return v
    if type(v) is float:
        return {"f": repr(v)}
    if isinstance(v, Term):
        return {"t": [v.facet, v.slug]}
    if type(v) is tuple:
        return {"u": [_enc(x) for x in v]}
    if type(v) is list:
        return [_enc(x) for x in v]
    if type(v) is dict:
        return {"m": [[_enc(k), _enc(x)] for k, x in v.items()]}
    if type(v) is dt.date:
        return {"date": v.isoformat()}
    if type(v) is dt.datetime:
        return {"dt": v.isoformat()}
    if isinstance(v, PurePath):
        return {"p": str(v)}
    name = type(v).__name__
    if _CLASSES.get(name) is type(v):
        return {"d": name, "v": {f.name: _enc(getattr(v, f.name)) for f in dataclasses.fields(v)}}
    raise Unstorable(name)


def _dec(v, terms: dict):
    t = type(v)
    if t is str or t is int or v is None or t is bool:
        return v
    if t is list:
        return [_dec(x, terms) for x in v]
    if t is not dict:
        raise Unstorable("record")
    if "t" in v:
        term = terms.get(tuple(v["t"]))
        if term is None:
            raise Unstorable("term")
        return term
    if "u" in v:
        return tuple(_dec(x, terms) for x in v["u"])
    if "m" in v:
        return {_dec(k, terms): _dec(x, terms) for k, x in v["m"]}
    if "f" in v:
        return float(v["f"])
    if "date" in v:
        return dt.date.fromisoformat(v["date"])
    if "dt" in v:
        return dt.datetime.fromisoformat(v["dt"])
    if "p" in v:
        return Path(v["p"])
    if "d" in v:
        return _CLASSES[v["d"]](**{k: _dec(x, terms) for k, x in v["v"].items()})
    raise Unstorable("record")


def _code_digest() -> str:
    h = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parent.parent
    for stage in _STAGES:
        for path in sorted((package / stage).glob("*.py")):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def text_of(raw: bytes) -> str:
    """A known file's text: it decoded without a problem when it was validated
    (kyodo.load.frontmatter.decode's rule, without its checks)."""
    return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def body_of(text: str, body_line: int) -> str:
    """The markdown body of a decoded file (kyodo.load.frontmatter.read's rule)."""
    return "\n".join(text.split("\n")[body_line - 1:])


class CaseStore:
    """The validated cases of one environment (see the module's text)."""

    def __init__(self, root: Path | None, environment: str, taxonomy: Taxonomy, folder: str = ""):
        """``folder``: the content folder (several may share one cache: each keeps its own store)."""
        self.terms = {(t.facet, t.slug): t for f in taxonomy for t in f.terms}
        key = hashlib.blake2b("\x1f".join([FORMAT, __version__, _code_digest(), environment,
                                           dt.date.today().isoformat()]).encode(), digest_size=16).hexdigest()
        self.dir = root / "cases" if root is not None else None
        self.prefix = hashlib.blake2b(folder.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
        self.path = self.dir / f"{self.prefix}-{key}.json" if self.dir is not None else None
        self.entries: dict[str, dict] = {}
        self.used: set[str] = set()
        self.changed = False
        self.pending: list[tuple] = []   # cases put since the last save, encoded when it writes
        if self.path is not None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("cases"), dict):
                    self.entries = data["cases"]
            except (OSError, ValueError, RecursionError):
                pass

    @staticmethod
    def key(file_digest: str, path: Path) -> str:
        """A file is known by its bytes *and* its name (the name is the case's slug, and checked)."""
        return f"{file_digest}:{path.name}"

    def get(self, file_digest: str, path: Path, text: str, display: str):
        """(case, notices, strings of its front matter) for a known file, else None;
        ``display``: the file as messages name it now."""
        key = self.key(file_digest, path)
        entry = self.entries.get(key)
        if not isinstance(entry, dict):
            return None
        try:
            fields = {k: v if type(v) in _PLAIN else _dec(v, self.terms) for k, v in entry["case"].items()}
            fields["terms"] = self._terms(entry["terms"])
            case = Case(source=path, body=body_of(text, fields["body_line"]), **fields)
        except (Unstorable, KeyError, TypeError, ValueError, AttributeError, RecursionError):
            return None
        case.digest, case.meta_digest = file_digest, entry.get("meta")
        if not isinstance(case.meta_digest, str):
            return None
        if case.slug != path.stem:
            return None
        self.used.add(key)
        try:
            notices = [Problem(display, int(line), str(field), str(message))
                       for line, field, message in entry.get("notices", [])]
        except (TypeError, ValueError):
            return None
        return case, notices, list(entry.get("strings", []))

    def put(self, case: Case, notices: list, strings: list[str]) -> None:
        """Keep ``case`` (validated without a problem); it is encoded by :meth:`save`,
        which a build runs in a child while it goes on (kyodo.parallel.later)."""
        key = self.key(case.digest, case.source)
        self.pending.append((key, case, list(notices), list(strings)))
        self.used.add(key)
        self.changed = True

    def _encode(self) -> None:
        for key, case, notices, strings in self.pending:
            try:   # the codec carries exactly the types it knows; anything else is validated every time
                record = {name: v if type(v) in _PLAIN else _enc(v)
                          for name in _FIELDS for v in (getattr(case, name),)}
                terms = {k: [t.slug for t in ts] for k, ts in case.terms.items()}
                if any(self.terms.get((k, s)) is None for k, slugs in terms.items() for s in slugs):
                    raise Unstorable("term")
            except (Unstorable, TypeError, ValueError):
                self.entries.pop(key, None)
                continue
            entry = {"meta": case.meta_digest, "case": record, "terms": terms}
            if notices:   # near-duplicate organisation names: said again on every build
                entry["notices"] = [[n.line, n.field, n.message] for n in notices]
            if strings:
                entry["strings"] = strings
            self.entries[key] = entry
        self.pending = []

    def _terms(self, slugs: dict) -> dict:
        out = {}
        for key, values in slugs.items():
            found = tuple(self.terms.get((key, s)) for s in values)
            if None in found:
                raise Unstorable("term")
            out[key] = found
        return out

    def save(self) -> None:
        """Keep the files of this build only; this folder's store of any other environment goes."""
        if self.path is None:
            return
        self._encode()
        if set(self.entries) != self.used:
            self.entries = {k: v for k, v in self.entries.items() if k in self.used}
            self.changed = True
        if not self.changed:
            return
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            for old in self.dir.glob(f"{self.prefix}-*.json"):
                if old != self.path:
                    old.unlink(missing_ok=True)
            write_atomic(self.path, json.dumps({"format": FORMAT, "cases": self.entries}, ensure_ascii=False,
                                               separators=(",", ":")).encode("utf-8"))
        except (OSError, ValueError):   # ValueError: text JSON cannot write (a lone surrogate)
            pass   # a cache that cannot be written only makes the next build slower
