"""Structural tests of the built site, atomic writes, determinism and XSS."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from kyodo.commands.build import build
from kyodo.errors import ContentError, UsageError
from kyodo.model.assemble import load_content
from kyodo.text.wareki import fiscal_year_label
from tests.factory import OTHER_DROP, OTHER_SITE, OTHER_TAXONOMY, ROOT, SAMPLE, case_text, make_content
from tests.html import parse


def tree_digest(folder: Path, skip: str | None = None) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()
            and not (skip and p.relative_to(folder).as_posix().startswith(skip))}


@pytest.fixture(scope="module")
def sample():
    return load_content(SAMPLE)


def html_pages(site: Path):
    return sorted(site.rglob("*.html"))


# -- the sample site -----------------------------------------------------------

def test_every_page_type_exists(sample_site, sample):
    for case in sample.cases:
        assert (sample_site / case.url / "index.html").is_file()
    for facet in sample.taxonomy:
        assert (sample_site / facet.key / "index.html").is_file()
        for term in facet.terms:
            assert (sample_site / term.url / "index.html").is_file()
    for year in {c.fiscal_year for c in sample.cases}:
        assert (sample_site / "year" / str(year) / "index.html").is_file()
    for ch in sample.chapters:
        assert (sample_site / ch.url / "index.html").is_file()
    for rel in ("index.html", "cases/index.html", "year/index.html", "guideline/index.html", "stats/index.html",
                "search/index.html", "404.html", "sitemap.xml", "feed.xml", "robots.txt",
                "data/cases.json", "data/stats.json", "assets/style.css"):
        assert (sample_site / rel).is_file(), rel


def test_every_page_has_the_accessible_frame(sample_site, sample_doc):
    for path in html_pages(sample_site):
        doc = sample_doc(path)
        html = doc.find("html")
        assert html.attrs.get("lang") == "ja", path
        assert doc.find("title").text().strip(), path
        assert doc.find("meta", name="viewport") is not None
        rel = path.relative_to(sample_site).parts
        if rel[0] in ("embed", "booklet"):
            continue  # a bare figure or a print document: no navigation to skip
        assert doc.find("a", class_="skip-link").attrs["href"] == "#main", path
        main = doc.find_all("main")
        assert len(main) == 1 and main[0].attrs["id"] == "main", path
        for nav in doc.find_all("nav"):
            assert nav.attrs.get("aria-label") or nav.attrs.get("aria-labelledby"), (path, nav.attrs)


def test_internal_links_resolve_and_nothing_loads_from_outside(sample_site, sample_doc):
    broken, external = [], []
    found: dict[Path, bool] = {}
    for path in html_pages(sample_site):
        doc = sample_doc(path)
        for node in doc.iter():
            for attr in ("href", "src"):
                value = node.attrs.get(attr)
                if value is None:
                    continue
                parts = urlsplit(value)
                if parts.scheme or value.startswith("//"):
                    if node.tag != "a" and not (node.tag == "link" and node.attrs.get("rel") == "canonical"):
                        external.append((path, value))
                    continue
                if not parts.path:
                    continue
                base = Path("/") if value.startswith("/") else path.parent
                target = (sample_site / unquote(parts.path).lstrip("/")) if value.startswith("/") \
                    else (base / unquote(parts.path))
                if target not in found:   # many pages link the same files
                    found[target] = (target / "index.html" if target.is_dir() else target).resolve().is_file()
                if not found[target]:
                    broken.append((path.relative_to(sample_site), value))
    assert not external, external[:5]
    assert not broken, broken[:10]


def test_case_page_content(sample_site, sample):
    case = next(c for c in sample.cases if c.process and c.indicators and len(c.terms["domain"]) >= 1)
    doc = parse(sample_site / case.url / "index.html")
    assert doc.find("h1").text().strip() == case.title
    text = doc.text()
    assert fiscal_year_label(case.fiscal_year) in text
    hrefs = {a.attrs.get("href") for a in doc.find_all("a")}
    for term in case.all_terms():
        assert f"../../{term.url}" in hrefs, term
    crumbs = doc.find("nav", aria_label="現在位置")
    assert crumbs.find("a", aria_current="page").text() == case.title
    for stage, _ in case.process:
        assert stage in text
    table = next(t for t in doc.find_all("table") if "指標" in t.find("caption").text())
    assert len(table.find("tbody").find_all("tr")) == len(case.indicators)
    assert doc.find("nav", aria_label="前後の事例") is not None
    assert doc.find("section", class_="related") is not None
    assert doc.find("meta", property="og:title").attrs["content"] == case.title
    assert doc.find("link", rel="canonical").attrs["href"] == sample.site.base_url + case.url


def test_term_pages_count_and_list_cases(sample_site, sample):
    for facet in sample.taxonomy:
        for term in facet.terms:
            expected = [c for c in sample.cases if c.has(term)]
            doc = parse(sample_site / term.url / "index.html")
            assert f"{len(expected)} 件" in doc.find("p", class_="count").text()
            listed = [a.attrs["href"] for a in doc.find_all("a") if a.parent.tag == "h3"]
            per_page = sample.site.per_page
            assert listed == [f"../../{c.url}" for c in expected[:per_page]]


def test_guideline_links_terms_with_counts(sample_site, sample):
    stats = json.loads((sample_site / "data/stats.json").read_text(encoding="utf-8"))
    forms = parse(sample_site / "guideline/forms/index.html")
    links = forms.find_all("a", class_="term-ref")
    assert len(links) == len(sample.taxonomy["form"].terms)
    by_slug = {t["slug"]: t["cases"] for t in stats["facets"]["form"]["terms"]}
    for a in links:
        slug = a.attrs["href"].rstrip("/").rsplit("/", 1)[-1]
        label, n = re.fullmatch(r"(.+)（(\d+)件）", a.text()).groups()
        assert int(n) == by_slug[slug]
    assert forms.find("nav", class_="toc") is not None
    # A term page links back to where the guideline explains it.
    term_page = parse(sample_site / "form/co-host/index.html")
    back = [a.attrs["href"] for a in term_page.find_all("a") if "guideline/forms/#" in a.attrs.get("href", "")]
    assert back


def test_stats_json_matches_cases_json(sample_site, sample):
    cases = json.loads((sample_site / "data/cases.json").read_text(encoding="utf-8"))["cases"]
    stats = json.loads((sample_site / "data/stats.json").read_text(encoding="utf-8"))
    assert stats["cases"] == len(cases) == len(sample.cases)
    for key, facet in stats["facets"].items():
        for term in facet["terms"]:
            assert term["cases"] == sum(1 for c in cases if term["slug"] in {t["slug"] for t in c["facets"][key]})
        assert facet["assignments"] == sum(len(c["facets"][key]) for c in cases)
    for key, table in stats["crosstabs"].items():
        a, b = key.split("/")
        for row, cols in table["rows"].items():
            for col, n in cols.items():
                assert n == sum(1 for c in cases if row in {t["slug"] for t in c["facets"][a]}
                                and col in {t["slug"] for t in c["facets"][b]})
    assert stats["facets"]["domain"]["assignments"] > stats["cases"]  # some sample cases sit in two domains


def test_feed_and_sitemap(sample_site, sample):
    feed = ET.parse(sample_site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert 0 < len(entries) <= 30
    assert entries[0].find("a:title", ns).text == sample.cases[0].title
    sitemap = ET.parse(sample_site / "sitemap.xml").getroot()
    locs = {u.text for u in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert {sample.site.base_url + c.url for c in sample.cases} <= locs


def test_404_uses_site_root_paths(sample_site):
    doc = parse(sample_site / "404.html")
    assert doc.find("link", rel="stylesheet").attrs["href"] == "/assets/style.css"


# -- build behaviour ---------------------------------------------------------------

def test_failed_build_leaves_previous_output_untouched(tmp_path):
    content = make_content(tmp_path / "content", {"a.md": case_text(), "b.md": case_text(title="二件目")})
    out = tmp_path / "site"
    build(content, out, with_search=False)
    before = tree_digest(out)
    (content / "cases" / "b.md").write_text(case_text(domain="[A]"), encoding="utf-8")
    with pytest.raises(ContentError):
        build(content, out, with_search=False)
    assert tree_digest(out) == before
    # Nothing half-written is left behind (the build cache beside the content is kept on purpose).
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".") and p.name != ".kyodo-cache"] == []


def test_crash_while_writing_leaves_previous_output_untouched(tmp_path, monkeypatch):
    content = make_content(tmp_path / "content", {"a.md": case_text()})
    out = tmp_path / "site"
    build(content, out, with_search=False)
    before = tree_digest(out)
    from kyodo.render import renderer
    calls = {"n": 0}
    original = renderer.Renderer.render

    def flaky(self, page):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full")
        return original(self, page)
    monkeypatch.setattr(renderer.Renderer, "render", flaky)
    with pytest.raises(OSError):
        build(content, out, with_search=False, full=True)     # a whole new folder
    assert tree_digest(out) == before
    # An incremental build (one case changed) that fails while writing changes nothing either.
    (content / "cases" / "a.md").write_text(case_text(body="## 背景\n\n書き換えた本文です。\n"), encoding="utf-8")
    calls["n"] = 4
    with pytest.raises(OSError):
        build(content, out, with_search=False)
    assert tree_digest(out) == before
    assert not list(out.rglob("*.kyodo-new"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site")]


def test_two_builds_are_byte_identical(tmp_path, sample_site):
    """The session's sample build (tests/conftest.py) and a second one, on its build cache."""
    build(SAMPLE, tmp_path / "two", with_search=True)
    one, two = tree_digest(sample_site), tree_digest(tmp_path / "two")
    assert any(p.startswith("search/gram/") for p in one)   # the search index is compared too
    assert one == two and len(one) > 100


def test_refuses_to_overwrite_a_folder_it_did_not_write(tmp_path):
    content = make_content(tmp_path / "content", {"a.md": case_text()})
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "keep.txt").write_text("大切なファイル", encoding="utf-8")
    with pytest.raises(UsageError):
        build(content, precious, with_search=False)
    assert (precious / "keep.txt").read_text(encoding="utf-8") == "大切なファイル"
    with pytest.raises(UsageError):
        build(content, content, with_search=False)
    assert (content / "cases" / "a.md").exists()


def test_drafts_are_not_published(tmp_path):
    content = make_content(tmp_path / "c", {"a.md": case_text(), "wip.md": case_text(draft="true")})
    out = tmp_path / "site"
    build(content, out, with_search=False)
    assert (out / "cases/a/index.html").exists() and not (out / "cases/wip").exists()
    assert json.loads((out / "data/stats.json").read_text(encoding="utf-8"))["cases"] == 1


def test_other_taxonomy_builds_without_code_change(tmp_path):
    fields = dict(drop=OTHER_DROP)
    cases = {f"c{i}.md": case_text(title=f"事例{i}", theme="[福祉, 防災]" if i % 2 else "防災",
                                   area="北部" if i < 3 else "south", **fields) for i in range(5)}
    content = make_content(tmp_path / "c", cases, taxonomy=OTHER_TAXONOMY, site=OTHER_SITE)
    out = tmp_path / "site"
    build(content, out, with_search=False)
    stats = json.loads((out / "data/stats.json").read_text(encoding="utf-8"))
    assert set(stats["facets"]) == {"theme", "area"}
    assert {t["slug"]: t["cases"] for t in stats["facets"]["theme"]["terms"]} == {"welfare": 2, "disaster": 5, "unused": 0}
    assert stats["crosstabs"]["theme/area"]["rows"]["disaster"] == {"north": 3, "south": 2}
    assert (out / "theme/disaster/page/3/index.html").exists()           # 5 cases, 2 per page
    empty = parse(out / "theme/unused/index.html")
    assert "まだ掲載していません" in empty.find("p", class_="empty").text()
    assert not (out / "partner").exists()
    home = parse(out / "index.html")
    assert {"分野", "地区"} <= {a.text() for a in home.find("nav", aria_label="メインメニュー").find_all("a")}
    assert parse(out / "404.html").find("link", rel="stylesheet").attrs["href"] == "/kyodo/assets/style.css"


HOSTILE = '<script>alert("x")</script>'


def test_hostile_content_never_reaches_pages_as_code(tmp_path):
    body = f"""
## 見出し{HOSTILE}

{HOSTILE}
<img src=x onerror=alert(1)>
<a href="javascript:alert(1)">raw</a>
[md link](javascript:alert(1)) [enc](&#x6a;avascript:alert(1)) <javascript:alert(1)>
![img](javascript:alert(1)) ![ext](https://evil.example/x.png)
[ok](https://example.jp/?a="onmouseover=alert(1))
"""
    evil = '"><svg onload=alert(1)>'
    case = case_text(
        body=body, title=f"'{HOSTILE}'", summary=f"'{evil}'", organizations=f"['{evil}', '{HOSTILE}']",
        period=f"'{evil}'", process=f"{{実施: '{HOSTILE}'}}", indicators=f"[{{name: '{evil}', value: '{HOSTILE}', unit: '{evil}'}}]",
        # A hostile e-mail or phone never gets this far (tests/test_messages.py): check rejects it.
        contact=f"{{section: '{HOSTILE}', email: 'x@example.jp', phone: '03-1234-5678'}}",
        links=f"[{{title: '{HOSTILE}', url: 'https://example.jp/\"><script>alert(1)</script>'}}]")
    chapter = f"---\ntitle: '{HOSTILE}'\norder: 1\nsummary: '{evil}'\n---\n\n{body}\n"
    site = f"title: '{HOSTILE}'\norganization: '{evil}'\nbase_url: https://example.jp/\nintro: '{HOSTILE}'\n"
    content = make_content(tmp_path / "c", {"evil.md": case}, guideline={"evil.md": chapter}, site=site)
    out = tmp_path / "site"
    build(content, out, with_search=False)
    problems = []
    for path in sorted(out.rglob("*")):
        if path.suffix not in (".html", ".xml", ".svg"):
            continue
        text = path.read_text(encoding="utf-8")
        doc = parse(text)
        for node in doc.iter():
            for name, value in node.attrs.items():
                if name.startswith("on"):
                    problems.append((path.name, node.tag, name))
                if name in ("href", "src", "action", "formaction", "xlink:href") and \
                        re.match(r"\s*(javascript|vbscript|data):", value, re.I):
                    problems.append((path.name, node.tag, value))
            if node.tag == "script" and not node.attrs.get("src", "").startswith(("../", "assets/", "/assets/")):
                problems.append((path.name, "inline script", node.text()[:40]))
            if node.tag in ("svg", "iframe", "object", "embed") and "alert" in str(node.attrs):
                problems.append((path.name, node.tag))
        assert "<script>alert" not in text, path
    assert not problems, problems[:10]
    page = (out / "cases/evil/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert" in page  # shown as text, not dropped silently


# -- command line -------------------------------------------------------------------

def run_cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)


def test_cli_build_errors_and_help(tmp_path):
    content = make_content(tmp_path / "c", {"a.md": case_text(fiscal_year="令和6年度")})
    proc = run_cli("--content", str(content), "--out", str(tmp_path / "out"), "--no-search")
    assert proc.returncode == 1 and "a.md:4: fiscal_year:" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()
    helped = run_cli("--help")
    assert helped.returncode == 0 and "例:" in helped.stdout and "--content" in helped.stdout
    wrong = run_cli("--bogus")
    assert wrong.returncode == 2 and "エラー" in wrong.stderr and "Traceback" not in wrong.stderr
    (content / "cases" / "a.md").write_text(case_text(), encoding="utf-8")
    ok = run_cli("--content", str(content), "--out", str(tmp_path / "out"), "--no-search")
    assert ok.returncode == 0 and (tmp_path / "out/cases/a/index.html").exists(), ok.stderr
