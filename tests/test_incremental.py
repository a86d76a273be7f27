"""Incremental builds: the output after any sequence of edits is byte-identical
to a clean build of the same content; a failed build changes nothing."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from kyodo import paths
from kyodo.commands import build as build_command
from kyodo.errors import ContentError, UsageError
from kyodo.views import bodies
from kyodo.write.update import JOURNAL
from tests.factory import case_text, make_content

TERMS = {"partner": ["NPO法人", "区民", "町会・自治会", "事業者"], "form": ["委託", "共催", "補助・助成", "後援"],
         "domain": ["B", "C", "D"], "outcomes": ["事業の充実・拡大", "担い手の育成"]}
WORDS = ["防災訓練", "子ども食堂", "見守り", "清掃活動", "読み聞かせ", "町会の祭り", "高齢者の居場所"]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def random_case(rng: random.Random, n: int) -> str:
    word = rng.choice(WORDS)
    fields = {k: "[" + ", ".join(rng.sample(v, rng.randint(1, 2))) + "]" for k, v in TERMS.items()}
    if rng.random() < 0.5:
        fields["updated"] = f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    body = f"## 背景\n\n{word}を{n}回行いました。[[domain:B]]の考え方です。\n\n## 成果\n\n参加者が増えました。\n"
    return case_text(body, title=f"{word}の事例{n}", fiscal_year=rng.choice([2022, 2023, 2024]),
                     department="子ども家庭部", **fields)


class Sandbox:
    def __init__(self, tmp: Path, monkeypatch, furigana: bool = True):
        self.tmp = tmp
        self.content = make_content(tmp / "content", {})
        if not furigana:   # ruby pages are compared in the other tests; here they would triple the time
            site = self.content / "site.yml"
            site.write_text(site.read_text(encoding="utf-8").replace("furigana: true", "furigana: false")
                            .replace("  cases: true", "  cases: false"), encoding="utf-8")
        self.templates = tmp / "templates"
        shutil.copytree(paths.TEMPLATES, self.templates)
        monkeypatch.setattr(paths, "TEMPLATES", self.templates)
        self.cache = tmp / "cache"
        self.out = tmp / "site"
        self.monkeypatch = monkeypatch
        self.rounds = 0

    def build(self, out: Path, cache: Path, with_search: bool):
        if not (cache / "cards").exists():
            # The drawn share images (keyed by their text) are shared by every cache of
            # the test: drawing them again for each clean build was most of its time.
            cache.mkdir(parents=True, exist_ok=True)
            (self.tmp / "cards").mkdir(exist_ok=True)
            (cache / "cards").symlink_to(self.tmp / "cards", target_is_directory=True)
        self.monkeypatch.setenv("KYODO_CACHE", str(cache))
        return build_command.build(self.content, out, with_search=with_search)

    def check(self, with_search: bool = False):
        """Build incrementally, then clean (no cache, nothing in memory), and compare."""
        result = self.build(self.out, self.cache, with_search)
        self.rounds += 1
        clean = self.tmp / f"clean{self.rounds}"
        bodies._MEMORY.clear()
        self.build(clean, self.tmp / f"nocache{self.rounds}", with_search)
        a, b = tree(self.out), tree(clean)
        assert sorted(a) == sorted(b), (set(a) ^ set(b))
        different = [rel for rel in a if a[rel] != b[rel]]
        assert not different, different[:10]
        shutil.rmtree(clean)
        return result


KINDS = ["body", "add", "delete", "rename", "facet", "title", "template", "site", "taxonomy", "updated"]


def edit(sb: Sandbox, rng: random.Random, step: int, kind: str | None = None) -> str:
    cases = sorted((sb.content / "cases").glob("*.md"))
    kind = kind or rng.choice(KINDS)
    if len(cases) <= 3:
        kind = "add"
    target = rng.choice(cases) if cases else None
    if kind == "add":
        (sb.content / "cases" / f"new-{step}.md").write_text(random_case(rng, step), encoding="utf-8")
    elif kind == "body":
        target.write_text(target.read_text(encoding="utf-8") + f"\n追記 {step} です。\n", encoding="utf-8")
    elif kind == "delete":
        target.unlink()
    elif kind == "rename":
        target.rename(target.with_name(f"renamed-{step}.md"))
    elif kind == "facet":
        text = target.read_text(encoding="utf-8")
        old = next(t for t in TERMS["domain"] if f"domain: [{t}" in text or f", {t}" in text.split("domain:")[1].split("\n")[0])
        new = rng.choice([t for t in TERMS["domain"] if t != old])
        line = next(l for l in text.splitlines() if l.startswith("domain:"))
        target.write_text(text.replace(line, f"domain: [{new}]"), encoding="utf-8")
    elif kind == "title":
        text = target.read_text(encoding="utf-8")
        line = next(l for l in text.splitlines() if l.startswith("title:"))
        target.write_text(text.replace(line, f"title: 改めた題名{step}"), encoding="utf-8")
    elif kind == "updated":
        text = target.read_text(encoding="utf-8")
        text = "\n".join(l for l in text.splitlines() if not l.startswith("updated:")) + "\n"
        target.write_text(text.replace("---\n", f"---\nupdated: 2025-0{rng.randint(1, 9)}-2{rng.randint(0, 8)}\n", 1),
                          encoding="utf-8")
    elif kind == "template":
        page = sb.templates / "case.html"
        page.write_text(page.read_text(encoding="utf-8").replace("{% block main %}", f"{{% block main %}}<!-- {step} -->", 1),
                        encoding="utf-8")
        # and a partial that base.html includes (written into it when templates are read, kyodo/render/inline.py)
        part = sb.templates / "partials" / "breadcrumbs.html"
        part.write_text(part.read_text(encoding="utf-8").replace("<ol>", f"<ol><!-- partial {step} -->", 1),
                        encoding="utf-8")
    elif kind == "site":
        site = sb.content / "site.yml"
        lines = site.read_text(encoding="utf-8").splitlines()
        lines = [f"title: 青葉川区 協働事例集 第{step}版" if l.startswith("title:") else l for l in lines]
        site.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif kind == "taxonomy":
        tax = sb.content / "taxonomy.yml"
        text = tax.read_text(encoding="utf-8")
        tax.write_text(text.replace("区が主導", f"区が主導（{step}）", 1), encoding="utf-8")
    return kind


@pytest.mark.parametrize("seed", [7])
def test_incremental_equals_clean_over_random_edits(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    sb = Sandbox(tmp_path, monkeypatch, furigana=False)
    for n in range(6):
        (sb.content / "cases" / f"case-{n}.md").write_text(random_case(rng, n), encoding="utf-8")
    first = sb.check()
    assert not first.written.get("kept")          # the first build writes everything
    done = []
    last = len(KINDS) - 1
    for step, kind in enumerate(rng.sample(KINDS, len(KINDS))):   # every kind of edit once, in a random order
        done.append(edit(sb, rng, step, kind))
        result = sb.check(with_search=(step == last))
        assert result.written.get("kept") or done[-1] in ("template", "site", "taxonomy") or step == last, done
        if kind == "template":   # the partial's edit seen on the pages, not only the same in both builds
            pages = list((sb.out / "cases").glob("*/index.html"))
            assert pages and all(f"<!-- partial {step} -->" in p.read_text(encoding="utf-8") for p in pages)
    assert sorted(done) == sorted(KINDS), done


def test_an_unchanged_rebuild_writes_nothing(tmp_path, monkeypatch):
    sb = Sandbox(tmp_path, monkeypatch)
    for n in range(4):
        (sb.content / "cases" / f"case-{n}.md").write_text(random_case(random.Random(n), n), encoding="utf-8")
    sb.build(sb.out, sb.cache, True)
    before = {p: p.stat().st_mtime_ns for p in sb.out.rglob("*") if p.is_file()}
    result = sb.build(sb.out, sb.cache, True)
    assert result.written["written"] == 0 and result.written["removed"] == 0
    assert {p: p.stat().st_mtime_ns for p in sb.out.rglob("*") if p.is_file()} == before
    # One body edit: that case's page (and its ruby copy) change, not the others'.
    case = sb.content / "cases" / "case-1.md"
    case.write_text(case.read_text(encoding="utf-8") + "\n一文を足しました。\n", encoding="utf-8")
    kept = {p: p.stat().st_mtime_ns for p in (sb.cache / "markdown").rglob("*") if p.is_file()}
    result = sb.build(sb.out, sb.cache, True)
    # The markdown cache rewrites the shard that gains the new body and the one that loses the old.
    rewritten = [p for p in (sb.cache / "markdown").rglob("*") if p.is_file() and kept.get(p) != p.stat().st_mtime_ns]
    assert 1 <= len(rewritten) <= 2 and len(kept) > 2, (rewritten, len(kept))
    changed = {p.relative_to(sb.out).as_posix() for p in sb.out.rglob("*") if p.is_file()
               and before.get(p) != p.stat().st_mtime_ns}
    assert "cases/case-1/index.html" in changed and "furigana/cases/case-1/index.html" in changed
    assert not any(c.startswith("cases/case-") and "case-1" not in c for c in changed), changed
    # ... and the result, ruby pages and search included, is a clean build's.
    bodies._MEMORY.clear()
    sb.build(tmp_path / "clean", tmp_path / "nocache", True)
    assert tree(sb.out) == tree(tmp_path / "clean")


def test_a_new_folder_records_every_pages_fingerprint(tmp_path, monkeypatch):
    """A build into a new folder records every page's fingerprint, so the next build
    renders no page that did not change (an unrecorded one would be rendered again,
    then found byte for byte the same: the written files alone cannot show it)."""
    from kyodo.render.renderer import Renderer

    sb = Sandbox(tmp_path, monkeypatch, furigana=False)
    for n in range(4):
        (sb.content / "cases" / f"case-{n}.md").write_text(random_case(random.Random(n), n), encoding="utf-8")
    sb.build(sb.out, sb.cache, True)
    rendered = []
    real = Renderer.render
    monkeypatch.setattr(Renderer, "render", lambda self, page: rendered.append(page.url) or real(self, page))
    result = sb.build(sb.out, sb.cache, True)   # with search: an update, never the body-only shortcut
    assert rendered == [] and result.written["written"] == 0
    case = sb.content / "cases" / "case-2.md"
    case.write_text(case.read_text(encoding="utf-8") + "\n一文を足しました。\n", encoding="utf-8")
    sb.build(sb.out, sb.cache, True)
    assert "cases/case-2/" in rendered and not any(u.startswith("cases/case-") and u != "cases/case-2/"
                                                    for u in rendered), rendered


def test_a_failed_incremental_build_changes_nothing(tmp_path, monkeypatch):
    sb = Sandbox(tmp_path, monkeypatch)
    for n in range(3):
        (sb.content / "cases" / f"case-{n}.md").write_text(random_case(random.Random(n), n), encoding="utf-8")
    sb.build(sb.out, sb.cache, False)
    before = tree(sb.out)
    case = sb.content / "cases" / "case-0.md"
    case.write_text(case.read_text(encoding="utf-8") + "\n正しい追記。\n", encoding="utf-8")
    (sb.content / "cases" / "broken.md").write_text(case_text(fiscal_year="'来年'"), encoding="utf-8")
    with pytest.raises(ContentError):
        sb.build(sb.out, sb.cache, False)
    assert tree(sb.out) == before
    (sb.content / "cases" / "broken.md").unlink()
    page = sb.templates / "case.html"
    page.write_text(page.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}{{ no_such.attr }}", 1),
                    encoding="utf-8")
    with pytest.raises(UsageError) as failed:
        sb.build(sb.out, sb.cache, False)
    assert "case.html" in str(failed.value) and "cases/case-" in str(failed.value)   # names the template and the page
    assert tree(sb.out) == before
    assert not [p for p in sb.out.rglob("*.kyodo-new")]


def test_edits_by_hand_and_interrupted_builds_mean_a_full_build(tmp_path, monkeypatch):
    sb = Sandbox(tmp_path, monkeypatch)
    (sb.content / "cases" / "case-0.md").write_text(random_case(random.Random(0), 0), encoding="utf-8")
    sb.build(sb.out, sb.cache, False)
    clean = tree(sb.out)
    # Someone edits a published page by hand: the next build notices and rebuilds it.
    page = sb.out / "cases" / "case-0" / "index.html"
    page.write_bytes(b"edited by hand")
    result = sb.build(sb.out, sb.cache, False)
    assert not result.written.get("kept") and tree(sb.out) == clean
    # A build killed while renaming leaves its journal: the next build starts from scratch.
    (sb.out / JOURNAL).write_text("cases/case-0/index.html", encoding="utf-8")
    result = sb.build(sb.out, sb.cache, False)
    assert not result.written.get("kept") and tree(sb.out) == clean
    assert not (sb.out / JOURNAL).exists()
