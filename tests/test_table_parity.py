"""One model per table: the booklet prints the site's statistics.

Every number and percentage in the booklet's statistics section (its print
HTML, rendered by kyodo's booklet code; no PDF is typeset here) equals the
same table on the site's statistics page, its embed page and its CSV
download, for the sample and for a generated corpus with awkward shares
(three terms at 1/3 each, several values per case, a year with no case).
"""

from __future__ import annotations

import csv
import io
import random
import re
from pathlib import Path

import pytest

from kyodo.post.booklet.make import booklet_html
from kyodo.views.booklet.model import build_booklet
from kyodo.views.booklet.selection import Selection
from kyodo.commands.build import build
from kyodo.commands.check import validate
from tests.factory import SAMPLE, case_text, make_content
from tests.html import parse

TAXONOMY = """\
facets:
  lead:
    label: 主導
    multiple: true
    terms:
      - {slug: ku, label: 区, short: 区が主導}
      - {slug: kyo, label: 協働}
      - {slug: min, label: 住民}
  field:
    label: 分野
    multiple: true
    terms:
      - {slug: kankyo, label: 環境}
      - {slug: fukushi, label: 福祉}
      - {slug: bunka, label: 文化}
      - {slug: kyoiku, label: 教育}
      - {slug: bosai, label: 防災}
      - {slug: sonota, label: その他}
  style:
    label: 進め方
    multiple: false
    terms:
      - {slug: teian, label: 提案型}
      - {slug: kyotei, label: 協定型}
      - {slug: itaku, label: 委託型}
"""

SITE = """\
title: テスト区 協働事例集
organization: テスト区 協働推進課
base_url: https://kyodo.test.example.jp/
stats:
  crosstabs: [lead/style, field/lead]
"""

# 2023: one case per 主導 term (1/3 each: the shares total 99.9 %), several 分野 per case.
AWKWARD = [(2023, ["区"], ["環境", "福祉"], "提案型"),
           (2023, ["協働"], ["環境"], "協定型"),
           (2023, ["住民"], ["福祉", "文化", "教育"], "委託型")]


def corpus() -> dict[str, str]:
    rng = random.Random(11)
    rows = list(AWKWARD)
    leads, fields, styles = ["区", "協働", "住民"], ["環境", "福祉", "文化", "教育", "防災", "その他"], ["提案型", "協定型", "委託型"]
    for _ in range(11):       # 2025 (2024 has no case: a 0 row in the years table)
        rows.append((2025, rng.sample(leads, rng.randint(1, 2)), rng.sample(fields, rng.randint(1, 3)), rng.choice(styles)))
    return {f"c{i}.md": case_text(title=f"事例{i}", fiscal_year=y, lead="[" + ", ".join(ld) + "]",
                                  field="[" + ", ".join(fd) + "]", style=st,
                                  drop=("partner", "form", "domain", "outcomes", "department"))
            for i, (y, ld, fd, st) in enumerate(rows)}


@pytest.fixture(scope="module")
def awkward(tmp_path_factory) -> tuple[object, Path]:
    root = tmp_path_factory.mktemp("parity")
    content = make_content(root / "content", corpus(), taxonomy=TAXONOMY, site=SITE)
    build(content, root / "site", with_search=False)
    return validate(content), root / "site"


# -- reading the tables ---------------------------------------------------------


def rows_of(table) -> list[list[str]]:
    """Cell texts of the body and foot rows (row head first), whitespace removed."""
    out = []
    for part in ("tbody", "tfoot"):
        for section in table.find_all(part):
            for tr in section.find_all("tr"):
                out.append([re.sub(r"\s+", "", cell.text()) for cell in tr.children
                            if not isinstance(cell, str) and cell.tag in ("th", "td")])
    return out


def caption(table) -> str:
    return re.sub(r"\s+", "", table.find("caption").text())


def booklet_tables(view, selection: Selection | None = None) -> dict[str, object]:
    """The booklet's statistics tables by download name: facet-<key>, years, cross-<a>-<b>."""
    booklet = build_booklet(view, selection)
    doc = parse(booklet_html(view, booklet))
    stats = doc.find("section", id="stats")
    pairs = {f"{tab.rows.label}と{tab.cols.label}": f"cross-{tab.slug}" for tab in booklet.stats.crosstabs.values()}
    out = {}
    for section in stats.find_all("section"):
        h2 = section.find("h2")
        key = h2.attrs["id"].removeprefix("h-stats-")
        name = "years" if key == "year" else pairs.get(h2.text().strip(), f"facet-{key}")
        tables = section.find_all("table")
        assert len(tables) == 1, name
        out[name] = tables[0]
    assert len(out) == len(stats.find_all("table")), "every table of the section is named"
    return out


def site_table(site: Path, page: str, cap: str):
    tables = [t for t in parse(site / page / "index.html").find_all("table") if caption(t) == cap]
    assert len(tables) == 1, f"{page}: no single table captioned {cap}"
    return tables[0]


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def cell(text: str) -> tuple[str | None, str | None, bool]:
    """'1,234（56.9%）▲…' -> ('1234', '56.9', True); '—' -> (None, '', False)."""
    above = "▲" in text
    text = text.split("▲")[0]
    m = re.fullmatch(r"([\d,]+)(?:（([\d.]+%|—)）)?|([\d.]+%|—)", text)
    assert m, f"not a count or share: {text!r}"
    share = m.group(2) or m.group(3)
    count = m.group(1).replace(",", "") if m.group(1) else None
    return count, None if share is None else share.removesuffix("%").replace("—", ""), above


def tenths_sum(shares: list[str]) -> str:
    total = sum(int(s.replace(".", "")) for s in shares)
    return f"{total // 10}.{total % 10}"


# -- the comparisons ------------------------------------------------------------


def check_facet(rows: list[list[str]], records: list[dict[str, str]]) -> None:
    *body, foot = rows
    assert len(body) == len(records)
    for row, rec in zip(body, records):
        assert row[0].startswith(re.sub(r"\s+", "", list(rec.values())[1]))     # the term's label
        assert cell(row[1]) == (rec["件数"], None, False)
        assert cell(row[2]) == (None, rec["延べ件数に対する割合（%）"], False)
        assert cell(row[3]) == (None, rec["事例数に対する割合（%）"], False)
    # The total row adds up what is printed: 99.9 % where the shares are 1/3 each.
    assert cell(foot[1])[0] == str(sum(int(r["件数"]) for r in records))
    shares = [r["延べ件数に対する割合（%）"] for r in records]
    assert cell(foot[2])[1] == ("" if "" in shares else tenths_sum(shares)) and foot[3] == "—"


def check_years(rows: list[list[str]], records: list[dict[str, str]]) -> None:
    assert len(rows) == len(records)
    for row, rec in zip(rows, records[::-1]):           # newest first in print
        assert f"{rec['年度（西暦）']}年度" in row[0]
        assert cell(row[1]) == (rec["件数"], None, False) and cell(row[2]) == (None, rec["割合（%）"], False)


def check_crosstab(rows: list[list[str]], records: list[dict[str, str]]) -> None:
    cols = [k.removesuffix("（件数）") for k in records[0] if k.endswith("（件数）") and k != "合計（件数）"]
    assert len(rows) == len(records)                    # the average row is the last record
    for row, rec in zip(rows, records):
        assert row[0].startswith(re.sub(r"\s+", "", list(rec.values())[1]))
        for i, c in enumerate(cols, start=1):
            assert cell(row[i]) == (rec[f"{c}（件数）"], rec[f"{c}（行内の割合%）"],
                                    rec[f"{c}（平均より高い=1）"] == "1"), (rec, c)
        assert cell(row[-1]) == (rec["合計（件数）"], None, False)


CHECKS = {"facet": check_facet, "years": check_years, "cross": check_crosstab}


def compare(view, site: Path, selection: Selection | None = None, year: int | None = None) -> set[str]:
    """Compare the booklet's tables with the site's pages, embed pages and CSV; the names compared."""
    base = "stats/" if year is None else f"stats/year/{year}/"
    prefix = "" if year is None else f"{year}-"
    compared = set()
    for name, table in booklet_tables(view, selection).items():
        csv_path = site / "data" / "stats" / f"{prefix}{name}.csv"
        if name == "years" and year is not None:
            continue                                     # one year's span: no page of its own
        page = "stats/year" if name == "years" else base + name.split("-", 1)[1]
        for where in (page, f"embed/stats/{prefix}{name}"):          # the page and its embed page
            shown = site_table(site, where, caption(table))
            assert rows_of(table) == rows_of(shown), f"{name}: the booklet and {where} differ"
        CHECKS[name.split("-")[0]](rows_of(table), read_csv(csv_path))
        compared.add(name)
    return compared


def published_names(view) -> set[str]:
    return ({f"facet-{f.key}" for f in view.taxonomy} | {"years"}
            | {f"cross-{t.slug}" for t in view.stats.crosstabs.values()})


def test_sample_booklet_prints_the_site_and_csv_figures(sample_site):
    view = validate(SAMPLE)
    assert compare(view, sample_site) == published_names(view)


def test_awkward_shares_are_the_same_in_booklet_site_and_csv(awkward):
    view, site = awkward
    assert compare(view, site) == published_names(view)


def test_one_year_booklet_prints_that_years_pages(awkward):
    view, site = awkward
    compared = compare(view, site, Selection(years=(2023,)), 2023)
    assert compared == published_names(view) - {"years"}
    # The case that made the booklet and the site disagree: 1/3 each totals 99.9 %.
    foot = rows_of(booklet_tables(view, Selection(years=(2023,)))["facet-lead"])[-1]
    assert foot[2] == "99.9%"


def test_a_selection_no_page_shows_is_counted_from_its_own_cases(awkward):
    view, _ = awkward
    lead = view.taxonomy["lead"]
    booklet = build_booklet(view, Selection(terms={"lead": (lead.terms[0],)}))
    rows = rows_of(booklet_tables(view, Selection(terms={"lead": (lead.terms[0],)}))["facet-lead"])
    kept = [c for c in view.cases if lead.terms[0] in c.terms["lead"]]
    assert booklet.stats.cases == len(kept) and cell(rows[0][1])[0] == str(len(kept))


def test_the_model_holds_the_printed_text_and_the_records():
    """Without a build: the cells carry the text every output prints, the records the same integers."""
    from kyodo.views.counts import count
    from kyodo.views.tables import tables
    from tests.test_counts import case, taxonomy

    tax = taxonomy()
    cases = [case(tax, "p", who=["a"], lead=["x"], dept=["d1"]), case(tax, "q", who=["b"], lead=["y"], dept=["d1"]),
             case(tax, "r", who=["c"], lead=["z", "x"], dept=["d2"])]
    stats = count(cases, tax, [("who", "lead")])
    t = tables(stats)
    assert tables(stats) is t                                   # built once, then shared
    who = t.facets["who"]
    assert [c.text for c in who.foot[0].cells] == ["3", "99.9%", "—"]
    assert [r["share_of_assignments"] for r in who.records] == [333, 333, 333]
    assert who.exceeds_note == "" and t.facets["lead"].exceeds_note.endswith("（4 件）は事例数（3 件）を上回ります。")
    cross = t.crosstabs["who/lead"]
    avg = cross.foot[0]
    assert avg.label == "全体（平均）" and all(c.above is None for c in avg.cells)
    c_row = next(r for r in cross.body if r.key == "c")
    assert [c.text for c in c_row.cells] == ["1（50.0%）", "0（0.0%）", "1（50.0%）", "2"]
    assert c_row.cells[2].mark == "▲" and c_row.cells[2].mark_note == "全体の平均より 25.0 ポイント高い"
    assert cross.records[-1]["above_z"] is None and cross.records[2]["above_z"] == 1
