"""団体情報バンク: organisation files, how cases name them, their pages and data."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml

from kyodo.commands.build import build
from kyodo.errors import ContentError
from kyodo.model.assemble import load_content
from tests.factory import SAMPLE, case_text, make_content
from tests.html import EventParser


def fold(s: str) -> str:   # written here again on purpose: the test does not trust kyodo's
    return unicodedata.normalize("NFKC", s).strip().casefold()


def org_text(**fields) -> str:
    values = {"name": "NPO法人 テストの会", "kind": "NPO法人", "summary": "テストのための団体です。"}
    values.update(fields)
    front = "\n".join(f"{k}: {v}" for k, v in values.items() if v is not None)
    return f"---\n{front}\n---\n\n活動内容です。\n"


def content_with(tmp_path: Path, orgs: dict[str, str], cases: dict[str, str] | None = None, **kw) -> Path:
    root = make_content(tmp_path / "content", cases or {"a.md": case_text()}, **kw)
    folder = root / "organizations"
    folder.mkdir(exist_ok=True)
    for name, text in orgs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return root


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ContentError) as exc:
        load_content(root)
    return [str(p) for p in exc.value.problems]


# -- loading and validation ----------------------------------------------------------------

def test_the_sample_has_a_bank_that_the_cases_use():
    content = load_content(SAMPLE)
    orgs = content.organizations.organizations
    assert len(orgs) >= 20
    assert any(o.aliases for o in orgs) and sum(1 for o in orgs if o.recruiting) >= 3
    named = [fold(n) for c in content.cases for n in c.organizations]
    uses = {o.slug: sum(1 for n in named if n in {fold(x) for x in (o.slug, *o.names)}) for o in orgs}
    assert all(uses.values()), [s for s, n in uses.items() if not n]
    assert sum(1 for n in uses.values() if n >= 2) >= 5
    assert not content.organizations.notices, content.organizations.notices


def test_a_valid_organisation_loads(tmp_path):
    root = content_with(tmp_path, {"test-no-kai.md": org_text(
        aliases="[テストの会, 旧テスト会]", area="柳原一丁目", fields="[子育て, 防災・防犯]", founded=2008,
        website="https://test.example.jp/", contact="{section: 事務局, phone: 03-0000-0000}",
        recruiting="{what: [ボランティア], text: 手伝ってくださる方を募集しています。, until: 2030-03-31}",
        updated="2025-04-01")})
    org = load_content(root).organizations.organizations[0]
    assert (org.slug, org.name, org.kind.slug, org.aliases) == ("test-no-kai", "NPO法人 テストの会", "npo",
                                                                ("テストの会", "旧テスト会"))
    assert [t.slug for t in org.fields] == ["children", "safety"]
    assert org.recruiting.what == ("ボランティア",) and org.recruiting.until.year == 2030
    assert org.founded == 2008 and org.contact.phone == "03-0000-0000"


@pytest.mark.parametrize("fields, expected", [
    ({"nmae": "x"}, r"organizations/x\.md:5: nmae: 「nmae」という項目はありません。「name」の書き間違いではありませんか"),
    ({"募集": "ボランティア募集中"}, r"x\.md:\d+: 募集: .*「recruiting」の書き間違いではありませんか"),
    ({"name": None}, r"x\.md:1: name: 「name」は必須"),
    ({"kind": "NPO法ジン"}, r"x\.md:3: kind: 「NPO法ジン」は協働の主体の値にありません。「NPO法人」のことですか。使える値: 区民、"),
    ({"fields": "[子ども子育て]"}, r"x\.md:\d+: fields\[1\]: 「子ども子育て」は活動分野の値にありません。「子ども・子育て」のことですか"),
    ({"founded": "2008年"}, r"x\.md:\d+: founded: 設立は西暦の年（整数）か日付で書いてください.*2008 と数字だけで"),
    ({"website": "www.example.jp"}, r"x\.md:\d+: website: URL「www.example.jp」は使えません"),
    ({"recruiting": "{what: [会員]}"}, r"x\.md:\d+: recruiting\.text: 「text」は必須"),
    ({"recruiting": "[ボランティア]"}, r"x\.md:\d+: recruiting: 募集は text"),
])
def test_organisation_problems_name_file_line_and_field(tmp_path, fields, expected):
    root = content_with(tmp_path, {"x.md": org_text(**fields)})
    found = problems_of(root)
    assert any(re.search(expected, p) for p in found), found


def test_bad_and_reserved_file_names(tmp_path):
    root = content_with(tmp_path, {"Test_Org.md": org_text(), "fields.md": org_text(name="別の会")})
    found = problems_of(root)
    assert any("Test_Org.md:1: ファイル名: ファイル名「Test_Org」は使えません" in p and "test-org.md" in p for p in found)
    assert any("fields.md:1: ファイル名:" in p and "URL に使われている" in p for p in found), found


def test_names_and_aliases_are_unique_across_organisations(tmp_path):
    root = content_with(tmp_path, {
        "a-kai.md": org_text(name="ＡＯＢＡの会", aliases="[あおば会]"),
        "b-kai.md": org_text(name="いちょうの会", aliases="[あおば会]"),
        "c-kai.md": org_text(name="aobaの会"),
        "d-kai.md": org_text(name="a-kai"),
    })
    found = problems_of(root)
    assert any(re.search(r"b-kai\.md:\d+: aliases\[1\]: 「あおば会」はすでに .*a-kai\.md（ＡＯＢＡの会）の", p) for p in found), found
    # ＡＯＢＡの会 and aobaの会 fold to the same name; a name may not be another organisation's slug.
    assert any(re.search(r"c-kai\.md:2: name: 「aobaの会」はすでに", p) for p in found), found
    assert any(re.search(r"d-kai\.md:2: name: 「a-kai」はすでに", p) for p in found), found


def test_taxonomy_section_is_checked(tmp_path):
    tax = (SAMPLE / "taxonomy.yml").read_text(encoding="utf-8").replace("  kind: partner", "  kind: partnr")
    root = make_content(tmp_path / "c", {"a.md": case_text()}, taxonomy=tax)
    found = problems_of(root)
    assert any(re.search(r"taxonomy\.yml:\d+: organizations\.kind: 「partnr」は facets の分類にありません。「partner」のことですか", p)
               for p in found), found


def test_a_taxonomy_without_partner_facet_or_section_still_works(tmp_path):
    tax = """
    facets:
      theme:
        label: 分野
        terms:
          - {slug: a, label: 子育て}
    """
    root = content_with(tmp_path, {"x.md": org_text(kind="任意の団体", fields="[子ども, 地域]")},
                        {"a.md": "---\ntitle: t\nsummary: s\nfiscal_year: 2024\ntheme: 子育て\n"
                                 "organizations: [NPO法人 テストの会]\n---\n本文\n"}, taxonomy=tax,
                        site="title: t\norganization: o\nbase_url: https://example.jp/\n")
    content = load_content(root)
    org = content.organizations.organizations[0]
    assert org.kind is None and org.kind_text == "任意の団体" and org.field_texts == ("子ども", "地域")
    out = tmp_path / "site"
    build(root, out, with_search=False)
    page = (out / "organizations" / "x" / "index.html").read_text(encoding="utf-8")
    assert "任意の団体" in page and 'href="../../cases/a/"' in page


# -- how cases name organisations -------------------------------------------------------------

def test_cases_name_organisations_by_name_alias_or_slug(tmp_path):
    orgs = {"kids.md": org_text(name="NPO法人 あおばキッズネット", aliases="[あおば子どもネット]")}
    cases = {f"c{i}.md": case_text(organizations=f"[{n}]") for i, n in
             enumerate(["NPO法人 あおばキッズネット", "ＮＰＯ法人　あおばキッズネット", "あおば子どもネット", "KIDS", "別の団体"])}
    root = content_with(tmp_path, orgs, cases)
    out = tmp_path / "site"
    build(root, out, with_search=False)
    data = json.loads((out / "data" / "organizations.json").read_text(encoding="utf-8"))
    assert sorted(c["slug"] for c in data["organizations"][0]["cases"]) == ["c0", "c1", "c2", "c3"]
    case = (out / "cases" / "c2" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../../organizations/kids/">あおば子どもネット</a>' in case
    plain = (out / "cases" / "c4" / "index.html").read_text(encoding="utf-8")
    assert "<td>別の団体</td>" in plain


def test_roles(tmp_path):
    cases = {"a.md": case_text(organizations="[{name: NPO法人 テストの会, role: 受託}, 区民の有志]"),
             "b.md": case_text(organizations="[{name: x, role: 受託者}]"),
             "c.md": case_text(organizations="[{name: x, roll: 主催}]"),
             "d.md": case_text(organizations="[[x]]")}
    root = content_with(tmp_path, {"t.md": org_text()}, cases)
    found = problems_of(root)
    assert any(re.search(r"b\.md:\d+: organizations\[1\]\.role: 「受託者」は団体の役割にありません。「受託」のことですか", p)
               for p in found), found
    assert any(re.search(r"c\.md:\d+: organizations\[1\]\.roll: 「roll」という項目はありません。「role」の", p) for p in found)
    assert any(re.search(r"d\.md:\d+: organizations\[1\]: 団体名の文字列か", p) for p in found), found
    for name in ("b.md", "c.md", "d.md"):
        (root / "cases" / name).unlink()
    case = load_content(root).cases[0]
    assert case.organizations == ("NPO法人 テストの会", "区民の有志") and case.organization_roles == ("受託", "")


def test_check_tells_about_near_duplicate_names(tmp_path, capsys):
    from kyodo.commands.check import run
    orgs = {"kodomo.md": org_text(name="NPO法人あおば子どもネット"),
            "kawabata.md": org_text(name="川端一丁目町会", kind="町会・自治会")}
    cases = {"a.md": case_text(organizations="[区民の有志, あおば子ども食堂ネット, 川端二丁目町会]")}
    root = content_with(tmp_path, orgs, cases)
    assert run(root) == 0
    out = capsys.readouterr().out
    assert re.search(r"cases/a\.md:\d+: organizations\[2\]: 「あおば子ども食堂ネット」は登録済みの「NPO法人あおば子どもネット」のことですか", out), out
    assert "川端二丁目町会" not in out and "区民の有志" not in out
    assert "問題はありません" in out
    assert run(root) == 0   # again, with the cases validated before (kyodo/model/case_store.py)
    again = capsys.readouterr().out
    assert again == out


# -- pages and data -----------------------------------------------------------------------------

class Links(EventParser):
    """hrefs inside the element with class ``cls`` (record table, case facts …)."""

    def __init__(self, cls: str):
        super().__init__()
        self.cls, self.depth, self.hrefs = cls, 0, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.depth:
            self.depth += tag not in ("br", "img", "input", "meta", "link")
            if tag == "a":
                self.hrefs.append(a.get("href"))
        elif self.cls in (a.get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1


def links_in(html: str, cls: str) -> list[str]:
    p = Links(cls)
    p.feed(html)
    return p.hrefs


def expected_record(content_dir: Path) -> dict[str, list[tuple[int, str]]]:
    """From the files alone: org slug -> [(fiscal year, case slug)] of the cases naming it."""
    names = {}
    for path in sorted((content_dir / "organizations").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        for n in [path.stem, meta["name"], *(meta.get("aliases") or [])]:
            names[fold(str(n))] = path.stem
    record = {slug: [] for slug in set(names.values())}
    for path in sorted((content_dir / "cases").glob("*.md")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if meta.get("draft"):
            continue
        named = {names.get(fold(str(i["name"] if isinstance(i, dict) else i))) for i in meta.get("organizations") or []}
        for slug in named - {None}:
            record[slug].append((meta["fiscal_year"], path.stem))
    return record


def test_each_organisation_page_lists_exactly_its_cases(sample_site):
    expected = expected_record(SAMPLE)
    data = json.loads((sample_site / "data" / "organizations.json").read_text(encoding="utf-8"))
    assert {o["slug"] for o in data["organizations"]} == set(expected)
    for slug, cases in expected.items():
        html = (sample_site / "organizations" / slug / "index.html").read_text(encoding="utf-8")
        hrefs = [h for h in links_in(html, "record-table") if h.startswith("../../cases/")]
        shown = [h.split("/")[3] for h in hrefs]
        assert sorted(shown) == sorted(s for _, s in cases), slug
        years = [y for y, s in sorted(cases, key=lambda c: shown.index(c[1]))]
        assert years == sorted(years, reverse=True), f"{slug}: newest first"
        json_cases = next(o for o in data["organizations"] if o["slug"] == slug)["cases"]
        assert [c["slug"] for c in json_cases] == shown
        assert f"{len(cases)} 件" in html


def test_case_pages_link_registered_organisations(sample_site):
    expected = expected_record(SAMPLE)
    for org, cases in expected.items():
        for _, case in cases:
            html = (sample_site / "cases" / case / "index.html").read_text(encoding="utf-8")
            assert f'href="../../organizations/{org}/"' in html, (case, org)


def test_index_json_csv_and_stats_agree(sample_site):
    data = json.loads((sample_site / "data" / "organizations.json").read_text(encoding="utf-8"))["organizations"]
    raw = (sample_site / "data" / "organizations.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["スラッグ"] for r in rows] == [o["slug"] for o in data]
    assert [int(r["協働した事例の数"]) for r in rows] == [len(o["cases"]) for o in data]
    index = (sample_site / "organizations" / "index.html").read_text(encoding="utf-8")
    for o in data:
        assert f'organizations/{o["slug"]}/"' in index
    stats = json.loads((sample_site / "data" / "stats.json").read_text(encoding="utf-8"))["organizations"]
    n = len(data)
    assert stats["organizations"] == n
    assert sum(k["organizations"] for k in stats["by_kind"]) == n
    dist = {d["cases"]: d["organizations"] for d in stats["cases_per_organization"]}
    assert sum(dist.values()) == n
    for k, v in dist.items():
        assert v == sum(1 for o in data if len(o["cases"]) == k)
    assert stats["repeat"]["organizations"] == sum(1 for o in data if len(o["cases"]) >= 2)
    page = (sample_site / "stats" / "organizations" / "index.html").read_text(encoding="utf-8")
    assert f"登録団体 {n} 団体" in page
    sitemap = (sample_site / "sitemap.xml").read_text(encoding="utf-8")
    assert all(f"/organizations/{o['slug']}/</loc>" in sitemap for o in data)


def test_a_site_without_organisations_has_no_trace_of_them(tmp_path, monkeypatch, shared_cache):
    monkeypatch.setenv("KYODO_CACHE", str(shared_cache))
    root = tmp_path / "content"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns("organizations"))
    for path in (root / "cases").glob("*.md"):   # role mappings back to plain names (as before roles)
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^  - \{name: (.*?), role: .*?\}$", r"  - \1", text, flags=re.M)
        path.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    build(root, out, with_search=False)
    files = [p for p in out.rglob("*") if p.is_file()]
    assert not [p for p in files if "organization" in p.relative_to(out).as_posix()]
    for p in files:
        if p.suffix in (".html", ".xml", ".json", ".csv"):
            text = p.read_text(encoding="utf-8-sig")
            assert "organizations/" not in text and "協働団体" not in text, p
            assert "organization_refs" not in text and "\"role\"" not in text, p
    assert "organizations" not in json.loads((out / "data" / "stats.json").read_text(encoding="utf-8"))
    # An empty organizations/ folder changes nothing at all.
    (root / "organizations").mkdir()
    again = tmp_path / "again"
    build(root, again, with_search=False)
    assert sorted(p.relative_to(again) for p in again.rglob("*")) == sorted(p.relative_to(out) for p in out.rglob("*"))
    for p in files:
        assert (again / p.relative_to(out)).read_bytes() == p.read_bytes(), p


# -- new --organization --------------------------------------------------------------------------

def test_new_organization_with_flags_writes_a_valid_file(tmp_path, capsys):
    from kyodo.cli import main
    root = content_with(tmp_path, {"t.md": org_text()})
    argv = ["new", "--organization", "--content", str(root), "--name", "あおば花の会", "--summary", "花壇を育てる会です。",
            "--kind", "任意団体", "--fields", "環境,地域活動", "--area", "若葉町", "--slug", "hana"]
    assert main(argv) == 0
    org = next(o for o in load_content(root).organizations.organizations if o.slug == "hana")
    assert (org.name, org.kind.slug, [t.slug for t in org.fields], org.area) == (
        "あおば花の会", "voluntary", ["environment", "community"], "若葉町")
    assert main(argv) == 1                                           # never overwrites
    assert "すでに使われています" in capsys.readouterr().err
    dup = argv[:-1] + ["hana2"]
    assert main(dup) == 1                                            # the same name twice
    assert "すでに" in capsys.readouterr().err and not (root / "organizations" / "hana2.md").exists()
    assert main(["new", "--organization", "--content", str(root), "--kind", "NPO法ジン"]) == 1
    assert "「NPO法人」のことですか" in capsys.readouterr().err


def test_new_organization_asks_in_japanese(tmp_path, monkeypatch, capsys):
    from kyodo.cli import main
    root = make_content(tmp_path / "content", {"a.md": case_text()})
    answers = iter(["わかばの会", "子育ての会です。", "99", "3", "1 4", "", "wakaba"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main(["new", "--organization", "--content", str(root)]) == 0
    out = capsys.readouterr().out
    assert "団体の種類" in out and "1 から 8 までの番号" in out
    org = load_content(root).organizations.organizations[0]
    assert (org.slug, org.kind.label, [t.label for t in org.fields], org.area) == (
        "wakaba", "NPO法人", ["子ども・子育て", "防災・防犯"], "")
