"""団体情報バンク in search: organisation pages are records, and a case is found by the
registered name and every alias of an organisation it names, whichever one it wrote.

A small content folder (built once for the module): one organisation with aliases
that three cases name by its registered name, an alias and its slug; another named
beside an unregistered group; one case naming no one. Ground truth is computed here
from the files, not from kyodo.search.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from kyodo.commands.build import build
from tests.conftest import describe, run_axe, serve_dir
from tests.factory import case_text, make_content

NAME, ALIAS, OLD, SLUG = "NPO法人 あおぞら子ども会", "そらっこ", "旧あおぞら会", "aozora"
ORGS = {
    f"{SLUG}.md": f"---\nname: {NAME}\nkind: NPO法人\naliases: [{ALIAS}, {OLD}]\n"
                  "summary: 川辺で子どもの外遊びを支える団体です。\narea: 柳原一丁目\nfields: [子育て]\n---\n\n"
                  "毎週土曜に川遊びと読み聞かせの会を開いています。\n",
    "hoshizora.md": "---\nname: 星空町会\nkind: 町会・自治会\nsummary: 夜の見回りを続ける町会です。\n---\n\n"
                    "防犯パトロールを行っています。\n",
}
CASES = {   # slug -> (organizations as written, fiscal year)
    "by-name": (f"[{NAME}]", 2024),
    "by-alias": (f"[{ALIAS}]", 2023),
    "by-slug": (f"[{SLUG}]", 2024),
    "neighbours": ("[星空町会, みどりの見守り隊]", 2024),
    "nobody": (None, 2024),
}


def fold(s: str) -> str:
    return unicodedata.normalize("NFKC", s).lower()


def content(tmp: Path, with_orgs: bool = True) -> Path:
    cases = {}
    for i, (slug, (orgs, year)) in enumerate(CASES.items()):
        extra = {"organizations": orgs} if orgs else {}
        cases[f"{slug}.md"] = case_text(f"## 背景\n\n第{i + 1}の事業です。\n", title=f"事業その{i + 1}",
                                        fiscal_year=year, **extra)
    root = make_content(tmp / "content", cases)
    if with_orgs:
        (root / "organizations").mkdir()
        for name, text in ORGS.items():
            (root / "organizations" / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def org_site(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("search-orgs")
    out = tmp / "site"
    build(content(tmp), out, with_search=True)
    return out


def expected_cases(query: str) -> set[str]:
    """Cases naming an organisation (as written, or registered under a name or alias) that contains ``query``."""
    registered = {}
    for text in ORGS.values():
        front = text.split("---")[1]
        name = front.split("name: ")[1].split("\n")[0]
        aliases = front.split("aliases: [")[1].split("]")[0].split(", ") if "aliases:" in front else []
        slug = next(k for k, v in ORGS.items() if v == text)[:-3]
        for written in (name, slug, *aliases):
            registered[fold(written)] = [name, *aliases]
    out = set()
    for slug, (orgs, _) in CASES.items():
        for written in (orgs or "[]").strip("[]").split(", "):
            names = [written] + registered.get(fold(written), [])
            if written and any(fold(query) in fold(n) for n in names):
                out.add(slug)
    return out


# ---- records and the index (no browser) ---------------------------------------------------

def test_records_carry_registered_names_and_aliases(tmp_path):
    from kyodo.commands.build import validate
    from kyodo.post.search import records_of

    view = validate(content(tmp_path))
    records = records_of(view)
    kinds = [r.kind for r in records]
    assert kinds == ["case"] * len(CASES) + ["organization"] * len(ORGS)
    by_url = {r.url: r for r in records}
    org = by_url[f"organizations/{SLUG}/"]
    assert org.title == NAME and set(org.organizations) == {ALIAS, OLD}
    assert "NPO法人" in org.body and "柳原一丁目" in org.body and "川遊び" in org.body
    assert org.display[:2] == ("NPO法人", 3)
    for query in (NAME, ALIAS, OLD, "あおぞら", "星空"):
        found = {r.url.split("/")[1] for r in records if r.kind == "case" and fold(query) in fold(r.fields[2])}
        assert found == expected_cases(query), query
    alias_case = by_url["cases/by-alias/"]
    assert alias_case.organizations == (ALIAS,)            # shown as written
    assert alias_case.display == ([[0, NAME, [ALIAS, OLD]]],)


def test_index_groups_and_display_data(org_site):
    search = org_site / "search"
    manifest = json.loads((search / "index.json").read_text(encoding="utf-8"))
    n = len(CASES)
    assert manifest["records"] == n
    assert manifest["groups"] == [{"kind": "organization", "start": n, "count": len(ORGS)}]
    assert (search / "facets.bin").stat().st_size == manifest["width"] * n     # filters: cases only
    rows = []
    for k in range((n + len(ORGS) + manifest["meta"] - 1) // manifest["meta"]):
        rows += json.loads((search / "meta" / f"{k}.json").read_text(encoding="utf-8"))
    orgs = {r[0]: r for r in rows[n:]}
    assert orgs[f"organizations/{SLUG}/"][1:6] == [NAME, "川辺で子どもの外遊びを支える団体です。", [ALIAS, OLD], "NPO法人", 3]
    assert orgs["organizations/hoshizora/"][5] == 1


def test_a_site_without_organisations_ships_nothing_extra(tmp_path):
    out = tmp_path / "site"
    build(content(tmp_path, with_orgs=False), out, with_search=True)
    manifest = json.loads((out / "search" / "index.json").read_text(encoding="utf-8"))
    assert "groups" not in manifest and manifest["records"] == len(CASES)
    rows = json.loads((out / "search" / "meta" / "0.json").read_text(encoding="utf-8"))
    assert all(len(r) == 4 for r in rows)
    html = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert "search-orgs" not in html and "search-org-template" not in html


def test_organisation_text_is_cached_like_case_text(tmp_path, monkeypatch):
    from kyodo.commands.build import validate
    from kyodo.post.search import records_of, write_index
    from kyodo.search import index as idx

    root = content(tmp_path)
    calls = []
    real = idx.text_index
    monkeypatch.setattr(idx, "text_index", lambda *a, **k: calls.append(1) or real(*a, **k))

    def index(name):
        write_index(tmp_path / name, records_of(validate(root)), [], [], {}, tmp_path / "cache")

    index("one")
    org = root / "organizations" / f"{SLUG}.md"
    # Nothing searched changes (a website): the text index is reused.
    org.write_text(org.read_text(encoding="utf-8").replace("area:", "website: https://sora.example.jp/\narea:"),
                   encoding="utf-8")
    index("two")
    assert calls == [1]
    # A new alias is searched text, for the organisation and for every case naming it.
    org.write_text(org.read_text(encoding="utf-8").replace(f"{OLD}]", f"{OLD}, そら]"), encoding="utf-8")
    index("three")
    assert calls == [1, 1]


# ---- in the browser ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def org_url(org_site):
    with serve_dir(org_site) as url:
        yield url


def settle(page, text: str):
    page.wait_for_function(
        "(t) => document.getElementById('search-results').getAttribute('aria-busy') === 'false'"
        " && document.getElementById('search-status').textContent.includes(t)", arg=text)


def shown(page) -> tuple[list[str], list[str]]:
    orgs = [] if page.is_hidden("#search-orgs") else \
        [urlsplit(h).path.strip("/").split("/")[-1] for h in page.eval_on_selector_all(
            "#search-org-results a", "els => els.map(e => e.href)")]
    cases = [urlsplit(h).path.strip("/").split("/")[-1] for h in page.eval_on_selector_all(
        "#search-results .case-item-title a", "els => els.map(e => e.href)")]
    return orgs, cases


@pytest.mark.browser
def test_typing_a_name_or_an_alias_finds_the_organisation_and_its_cases(page, org_url, axe_source):
    page.goto(org_url + "search/")
    settle(page, "すべての事例")
    assert page.is_hidden("#search-orgs")
    for query in (NAME, ALIAS, "あおぞら子ども", OLD):
        page.fill("#q", query)
        settle(page, f"「{query}」")
        orgs, cases = shown(page)
        assert orgs == [SLUG], query
        assert set(cases) == expected_cases(query) == {"by-name", "by-alias", "by-slug"}, query
        assert "団体 1 件" in page.text_content("#search-status")
    item = page.text_content("#search-org-results li")
    assert "団体" in item and "NPO法人" in item and "協働事例 3 件" in item
    # The case that wrote the alias says which registered name matched, and vice versa.
    page.fill("#q", "あおぞら子ども会")
    settle(page, "「あおぞら子ども会」")
    line = page.text_content("#search-results li:has(a[href$='by-alias/']) .case-item-orgs")
    assert ALIAS in line and f"登録名「{NAME}」" in line
    page.fill("#q", ALIAS)
    settle(page, f"「{ALIAS}」")
    line = page.text_content("#search-results li:has(a[href$='by-name/']) .case-item-orgs")
    assert f"別名「{ALIAS}」" in line
    assert page.eval_on_selector("#search-results li:has(a[href$='by-name/']) mark", "m => m.textContent") == ALIAS
    violations = run_axe(page, axe_source)
    assert not violations, describe(violations)


@pytest.mark.browser
def test_filters_apply_to_cases_and_the_page_says_so(page, org_url):
    page.goto(org_url + "search/?q=" + quote(ALIAS) + "&year=2024")
    settle(page, f"「{ALIAS}」")
    orgs, cases = shown(page)
    assert orgs == [SLUG] and set(cases) == {"by-name", "by-slug"}
    assert "団体には適用されません" in page.text_content("#search-orgs")
    # Counts beside the filters count cases only.
    assert page.text_content("label[for='f-year-2023'] [data-count]") == "（1件）"
    found = page.evaluate("(q) => window.kyodoSearch.organizations(q).then(r => r.map(o => [o.name, o.cases]))",
                          "星空")
    assert found == [["星空町会", 1]]
    assert page.evaluate("(q) => window.kyodoSearch(q, {}).then(r => r.length)", "星空") == 1
