"""Assemble the validated content of one folder into a :class:`Content`.

load (files, YAML) -> validate (each file against the contract) -> here: the
cross-file checks (duplicate slugs, references), catalogue order, warnings.
"""

from __future__ import annotations

from pathlib import Path

from kyodo.core.case import Case
from kyodo.errors import ContentError, Problems
from kyodo.load import frontmatter
from kyodo.load.content import discover, optional_yaml, read_settings
from kyodo.model.content import Content
from kyodo.paths import display_path
from kyodo.validate.case import CaseValidator
from kyodo.validate.guideline import build_chapter
from kyodo.validate.readings import build_readings, strings, unused_readings
from kyodo.validate.references import check_references
from kyodo.validate.site import build_site
from kyodo.validate.taxonomy import build_taxonomy
from kyodo.model.organizations import load_registry


def case_order(case: Case):
    """Catalogue order: newest fiscal year first, then last updated, then slug."""
    return (-case.fiscal_year, -(case.updated.toordinal() if case.updated else 0), case.slug)


def load_content(root: Path) -> Content:
    """Load ``root``; raise :class:`ContentError` listing every problem."""
    root = Path(root)
    problems = Problems()
    if not root.is_dir():
        problems.add(display_path(root), 1, "フォルダ", "コンテンツのフォルダがありません")
        raise ContentError(problems.sorted())
    tax_doc = read_settings(root, "taxonomy.yml", problems)
    taxonomy = build_taxonomy(tax_doc, problems) if tax_doc else None
    site_doc = read_settings(root, "site.yml", problems)
    site = build_site(site_doc, taxonomy, problems) if site_doc else None
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
    cases: list[Case] = []
    seen: dict[str, str] = {}
    drafts = 0
    case_files = discover(root / "cases", problems)
    if not (root / "cases").is_dir():
        problems.add(display_path(root / "cases"), 1, "フォルダ", "cases/ フォルダがありません")
    for path in case_files:
        display = display_path(path)
        if path.stem in seen:
            problems.add(display, 1, "ファイル名",
                         f"スラッグ「{path.stem}」が {seen[path.stem]} と重複しています。どちらかのファイル名を変えてください")
            continue
        seen[path.stem] = display
        doc = frontmatter.read(path, display, problems)
        if doc is None:
            continue
        if readings:
            texts += [doc.body, *strings(doc.meta)]
        case = validator.validate(doc, problems)
        if case is None:
            continue
        case.digest = doc.digest
        if case.draft:
            drafts += 1
            continue
        cases.append(case)

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
    cases.sort(key=case_order)
    chapters.sort(key=lambda ch: (ch.order, ch.slug))
    warnings = unused_readings(readings_doc, readings, texts) if readings_doc else []
    warnings += sorted(registry.notices)   # near-duplicate organisation names
    return Content(root, site, taxonomy, cases, chapters, drafts, readings, warnings, registry)
