"""A rebuild after edits of case texts only, without loading the whole catalogue.

Most rebuilds follow an edit of one case's text. When, since the last build
into the same folder, only the bodies of published cases changed (every other
file of the content folder, the templates, the assets, kyodo itself, the
options and the date are the same; the same case files exist; each changed
file's front matter is byte for byte the same), no list, term, year,
statistics, data or organisation page can change: only the changed cases' own
pages. After every build without the search index and the printed booklet,
this module keeps what those pages are rendered from (the renderer's shared
context and every case page, without the bodies); the next build renders
only the changed pages and writes them through the same incremental update
(kyodo/write/update.py). Anything else (the search index, the booklet, ruby
pages, a new, deleted or renamed file, a body with a problem or with other
images, more than MAX_FILES files, a missing or foreign record) returns None
and the normal build runs. Both give the same folder, byte for byte
(tests/test_snapshot.py).

What is kept is a pickle. It is loaded only when its HMAC, made with a key
kept outside the project (``~/.cache/kyodo/snapshot.key``), matches: a cache
folder committed into the repository can never run code.
"""

from __future__ import annotations

import copyreg
import dataclasses
import datetime as dt
import hashlib
import hmac
import io
import json
import os
import pickle
import secrets
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

from kyodo import __version__, paths
from kyodo.cache import cache_root, digest, write_atomic
from kyodo.core.case import Case
from kyodo.errors import Problems, UsageError
from kyodo.load import frontmatter
from kyodo.load.content import entries
from kyodo.parallel import pmap
from kyodo.paths import display_path
from kyodo.render.env import names_read, templates_digest
from kyodo.validate.readings import contains, strings
from kyodo.views.counts import Stats

FORMAT = "1"
MAX_FILES = 20         # more changed files than this: the normal build
SMALL = 1 << 20        # content files up to this size are hashed; bigger ones by size and time


@dataclass
class Before:
    """Taken before a build reads anything: what it will have been made of."""
    records: Path
    payload: Path
    environment: str
    files: dict[str, list]   # case file (cases/x.md) -> [size, mtime_ns]


def _folder(content_dir: Path, out_dir: Path) -> tuple[Path, Path] | None:
    root = cache_root(content_dir)
    if root is None:
        return None
    name = digest(str(Path(out_dir).resolve()))
    return root / "snapshot" / f"{name}.json", root / "snapshot" / f"{name}.pickle"


def _key() -> bytes | None:
    """This user's secret for the HMAC of kept contexts (made once, outside any project)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "kyodo", "snapshot.key")
    for _ in range(2):
        try:
            with open(path, "rb") as f:
                key = f.read()
            return key if len(key) == 32 else None
        except FileNotFoundError:
            pass
        except OSError:
            return None
        try:
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            fd = os.open(path + f".{os.getpid()}.tmp", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
            try:
                os.link(path + f".{os.getpid()}.tmp", path)   # the first process's key wins
            except FileExistsError:
                pass
            os.unlink(path + f".{os.getpid()}.tmp")
        except OSError:
            return None
    return None


def _tree(h, folder: Path, skip: str = "") -> None:
    """Every entry below ``folder`` (but the top-level ``skip``): name, kind, size, time;
    the bytes of small files; where links lead."""
    stack = [(str(folder), "")]
    while stack:
        where, prefix = stack.pop()
        try:
            listed = sorted(os.scandir(where), key=lambda e: e.name)
        except OSError:
            h.update(f"{prefix}\0unreadable\n".encode("utf-8", "surrogatepass"))
            continue
        for e in listed:
            rel = prefix + e.name
            if not prefix and e.name == skip:
                continue
            st = e.stat(follow_symlinks=False)
            h.update(f"{rel}\0{st.st_mode}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode("utf-8", "surrogatepass"))
            if e.is_symlink():
                try:
                    target = os.stat(e.path)
                    h.update(f"->{os.readlink(e.path)}\0{target.st_mode}\0{target.st_size}\0{target.st_mtime_ns}\n"
                             .encode("utf-8", "surrogatepass"))
                except OSError:
                    h.update(b"->broken\n")
            elif e.is_dir(follow_symlinks=False):
                stack.append((e.path, rel + "/"))
            elif st.st_size <= SMALL:
                try:
                    with open(e.path, "rb") as f:
                        h.update(hashlib.blake2b(f.read(), digest_size=16).digest())
                except OSError:
                    h.update(b"unreadable")


def _environment(content_dir: Path, out_dir: Path, keep_search: bool, code: str) -> str:
    """Everything besides the case files that shapes the output (``code``: the
    templates and kyodo's own code, kyodo.render.env.templates_digest)."""
    import jinja2
    import markdown_it
    import yaml

    h = hashlib.blake2b(digest_size=20)
    h.update("\x1f".join([FORMAT, __version__, sys.version, jinja2.__version__, markdown_it.__version__,
                          yaml.__version__, dt.date.today().isoformat(), str(Path(out_dir).resolve()),
                          str(Path(content_dir).resolve()), "keep-search" if keep_search else "",
                          code]).encode("utf-8", "surrogatepass"))
    _tree(h, paths.ASSETS)
    _tree(h, Path(content_dir), skip="cases")
    cases = Path(content_dir) / "cases"
    if cases.is_symlink() or not cases.is_dir():
        h.update(b"cases: not a folder")
    return h.hexdigest()


def _case_files(content_dir: Path) -> dict[str, tuple[str, os.stat_result]] | None:
    """The case files as the build finds them (kyodo.load.content.discover), by
    name, with their size and time; None when the build would report a file, or
    when a link is involved (the normal build decides about those)."""
    folder = os.path.join(str(content_dir), "cases")
    if os.path.islink(folder) or not os.path.isdir(folder):
        return None
    out = {}
    for parts, entry in entries(Path(folder)):
        if entry.is_symlink():
            return None
        if entry.is_dir(follow_symlinks=False):
            continue
        if not entry.name.endswith(".md"):
            if entry.name.lower() != "readme.md":
                return None
            continue
        try:
            out["cases/" + "/".join(parts)] = (entry.path, entry.stat(follow_symlinks=False))
        except OSError:
            return None
    return out


def forget(content_dir: Path, out_dir: Path) -> None:
    where = _folder(content_dir, out_dir)
    for path in where or ():
        try:
            path.unlink()
        except OSError:
            pass


def before(content_dir: Path, out_dir: Path, keep_search: bool) -> Before | None:
    """What this build is about to read (None: nothing will be kept). The last
    record goes first, so that a build that fails leaves none that could be wrong."""
    where = _folder(content_dir, out_dir)
    if where is None:
        return None
    forget(content_dir, out_dir)
    files = _case_files(content_dir)
    if files is None:
        return None
    code = templates_digest(paths.TEMPLATES)
    return Before(where[0], where[1], _environment(content_dir, out_dir, keep_search, code),
                  {rel: [st.st_size, st.st_mtime_ns] for rel, (_p, st) in files.items()})


def _state_signature(content_dir: Path, out_dir: Path) -> list | None:
    from kyodo.write.state import state_file
    path = state_file(cache_root(content_dir), Path(out_dir).resolve())
    try:
        st = os.stat(path)
    except (OSError, TypeError):
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


@dataclass
class Prepared:
    """What :func:`prepare` made while the pages were written; :func:`save` keeps it."""
    taken: Before
    key: bytes
    blobs: dict
    files: dict
    reading_owners: dict
    counts: list


def prepare(taken: Before | None, content_dir: Path, view, pages, renderer, site_fp: str,
            front: str | None) -> Prepared | None:
    """Pickle what the case pages of this build are rendered from (called while the
    workers write the pages: the build's output is not known yet); None: nothing to keep."""
    if taken is None or not front or view.site.furigana:
        return None   # ruby pages are made from every page: not for this shortcut
    key = _key()
    if key is None:
        return None
    prefix = str(content_dir).rstrip(os.sep) + os.sep
    cases = {}
    case_pages: dict[int, list] = {}
    by_url = {p.url: p for p in pages if p.kind == "case"}
    by_slug = {c.slug: c for c in view.cases}
    case_shards: dict[int, list] = {}
    for case in view.cases:
        source = str(case.source)
        if not source.startswith(prefix):
            return None
        rel = source[len(prefix):].replace(os.sep, "/")
        page = by_url.get(case.url)
        if rel not in taken.files or page is None or not case.digest:
            return None
        cases[rel] = [*taken.files[rel], case.digest, case.meta_digest, case.body_line,
                      sorted(set(view.case_html[case.slug].images)), case.url]
        case_pages.setdefault(_shard(rel), []).append((rel, page))
        case_shards.setdefault(_shard(case.slug), []).append(case)
    files = {rel: cases.get(rel, [*stat, None, None, None, None, None]) for rel, stat in taken.files.items()}
    content = view.content
    kept = len([w for w in content.reading_owners.values() if w is None])
    common = renderer.kept_common()
    names = set()
    for template in {p.template for p in by_url.values()}:
        read = names_read(renderer.env, template)
        if read is None:
            names = set(common)
            break
        names |= read
    common = {k: v for k, v in common.items() if k in names | ALWAYS}
    if "stats" not in names and isinstance(common.get("stats"), Stats):
        # read only by the markdown's [[facet:term]] (its count): not every year's tables,
        # which were most of what was kept and most of what a quick rebuild read back
        common["stats"] = common["stats"].terms_only()

    def shard(n: int) -> tuple[bytes, bytes]:   # the cases and the case pages of one shard
        group = {rel: _kept_page(page, by_slug) for rel, page in case_pages.get(n, [])}
        return _dumps({c.slug: c for c in case_shards.get(n, [])}), _dumps(group)

    try:
        blobs = {"common": _dumps({
            "common": common, "site_fp": site_fp, "front": front,
            "reading_warnings": content.reading_warnings, "other_warnings": content.warnings[kept:],
        })}
        # in forked workers from PARALLEL_FROM cases when nothing else runs in parallel
        # (while the pages are written, here); here for a small site (forking would cost more)
        least = SHARDS if len(view.cases) >= PARALLEL_FROM else SHARDS + 1
        for n, (case_blob, page_blob) in enumerate(pmap(shard, SHARDS, min_items=least)):
            blobs[f"cases/{n}"], blobs[f"pages/{n}"] = case_blob, page_blob
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return None
    return Prepared(taken, key, blobs, files, content.reading_owners, [len(pages), len(view.cases)])


def save(prepared: Prepared | None, content_dir: Path, out_dir: Path) -> None:
    """Keep what :func:`prepare` made, with the output's record as this build left it
    (after its commit)."""
    if prepared is None:
        return
    state = _state_signature(content_dir, out_dir)
    if state is None:
        return
    index, offset = {}, 0
    for name, blob in prepared.blobs.items():
        index[name] = [offset, len(blob), hmac.new(prepared.key, blob, hashlib.sha256).hexdigest()]
        offset += len(blob)
    taken = prepared.taken
    record = {
        "format": FORMAT, "environment": taken.environment, "state": state, "blobs": index,
        "files": prepared.files, "readings": prepared.reading_owners, "counts": prepared.counts,
    }
    try:
        taken.records.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(taken.payload, b"".join(prepared.blobs.values()))
        write_atomic(taken.records, json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
    except OSError:
        forget(content_dir, out_dir)


ALWAYS = {"site", "taxonomy", "facets", "stats"}   # the markdown of a body and the list items read these
# (of ``stats``, the markdown reads only term counts: without a template that reads it, only those are kept)


class _Pickler(pickle.Pickler):
    """Cases without their text: each rebuild reads the text of the files that changed."""

    def reducer_override(self, obj):
        if type(obj) is Case and obj.body:
            return copyreg.__newobj__, (Case,), {**obj.__dict__, "body": ""}
        return NotImplemented


def _dumps(value) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def _kept_page(page, by_slug: dict):
    """A case's page without its body, the cases it shows named by slug."""
    kept = object.__new__(type(page))
    kept.__dict__.update(page.__dict__)
    kept.context = {k: _refer(v, by_slug) for k, v in page.context.items() if k != "body"}
    return kept


SHARDS = 256
PARALLEL_FROM = 400   # cases: from this many, the shards are pickled by forked workers


def _shard(name: str) -> int:
    return zlib.crc32(name.encode("utf-8", "surrogatepass")) % SHARDS


@dataclass(frozen=True)
class _Cases:
    """Cases in a page's context, kept by name (each case is kept once, in its shard)."""
    kind: str             # "one", "list", "tuple"
    slugs: tuple[str, ...]


def _refer(value, by_slug: dict):
    if type(value) is Case and by_slug.get(value.slug) is value:
        return _Cases("one", (value.slug,))
    if type(value) in (list, tuple) and value and all(type(v) is Case and by_slug.get(v.slug) is v for v in value):
        return _Cases("list" if type(value) is list else "tuple", tuple(v.slug for v in value))
    return value


class _Payload:
    """The kept blobs, each read and checked only when needed."""

    def __init__(self, path: Path, index: dict, key: bytes):
        self.path, self.index, self.key = path, index, key
        self.cases: dict[str, Case] = {}
        self.loaded: set[int] = set()

    def blob(self, name: str):
        offset, length, mac = self.index[name]
        with open(self.path, "rb") as f:
            f.seek(offset)
            data = f.read(length)
        if len(data) != length or not hmac.compare_digest(mac, hmac.new(self.key, data, hashlib.sha256).hexdigest()):
            raise ValueError(f"{self.path}: {name} does not match its record")
        return pickle.loads(data)

    def case(self, slug: str) -> Case:
        n = _shard(slug)
        if n not in self.loaded:
            self.cases.update(self.blob(f"cases/{n}"))
            self.loaded.add(n)
        return self.cases[slug]

    def resolve(self, value):
        if isinstance(value, _Cases):
            found = [self.case(s) for s in value.slugs]
            return found[0] if value.kind == "one" else found if value.kind == "list" else tuple(found)
        return value


@dataclass
class Rebuilt:
    pages: int
    cases: int
    warnings: list
    written: dict


def rebuild(content_dir: Path, out_dir: Path, keep_search: bool) -> Rebuilt | None:
    """The changed case pages alone, when nothing else changed; else None."""
    where = _folder(content_dir, out_dir)
    if where is None:
        return None
    try:
        record = json.loads(where[0].read_bytes())
        if record.get("format") != FORMAT or record.get("state") != _state_signature(content_dir, out_dir):
            return None
        files = record["files"]
        found = _case_files(content_dir)
        if found is None or found.keys() != files.keys():
            return None
        changed, touched = [], {}
        for rel, (path, st) in found.items():
            size, mtime, file_digest, *_rest = files[rel]
            if (st.st_size, st.st_mtime_ns) == (size, mtime):
                continue
            if file_digest is None:
                return None   # a draft or a file that is not a published case
            with open(path, "rb") as f:
                raw = f.read()
            if hashlib.blake2b(raw, digest_size=16).hexdigest() == file_digest:
                touched[rel] = [st.st_size, st.st_mtime_ns]   # saved again without a change
            else:
                changed.append((rel, path, st))
            if len(changed) > MAX_FILES:
                return None
        code = templates_digest(paths.TEMPLATES)
        if record["environment"] != _environment(content_dir, out_dir, keep_search, code):
            return None
        docs = []
        for rel, path, st in changed:
            _size, _mtime, _d, meta_digest, body_line, images, url = files[rel]
            problems = Problems()
            doc = frontmatter.read(Path(path), display_path(Path(path)), problems)
            if doc is None or problems or doc.meta_digest != meta_digest or doc.body_line != body_line:
                return None
            docs.append((rel, doc, st))
        key = _key()
        if key is None:
            return None
        return _render(content_dir, out_dir, record, _Payload(where[1], record["blobs"], key), docs, touched,
                       where[0], code)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, pickle.UnpicklingError,
            EOFError, RecursionError):
        return None


def _render(content_dir, out_dir, record, payload: _Payload, docs, touched, records_path,
            code: str) -> Rebuilt | None:
    from kyodo.markdown.render import Markdown
    from kyodo.render.env import build_env
    from kyodo.render.renderer import Renderer
    from kyodo.views.fingerprint import page_fingerprints
    from kyodo.views.model import PAGE_DEPTH_ROOT, term_resolver
    from kyodo.write.update import Update, open_output

    kept = payload.blob("common")
    common = kept["common"]
    files, owners = record["files"], record["readings"]
    md = Markdown(Path(content_dir) / "images", term_resolver(common["taxonomy"], common["stats"]))
    made = []
    for rel, doc, st in docs:
        page = payload.blob(f"pages/{_shard(rel)}")[rel]
        page = dataclasses.replace(page, context={k: payload.resolve(v) for k, v in page.context.items()})
        case = page.context["case"]
        body = md.render(doc.body, PAGE_DEPTH_ROOT, "", case.title)
        if body.problems or sorted(set(body.images)) != files[rel][5]:
            return None   # the normal build reports the problem / publishes the image
        texts = [doc.body, *strings(doc.meta)] if owners else []
        for word, who in owners.items():
            if who == rel and not any(contains(t, word) for t in texts):
                return None   # the only text with this word lost it: the normal build looks at all the others
            if who is None and any(contains(t, word) for t in texts):
                owners[word] = rel
        fresh = dataclasses.replace(case, body=doc.body, digest=doc.digest)
        made.append((rel, doc, st, dataclasses.replace(page, context=dict(page.context, case=fresh, body=body),
                                                       inputs=doc.digest)))
    renderer = Renderer.from_common(build_env(paths.TEMPLATES, code), common)
    fps = page_fingerprints([p for *_x, p in made], kept["site_fp"], front=kept["front"])
    try:
        rendered = [(p.output, fp, renderer.render(p)) for (*_x, p), fp in zip(made, fps)]
    except UsageError:   # a template that needs what was not kept: the normal build renders (or reports) it
        return None

    output = open_output(Path(out_dir), [Path(content_dir), paths.TEMPLATES, paths.ASSETS], cache_root(content_dir))
    if not isinstance(output, Update):
        output.abort()
        return None
    with output:
        for rel, fp, data in rendered:
            if output.want(rel, fp):
                output.write(rel, data)
        output.keep_previous("")
        written = output.commit()
    for rel, doc, st, _p in made:
        files[rel][:3] = [st.st_size, st.st_mtime_ns, doc.digest]
    for rel, stat in touched.items():
        files[rel][:2] = stat
    record["state"] = _state_signature(content_dir, out_dir)
    try:
        write_atomic(records_path, json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
    except OSError:
        forget(content_dir, out_dir)
    warnings = [kept["reading_warnings"][w] for w, who in owners.items() if who is None] + kept["other_warnings"]
    pages, cases = record["counts"]
    return Rebuilt(pages, cases, warnings, written)
