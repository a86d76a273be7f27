"""Assemble the validated content of one folder into a :class:`Content`.

load (files, YAML) -> validate (each file against the contract) -> here: the
cross-file checks (duplicate slugs, references), catalogue order, warnings.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from kyodo.cache import cache_root, digest
from kyodo.core.case import Case
from kyodo.model.case_store import CaseStore, text_of
from kyodo.errors import ContentError, Problems
from kyodo.load import frontmatter
from kyodo.load.content import discover, optional_yaml, read_settings
from kyodo.load.images import folder_state
from kyodo.model.content import Content
from kyodo.parallel import MIN_ITEMS, finish, later, pimap
from kyodo.paths import display_path, display_paths
from kyodo.validate.case import CaseValidator
from kyodo.validate.guideline import build_chapter
from kyodo.validate.readings import build_readings, strings, unused_readings, unused_warning, witnesses
from kyodo.validate.references import check_references
from kyodo.validate.site import build_site
from kyodo.validate.taxonomy import build_taxonomy
from kyodo.model.organizations import load_registry


def case_order(case: Case):
    """Catalogue order: newest fiscal year first, then last updated, then slug."""
    return (-case.fiscal_year, -(case.updated.toordinal() if case.updated else 0), case.slug)


class Memo:
    """What a long-running process (``serve``) keeps between builds: parsed files
    by (path, size, time) and validated cases by the file's hash and everything
    else a case's validation reads (settings, organisations, images). A file
    with problems is never kept, so its problems are reported every time."""

    def __init__(self):
        self.docs: dict[tuple, frontmatter.Document] = {}
        self.cases: dict[tuple, tuple] = {}
        self.settings: dict[tuple, object] = {}

    def read(self, path: Path, display: str, problems: Problems):
        try:
            st = path.stat()
        except OSError:
            return frontmatter.read(path, display, problems)
        key = (str(path), display, st.st_size, st.st_mtime_ns)
        doc = self.docs.get(key)
        if doc is None:
            before = len(problems)
            doc = frontmatter.read(path, display, problems)
            if doc is not None and len(problems) == before:
                self.docs[key] = doc
        return doc


def _read_all(paths: list[Path], displays: list[str]):
    """Read and parse every file (YAML is most of the reading time), in parallel
    for many files; each (packed, see Document.packed) with the problems it has,
    in order, as a stream (see kyodo.parallel.pimap): the cases are validated
    here while the workers parse the next files."""
    def one(i: int):
        found = Problems()
        doc = frontmatter.read(paths[i], displays[i], found)
        return (doc.packed() if doc is not None else None), found
    return pimap(one, len(paths))


class _InOrder:
    """The parsed files by index, read from the stream as far as asked."""

    def __init__(self, indexes: list[int], stream):
        self.pending = zip(indexes, stream)
        self.got: dict[int, tuple] = {}

    def __getitem__(self, i: int) -> tuple:
        while i not in self.got:
            j, result = next(self.pending)
            self.got[j] = result
        return self.got.pop(i)


def _known_cases(store: CaseStore, paths: list[Path], displays: list[str]) -> dict[int, tuple]:
    """The files whose bytes the store knows: index -> (case, notices, front matter strings)."""
    found: dict[int, tuple] = {}
    if not store.entries:
        return found
    for i, path in enumerate(paths):
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        file_digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
        if store.key(file_digest, path) not in store.entries:
            continue
        try:
            hit = store.get(file_digest, path, text_of(raw), displays[i])
        except UnicodeDecodeError:
            hit = None
        if hit is not None:
            found[i] = hit
    return found


def load_content(root: Path, memo: Memo | None = None) -> Content:
    """Load ``root``; raise :class:`ContentError` listing every problem."""
    root = Path(root)
    problems = Problems()
    finish()   # the last build's cache files, if a child is still writing them
    if not root.is_dir():
        problems.add(display_path(root), 1, "フォルダ", "コンテンツのフォルダがありません")
        raise ContentError(problems.sorted())
    tax_doc = read_settings(root, "taxonomy.yml", problems)
    site_doc = read_settings(root, "site.yml", problems)
    settings_key = (str(root), tax_doc.digest if tax_doc else None, site_doc.digest if site_doc else None)
    if memo is not None and settings_key in memo.settings:
        taxonomy, site = memo.settings[settings_key]   # the same objects: cases kept from before refer to them
    else:
        before = len(problems)
        taxonomy = build_taxonomy(tax_doc, problems) if tax_doc else None
        site = build_site(site_doc, taxonomy, problems) if site_doc else None
        if memo is not None and taxonomy is not None and site is not None and len(problems) == before:
            memo.settings = {settings_key: (taxonomy, site)}
    if taxonomy is None or site is None:
        # Without a vocabulary the cases cannot be checked meaningfully.
        raise ContentError(problems.sorted())

    readings_doc = optional_yaml(root / "readings.yml", problems)
    readings = build_readings(readings_doc, problems) if readings_doc else {}
    texts = [*strings(tax_doc.meta), *strings(site_doc.meta)] if readings else []

    org_docs: list = []
    registry = load_registry(root, tax_doc, taxonomy, problems, org_docs)
    if readings:
        for doc in org_docs:
            texts += [doc.body, *strings(doc.meta)]
    validator = CaseValidator(site, taxonomy, root / "images", registry)
    if memo is not None:   # what else a case's validation reads
        env = (settings_key, digest(*(d.digest for d in org_docs)), folder_state(root / "images"))
        if any(key[2] != env for key in list(memo.cases)[:1]):
            memo.cases.clear()
    cases: list[Case] = []
    seen: dict[str, str] = {}
    drafts = 0
    case_files = discover(root / "cases", problems)
    if not (root / "cases").is_dir():
        problems.add(display_path(root / "cases"), 1, "フォルダ", "cases/ フォルダがありません")
    displays = display_paths(case_files)
    rels = [case_rel(root, p) for p in case_files]
    owners = [""] * len(texts)   # whose each text is: "" (settings, organisations, guideline) or a case file
    store = stored = None
    if memo is None:   # a build: cases validated before, by their file's bytes (kyodo/model/case_store.py)
        store = CaseStore(cache_root(root), digest(str(root), *settings_key[1:], *(d.digest for d in org_docs),
                                                   folder_state(root / "images"), "readings" if readings else ""),
                          taxonomy, str(root.resolve()))
        stored = _known_cases(store, case_files, displays)
        rest = [i for i in range(len(case_files)) if i not in stored]
        stream = _read_all([case_files[i] for i in rest], [displays[i] for i in rest])
        parsed = _InOrder(rest, stream)
    else:
        stream, parsed = contextlib.nullcontext(), None
    with stream:   # the workers stop here, whatever happens
        for i, path in enumerate(case_files):
            display = displays[i]
            if path.stem in seen:
                problems.add(display, 1, "ファイル名",
                             f"スラッグ「{path.stem}」が {seen[path.stem]} と重複しています。どちらかのファイル名を変えてください")
                continue
            seen[path.stem] = display
            if stored and i in stored:
                case, notices, texts_of = stored[i]
                registry.notices += notices
                if readings:
                    texts += [case.body, *texts_of]
                    owners += [rels[i]] * (1 + len(texts_of))
                if case.draft:
                    drafts += 1
                else:
                    cases.append(case)
                continue
            if parsed is not None:
                packed, found = parsed[i]
                problems.extend(found)
                doc = frontmatter.Document.unpacked(path, display, packed) if packed is not None else None
            else:
                doc = memo.read(path, display, problems)
            if doc is None:
                continue
            if readings:
                before_texts = len(texts)
                texts += [doc.body, *strings(doc.meta)]
                owners += [rels[i]] * (len(texts) - before_texts)
            known = memo.cases.get((str(path), doc.digest, env)) if memo is not None else None
            if known is not None:
                case, notices = known
                registry.notices += notices
            else:
                before, noticed = len(problems), len(registry.notices)
                case = validator.validate(doc, problems)
                if case is None:
                    continue
                case.digest, case.meta_digest = doc.digest, doc.meta_digest
                if memo is not None and len(problems) == before:
                    memo.cases[(str(path), doc.digest, env)] = (case, registry.notices[noticed:])
                if store is not None and len(problems) == before:
                    store.put(case, registry.notices[noticed:], strings(doc.meta) if readings else [])
            if case.draft:
                drafts += 1
                continue
            cases.append(case)

    if memo is not None:   # files deleted or changed since: forget them
        live = {(str(p)) for p in case_files}
        for key in [k for k in memo.cases if k[0] not in live]:
            del memo.cases[key]
        if len(memo.docs) > 2 * len(case_files) + 100:
            memo.docs.clear()

    chapters = []
    chapter_slugs: dict[str, str] = {}
    for path in discover(root / "guideline", problems):
        display = display_path(path)
        if path.stem in chapter_slugs:
            problems.add(display, 1, "ファイル名", f"スラッグ「{path.stem}」が {chapter_slugs[path.stem]} と重複しています")
            continue
        chapter_slugs[path.stem] = display
        doc = frontmatter.read(path, display, problems)
        if doc and readings:
            texts += [doc.body, *strings(doc.meta)]
        chapter = build_chapter(doc, problems) if doc else None
        if chapter:
            chapters.append(chapter)

    check_references(site, chapters, problems)
    if problems:
        raise ContentError(problems.sorted())
    if store is not None:
        later(store.save, fork=len(case_files) >= MIN_ITEMS)   # in a child while this process goes on
    cases.sort(key=case_order)
    chapters.sort(key=lambda ch: (ch.order, ch.slug))
    found = witnesses(readings, texts, owners) if readings_doc else {}
    warnings = unused_readings(readings_doc, readings, texts, found) if readings_doc else []
    warnings += sorted(registry.notices)   # near-duplicate organisation names
    return Content(root, site, taxonomy, cases, chapters, drafts, readings, warnings, registry,
                   found, {w: unused_warning(readings_doc, w) for w in found})


def case_rel(root: Path, path: Path) -> str:
    """A case file's name below the content folder (``cases/x.md``)."""
    text, base = os.fspath(path), os.fspath(root)
    if text.startswith(base + os.sep) and os.sep + os.pardir + os.sep not in text \
            and os.sep + os.curdir + os.sep not in text:
        return text[len(base) + 1:].replace(os.sep, "/")   # as Path.relative_to gives it, without its cost
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return str(path)
