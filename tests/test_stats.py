"""Statistics pages, downloads and embed pages, built from content folders
made here (numbers computed from the corpus, never hard-coded)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from kyodo.commands.build import build
from tests.factory import case_text, make_content
from tests.html import parse

SITE = """\
title: テスト区 協働事例集
organization: テスト区 協働推進課
base_url: https://kyodo.test.example.jp/
licence:
  name: CC BY 4.0
  url: https://creativecommons.org/licenses/by/4.0/deed.ja
stats:
  crosstabs: [{pairs}]
"""

# A ward with its own facets: no code knows these names.
OTHER_TAXONOMY = """\
facets:
  theme:
    label: 分野
    multiple: true
    terms:
      - slug: kankyo
        label: 環境
      - slug: fukushi
        label: 福祉
      - slug: bunka
        label: 文化・スポーツ
  style:
    label: 進め方
    multiple: false
    terms:
      - slug: teian
        label: 提案型
      - slug: kyotei
        label: 協定型
"""

OTHER_CASES = {  # slug: (year, themes, style)
    "a": (2021, ["環境", "福祉"], "提案型"),
    "b": (2021, ["環境"], "協定型"),
    "c": (2023, ["福祉"], "提案型"),
    "d": (2023, ["環境", "福祉"], "提案型"),
}


def other_cases():
    return {f"{slug}.md": case_text(title=f"事例{slug}", fiscal_year=y, theme="[" + ", ".join(t) + "]", style=s,
                                    drop=("partner", "form", "domain", "outcomes", "department"))
            for slug, (y, t, s) in OTHER_CASES.items()}


@pytest.fixture(scope="module")
def other_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("other")
    content = make_content(root / "content", other_cases(), taxonomy=OTHER_TAXONOMY,
                           site=SITE.format(pairs="theme/style"))
    build(content, root / "site", with_search=False)
    return root / "site"


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: no UTF-8 BOM"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def num(text: str):
    return None if text == "" else (float(text) if "." in text else int(text))


# ---------------------------------------------------------------------------


def test_other_taxonomy_gets_statistics_without_code_change(other_site):
    stats = json.loads((other_site / "data/stats.json").read_text(encoding="utf-8"))
    themes = {"kankyo": "環境", "fukushi": "福祉", "bunka": "文化・スポーツ"}
    expected = {slug: sum(label in t for _, t, _ in OTHER_CASES.values()) for slug, label in themes.items()}
    assert stats["cases"] == len(OTHER_CASES)
    assert {t["slug"]: t["cases"] for t in stats["facets"]["theme"]["terms"]} == expected
    assert stats["facets"]["theme"]["assignments"] == sum(expected.values())
    assert list(stats["crosstabs"]) == ["theme/style"]
    # Pages, downloads and embeds for the ward's own facets.
    for path in ["stats/theme/index.html", "stats/style/index.html", "stats/theme-style/index.html",
                 "stats/year/index.html", "stats/year/2021/theme/index.html", "stats/year/2023/theme-style/index.html",
                 "data/stats/facet-theme.csv", "data/stats/cross-theme-style.json", "data/stats/trend-theme.csv",
                 "embed/stats/facet-theme/index.html", "embed/stats/cross-theme-style/index.html",
                 "embed/stats/2021-facet-style/index.html"]:
        assert (other_site / path).is_file(), path
    assert not (other_site / "stats/partner").exists()
    doc = parse(other_site / "stats/theme/index.html")
    table = doc.find("table")
    rows = {tr.find("th").text().strip(): [td.text().strip() for td in tr.find_all("td")]
            for tr in table.find("tbody").find_all("tr")}
    assert rows["環境"][0] == str(expected["kankyo"])
    assert rows["文化・スポーツ"][:2] == ["0", "0.0%"]          # a term never used
    # Multi-valued: the page says the total exceeds the number of cases.
    text = doc.text()
    assert f"延べ件数（{sum(expected.values())} 件）は事例数（{len(OTHER_CASES)} 件）を上回ります" in text
    # The single-valued facet does not say so.
    assert "上回ります" not in parse(other_site / "stats/style/index.html").text()


def test_html_csv_and_json_agree(other_site):
    """CSV round trip: every CSV parses back to the numbers in stats.json (and the table's JSON)."""
    stats = json.loads((other_site / "data/stats.json").read_text(encoding="utf-8"))
    checked = 0
    for key, facet in stats["facets"].items():
        rows = read_csv(other_site / f"data/stats/facet-{key}.csv")
        header, body = rows[0], rows[1:]
        assert header[:3] == ["スラッグ", facet["label"], "件数"]
        assert [(r[0], int(r[2]), num(r[3]), num(r[4])) for r in body] == [
            (t["slug"], t["cases"], t["share_of_assignments"], t["share_of_cases"]) for t in facet["terms"]]
        table = json.loads((other_site / f"data/stats/facet-{key}.json").read_text(encoding="utf-8"))
        assert [(r["slug"], r["cases"], r["share_of_assignments"]) for r in table["records"]] == [
            (t["slug"], t["cases"], t["share_of_assignments"]) for t in facet["terms"]]
        assert table["licence"]["name"] == "CC BY 4.0"
        # The page shows the same rounded shares.
        doc = parse(other_site / f"stats/{key}/index.html")
        shown = [tr.find_all("td")[1].text().strip() for tr in doc.find("table").find("tbody").find_all("tr")]
        assert shown == [f"{t['share_of_assignments']:.1f}%" for t in facet["terms"]]
        checked += 1
    for key, tab in stats["crosstabs"].items():
        rows = read_csv(other_site / f"data/stats/cross-{key.replace('/', '-')}.csv")
        header, body = rows[0], rows[1:]
        cols = stats["facets"][tab["cols_facet"]]["terms"]
        for r in body[:-1]:                       # the last record is the average row
            rec = dict(zip(header, r))
            slug = rec["スラッグ"]
            assert {c["slug"]: int(rec[f"{c['label']}（件数）"]) for c in cols} == tab["rows"][slug]
            assert {c["slug"]: num(rec[f"{c['label']}（行内の割合%）"]) for c in cols} == tab["row_shares"][slug]
        avg = dict(zip(header, body[-1]))
        assert avg["スラッグ"] == "" and {c["slug"]: num(avg[f"{c['label']}（行内の割合%）"]) for c in cols} == tab["average"]
        checked += 1
    assert checked == len(stats["facets"]) + len(stats["crosstabs"])
    # One record per line, header first, cases.csv lists every case.
    cases = read_csv(other_site / "data/cases.csv")
    assert cases[0][0] == "スラッグ" and sorted(r[0] for r in cases[1:]) == sorted(OTHER_CASES)
    years = read_csv(other_site / "data/stats/years.csv")
    assert [(int(r[0]), int(r[2])) for r in years[1:]] == [(y, sum(v[0] == y for v in OTHER_CASES.values()))
                                                           for y in range(2021, 2024)]


def test_crosstab_page_marks_above_average_cells(other_site):
    stats = json.loads((other_site / "data/stats.json").read_text(encoding="utf-8"))
    tab = stats["crosstabs"]["theme/style"]
    doc = parse(other_site / "stats/theme-style/index.html")
    table = doc.find("table")
    cols = [c["slug"] for c in stats["facets"]["style"]["terms"]]
    marked = {}
    for tr, row in zip(table.find("tbody").find_all("tr"), stats["facets"]["theme"]["terms"]):
        marked[row["slug"]] = [c for c, td in zip(cols, tr.find_all("td")) if "above" in td.attrs.get("class", "")]
    assert marked == tab["above_average"]
    assert any(tab["above_average"].values())
    assert "全体（平均）" in table.find("tfoot").text()


def test_pages_state_denominators_link_downloads_and_offer_embeds(other_site):
    doc = parse(other_site / "stats/theme/index.html")
    text = doc.text()
    assert "延べ件数に対する" in text and "小数第 2 位を四捨五入" in text
    links = {a.attrs["href"]: a for a in doc.find_all("a") if "href" in a.attrs}
    csv_link = next(h for h in links if h.endswith("data/stats/facet-theme.csv"))
    size = (other_site / "data/stats/facet-theme.csv").stat().st_size
    li = links[csv_link].parent
    assert "UTF-8" in li.text() and "Excel" in li.text() and f"{size} バイト" in li.text()
    assert "CC BY 4.0" in doc.find("p", class_="licence-line").text()
    snippet = doc.find("textarea").text()
    assert '<iframe src="https://kyodo.test.example.jp/embed/stats/facet-theme/"' in snippet
    assert re.search(r'title="分野別の事例数[^"]*"', snippet) and re.search(r'height="\d+"', snippet)
    assert 'src="https://kyodo.test.example.jp/assets/embed.js"' in snippet


def test_charts_are_accessible_small_svg(other_site):
    stats = json.loads((other_site / "data/stats.json").read_text(encoding="utf-8"))
    html = (other_site / "stats/theme/index.html").read_text(encoding="utf-8")
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert len(svg.encode()) < 20_000
    doc = parse(svg)
    root = doc.find("svg")
    assert root.attrs["role"] == "img"
    ids = root.attrs["aria-labelledby"].split()
    title, desc = doc.find(id=ids[0]), doc.find(id=ids[1])
    assert title.tag == "title" and desc.tag == "desc"
    for t in stats["facets"]["theme"]["terms"]:        # the description states every figure
        assert f"{t['label']} {t['cases']}件（{t['share_of_assignments']:.1f}%）" in desc.text()
    # Labels fit: each text line is at most (width / font size) characters.
    width = float(root.attrs["viewbox"].split()[2])
    for node in doc.find_all("text"):
        size = float(node.attrs.get("font-size", root.attrs["font-size"]))
        assert len(node.text()) * size <= width, node.text()


def test_embed_pages_are_minimal_and_self_contained(other_site):
    for page in sorted((other_site / "embed/stats").glob("*/index.html")):
        doc = parse(page)
        assert doc.find("html").attrs["lang"] == "ja"
        assert doc.find("header") is None and doc.find("nav") is None, page
        for node in doc.iter():
            loads = node.tag == "link" and node.attrs.get("rel") not in ("canonical", "alternate")
            for attr in ("src",) + (("href",) if loads else ()):
                value = node.attrs.get(attr)
                if value is not None and node.tag != "a":
                    assert not re.match(r"(https?:)?//", value), f"{page}: {node.tag} {attr}={value}"
        back = [a for a in doc.find_all("a") if a.attrs.get("target") == "_top"]
        assert back and back[0].attrs["href"].startswith("https://kyodo.test.example.jp/stats/")
        assert doc.find("svg", role="img") is not None


def test_empty_site_has_clear_empty_states(tmp_path):
    content = make_content(tmp_path / "content", {}, taxonomy=OTHER_TAXONOMY, site=SITE.format(pairs="theme/style"))
    build(content, tmp_path / "site", with_search=False)
    site = tmp_path / "site"
    for path in ("stats/index.html", "stats/theme/index.html", "stats/theme-style/index.html",
                 "stats/year/index.html", "embed/stats/facet-theme/index.html"):
        doc = parse(site / path)
        assert doc.find(class_="empty") is not None, path
    stats = json.loads((site / "data/stats.json").read_text(encoding="utf-8"))
    assert stats["cases"] == 0 and stats["facets"]["theme"]["terms"][0]["share_of_assignments"] is None
    rows = read_csv(site / "data/stats/facet-theme.csv")
    assert rows[1][2:] == ["0", "", ""]


def test_sample_site_has_a_page_and_download_per_configured_table(sample_site):
    stats = json.loads((sample_site / "data/stats.json").read_text(encoding="utf-8"))
    for key in stats["facets"]:
        assert (sample_site / f"stats/{key}/index.html").is_file()
    for key in stats["crosstabs"]:
        name = key.replace("/", "-")
        assert (sample_site / f"stats/{name}/index.html").is_file()
        assert (sample_site / f"data/stats/cross-{name}.csv").is_file()
    for y in stats["years"]:
        assert (sample_site / f"stats/year/{y['year']}/index.html").is_file()
    assert "partner/domain" in stats["crosstabs"] and "form/domain" in stats["crosstabs"]
