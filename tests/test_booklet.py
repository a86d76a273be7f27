"""The printed booklet (booklet.pdf): contents, page numbers, fonts, subsets.

A booklet of every other sample case is typeset once per module (all three
chapters, cases listed in two chapters, two-page cases: what the checks need, at
half the typesetting time of the whole sample); its text is read back page by
page with poppler's ``pdftotext`` and compared with the booklet's structure.
"""

from __future__ import annotations

import html
import importlib.util
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from kyodo.views.booklet.model import build_booklet
from kyodo.views.booklet.selection import Selection, parse_selection
from kyodo.commands.check import validate
from kyodo.errors import ContentError, UsageError
from kyodo.text.wareki import fiscal_year_label
from tests.conftest import require
from tests.factory import SAMPLE, case_text, make_content


def norm(text: str) -> str:
    """pdftotext puts line breaks and spaces where the layout broke lines: drop all whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def need_pdf_tools() -> None:
    require(importlib.util.find_spec("weasyprint") is not None, "WeasyPrint is not installed (pip install weasyprint)")
    for tool in ("pdftotext", "pdffonts"):
        require(shutil.which(tool) is not None, f"{tool} not found (apt-get install poppler-utils)")


def pdf_pages(pdf: Path) -> list[str]:
    """Text of each page (index 0 is page 1), NFKC; whitespace kept as pdftotext gave it."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    pages = out.decode("utf-8").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [unicodedata.normalize("NFKC", p) for p in pages]


def layout_pages(pdf: Path, first: int, last: int, columns: int = 1) -> list[str]:
    """Text of pages in visual order, from the word boxes of ``pdftotext -bbox-layout``:
    lines on the same row joined left to right (a page number printed beside its
    dotted leader stays with its title), the left column before the right one."""
    out = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
                         capture_output=True, check=True).stdout.decode("utf-8")
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)"[^>]*>(.*?)</page>', out, re.S):
        width = float(page.group(1))
        lines = []
        for line in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</line>', page.group(2), re.S):
            words = [html.unescape(w) for w in re.findall(r"<word[^>]*>(.*?)</word>", line.group(3))]
            lines.append((float(line.group(1)), float(line.group(2)), " ".join(words)))
        boundary = width
        if columns == 2:   # where the right column's text starts (page numbers in the gutters aside)
            starts = [x for x, _, text in lines if x > width * 0.45 and not text.strip().isdigit()]
            boundary = min(starts) - 1 if starts else width
        rows: list[list[tuple]] = []
        for x, y, text in sorted(lines, key=lambda item: (item[0] >= boundary, item[1])):
            col = x >= boundary
            if rows and rows[-1][0][3] == col and y - rows[-1][0][1] < 4:
                rows[-1].append((x, y, text, col))
            else:
                rows.append([(x, y, text, col)])
        text = "\n".join(" ".join(item[2] for item in sorted(row)) for row in rows)
        pages.append(unicodedata.normalize("NFKC", text))
    return pages


def leader_numbers(text: str, title: str) -> list[int]:
    """Page numbers printed after ``title`` and a dotted leader (the title may be broken across lines)."""
    chars = r"\s*".join(re.escape(ch) for ch in norm(title))
    return [int(n) for n in re.findall(chars + r"\s*(?:[.．…]\s*)*(\d+)(?!\d)", text)]


@pytest.fixture(scope="module")
def sample_view():
    return validate(SAMPLE)


@pytest.fixture(scope="module")
def booklet_view(half_sample):
    """The sample with every other case (in file order): 32 of its 64."""
    return validate(half_sample)


@pytest.fixture(scope="module")
def sample_booklet(tmp_path_factory, booklet_view, sample_booklet_job):
    """make_pdf on booklet_view. The background job (tests/booklet_job.py) ran the same
    make_pdf on the same folder from the session's start: the layout plan is in the folder's
    build cache, and the final page, byte-identical to the job's, is not typeset again."""
    need_pdf_tools()
    from kyodo.post.booklet.make import make_pdf
    from tests.booklet_job import reuse

    with reuse(sample_booklet_job) as reused:
        made = make_pdf(booklet_view)
    assert reused == [made.html]      # the same folder gives the same print page, in any process
    groups = made.booklet.groups
    assert len(groups) >= 3 and any(g.also for g in groups) and len(made.booklet.entries) >= 20
    pdf = tmp_path_factory.mktemp("booklet") / "booklet.pdf"
    pdf.write_bytes(made.result.pdf)
    return made, pdf, pdf_pages(pdf)


def section_pages(pages: list[str], running: str) -> list[int]:
    """1-based numbers of the pages whose running header is ``running``."""
    return [i + 1 for i, text in enumerate(pages) if norm(text).startswith(norm(running))]


def toc_text(pdf: Path, pages: list[str]) -> str:
    toc_pages = section_pages(pages, "目次")
    assert toc_pages, "目次のページが見つかりません"
    return "\n".join(layout_pages(pdf, toc_pages[0], toc_pages[-1]))


def case_page(pages: list[str], entry) -> int:
    """The page where the case's heading (number, year, title) is printed."""
    marker = norm(f"事例 {entry.number}{fiscal_year_label(entry.case.fiscal_year)}")
    hits = [i + 1 for i, text in enumerate(pages) if marker in norm(text) and norm(entry.case.title) in norm(text)]
    assert len(hits) == 1, f"事例 {entry.number}「{entry.case.title}」の見出しのページ: {hits}"
    return hits[0]


# -- the sample booklet ------------------------------------------------------

def test_every_case_title_is_printed(sample_booklet, booklet_view):
    made, _, pages = sample_booklet
    text = norm("".join(pages))
    assert len(made.booklet.entries) == len(booklet_view.cases)
    for case in booklet_view.cases:
        assert norm(case.title) in text, case.title


def test_typeset_without_warnings(sample_booklet):
    made, _, _ = sample_booklet
    assert made.result.warnings == []


def test_toc_page_numbers_are_where_the_cases_are(sample_booklet):
    made, pdf, pages = sample_booklet
    toc = toc_text(pdf, pages)
    for entry in made.booklet.entries:
        numbers = leader_numbers(toc, entry.case.title)
        assert len(numbers) == 1, f"目次の「{entry.case.title}」: {numbers}"
        assert numbers[0] == case_page(pages, entry), entry.case.title


def test_toc_lists_the_sections_with_their_pages(sample_booklet):
    made, pdf, pages = sample_booklet
    toc = toc_text(pdf, pages)
    stats = leader_numbers(toc, "統計")
    index = leader_numbers(toc, "索引")
    assert stats and norm(pages[stats[-1] - 1]).startswith(norm("統計統計"))
    assert index and norm(pages[index[-1] - 1]).startswith(norm("索引索引"))
    for group in made.booklet.groups:
        first = leader_numbers(toc, group.toc_label)[0]
        assert norm(group.label) in norm(pages[first - 1])
        assert first % 2 == 1, f"{group.label} は右ページ（奇数ページ）から始まります"


def test_index_page_numbers(sample_booklet):
    made, pdf, pages = sample_booklet
    index_pages = section_pages(pages, "索引")
    assert index_pages
    # From the index's first page to the end (the colophon follows it).
    text = "\n".join(layout_pages(pdf, index_pages[0], len(pages), columns=2))
    where = {e.case.slug: case_page(pages, e) for e in made.booklet.entries}
    expected: dict[str, int] = {}
    for part in made.booklet.index:
        assert norm(f"{part.facet.label}別") in norm(text)
        for it in part.terms:
            assert norm(it.term.label) in norm(text)
            for entry in it.entries:
                expected[entry.case.slug] = expected.get(entry.case.slug, 0) + 1
    assert expected, "索引が空です"
    for entry in made.booklet.entries:
        numbers = leader_numbers(text, entry.case.title)
        assert len(numbers) == expected.get(entry.case.slug, 0), entry.case.title
        assert set(numbers) <= {where[entry.case.slug]}, entry.case.title


def test_group_title_pages_list_their_cases(sample_booklet):
    made, pdf, pages = sample_booklet
    where = {e.case.slug: case_page(pages, e) for e in made.booklet.entries}
    toc = toc_text(pdf, pages)
    for group in made.booklet.groups:
        page = leader_numbers(toc, group.toc_label)[0]
        text = "\n".join(layout_pages(pdf, page, min(page + 1, len(pages))))
        for entry in group.entries + group.also:
            assert where[entry.case.slug] in leader_numbers(text, entry.case.title), entry.case.title


def test_page_count_is_within_bounds(sample_booklet):
    made, _, pages = sample_booklet
    b = made.booklet
    n, g, guide = len(b.entries), len(b.groups), len(b.guide)
    # cover + はじめに + 目次 + a page per case + a title page per group + 統計 + 索引
    low = 3 + n + g + 2
    # each case at most 3 pages, a blank page before each group, 4 pages per chapter, index lines
    index_lines = sum(len(it.entries) for part in b.index for it in part.terms)
    high = 4 + (n // 25 + 2) + 4 * guide + 2 * g + 3 * n + 12 + (index_lines // 40 + 3 * len(b.index))
    assert low <= len(pages) <= high, (low, len(pages), high)
    assert made.result.pages == len(pages)


def test_cover_and_furniture(sample_booklet, booklet_view):
    made, _, pages = sample_booklet
    cover = norm(pages[0])
    assert norm(made.booklet.title) in cover
    assert norm(booklet_view.site.organization) in cover
    assert norm(made.booklet.years_label) in cover
    assert norm("発行日") in cover
    # Page numbers at the foot: the last line of a case page is its number.
    entry = made.booklet.entries[0]
    page = case_page(pages, entry)
    assert re.search(rf"(?m)^\s*{page}\s*$", pages[page - 1])
    # The running header names the group.
    group = next(g for g in made.booklet.groups if entry in g.entries)
    assert norm(pages[page - 1]).startswith(norm(group.running))


def test_fonts_are_embedded_and_not_type3(sample_booklet):
    _, pdf, _ = sample_booklet
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    header, rule, rows = lines[0], lines[1], lines[2:]
    cols = [m.span() for m in re.finditer(r"-+", rule)]
    names = [header[a:b].strip() for a, b in cols]
    fonts = [{name: row[a:b].strip() for name, (a, b) in zip(names, cols)} for row in rows if row.strip()]
    assert fonts
    for font in fonts:
        assert font["emb"] == "yes", font
        assert "Type 3" not in font["type"], font
    assert any("CJK-JP" in f["name"] for f in fonts)


def test_pdf_links_point_to_the_public_site(sample_booklet):
    _, pdf, _ = sample_booklet
    data = pdf.read_bytes()
    assert b"file:" not in data
    assert b"kyodo-booklet-site" not in data


# -- subsets ------------------------------------------------------------------

def test_year_subset_holds_exactly_that_years_cases(tmp_path, capsys, booklet_folders, sample_booklet_job):
    need_pdf_tools()
    from kyodo.commands import pdf
    from tests.booklet_job import reuse

    # A few cases of two years are enough (the sample's 2024 edition typesets as long).
    content = booklet_folders["years"]
    view = validate(content)
    with reuse(sample_booklet_job):
        assert pdf.run(content, tmp_path / "out", years=["2024"]) == 0
    assert "booklet-2024.pdf" in capsys.readouterr().out
    pages = pdf_pages(tmp_path / "out" / "booklet-2024.pdf")
    text = norm("".join(pages))
    inside = [c for c in view.cases if c.fiscal_year == 2024]
    outside = [c for c in view.cases if c.fiscal_year != 2024]
    assert inside
    for case in inside:
        assert norm(case.title) in text, case.title
    assert outside
    for case in outside:
        assert norm(case.title) not in text, case.title
    assert norm("令和6年度版") in norm(pages[0])
    assert norm(f"掲載事例{len(inside)}件") in norm(pages[0])


def test_selection_parsing(sample_view):
    tax = sample_view.taxonomy
    sel = parse_selection(["令和6", "2023"], [], tax)
    assert sel.years == (2023, 2024)
    assert sel.edition(tax) == "令和5年度・令和6年度版"
    assert sel.file_name() == "booklet-2023-2024.pdf"
    facet = next(iter(tax))
    term = facet.terms[0]
    sel = parse_selection([], [f"{facet.key}={term.label}"], tax)
    assert sel.terms == {facet.key: (term,)}
    assert sel.file_name() == f"booklet-{facet.key}-{term.slug}.pdf"
    assert term.label in sel.edition(tax)
    for years, filters in ((["来年"], []), ([], ["nosuchfacet=x"]), ([], [f"{facet.key}=存在しない値"]), ([], ["x"])):
        with pytest.raises(UsageError) as exc:
            parse_selection(years, filters, tax)
        assert re.search(r"[ぁ-んァ-ン一-龥]", str(exc.value))


def test_filter_subset_model(sample_view):
    tax = sample_view.taxonomy
    facet = next(f for f in tax if f.multiple)
    term = max(facet.terms, key=lambda t: sample_view.stats.term_count(t))
    booklet = build_booklet(sample_view, Selection(terms={facet.key: (term,)}))
    assert booklet.entries
    assert {e.case.slug for e in booklet.entries} == {c.slug for c in sample_view.cases if term in c.terms[facet.key]}
    assert booklet.stats.cases == len(booklet.entries)
    assert booklet.stats.term_count(term) == len(booklet.entries)
    assert [e.number for e in booklet.entries] == list(range(1, len(booklet.entries) + 1))


def test_empty_subset_is_a_japanese_error(tmp_path, capsys):
    need_pdf_tools()
    from kyodo.commands import pdf

    assert pdf.run(SAMPLE, tmp_path, years=["1990"]) == 1
    err = capsys.readouterr().err
    assert "あてはまる事例がありません" in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())


# -- configuration ---------------------------------------------------------------

SITE = """\
title: テスト区 協働事例集
organization: テスト区
base_url: https://example.jp/
booklet:
{booklet}
"""


def test_booklet_settings_are_checked_against_the_taxonomy(tmp_path):
    content = make_content(tmp_path / "c", {"a.md": case_text()},
                           site=SITE.format(booklet="  group_by: nosuch\n  index: [partner, nosuch2]\n  colour: red"))
    with pytest.raises(ContentError) as exc:
        validate(content)
    text = "\n".join(str(p) for p in exc.value.problems)
    assert re.search(r"site\.yml:\d+: booklet\.group_by: 分類「nosuch」は taxonomy\.yml にありません", text)
    assert re.search(r"site\.yml:\d+: booklet\.index\[2\]: 分類「nosuch2」", text)
    assert re.search(r"site\.yml:\d+: booklet\.colour: 「colour」という項目はありません", text)


def test_unknown_guideline_chapter_names_the_line(tmp_path):
    content = make_content(tmp_path / "c", {"a.md": case_text()},
                           site=SITE.format(booklet="  guideline: [missing]"))
    with pytest.raises(ContentError) as exc:
        validate(content)  # found by `check`, before any page or PDF is made
    [problem] = exc.value.problems
    assert problem.line == 5 and problem.field == "booklet.guideline[1]"
    assert "協働指針の章「missing」がありません" in problem.message


def test_grouping_uses_the_configured_facet(tmp_path):
    cases = {"a.md": case_text(title="甲", domain="[C, B]"), "b.md": case_text(title="乙", domain="[B]"),
             "c.md": case_text(title="丙", domain="[D]", fiscal_year=2023)}
    content = make_content(tmp_path / "c", cases, site=SITE.format(booklet="  group_by: domain\n  index: [form]"))
    booklet = build_booklet(validate(content))
    assert [g.term.slug for g in booklet.groups] == ["b", "d"]        # taxonomy order, empty C left out
    assert [e.case.title for e in booklet.groups[0].entries] == ["甲", "乙"]
    assert booklet.groups[0].also == []
    assert [part.facet.key for part in booklet.index] == ["form"]
    # A case in B and C is printed under B (its first term) once.
    assert len(booklet.entries) == 3


# -- the published page and the commands ----------------------------------------

def test_the_print_page_is_made_only_with_the_pdf(sample_site, sample_view):
    """The print page is the PDF's source: a plain build does not publish it
    (at 10,000 cases it was a 60 MB page no one reads); ``build --pdf`` does."""
    from kyodo.post.booklet.make import booklet_html

    assert not (sample_site / "booklet").exists()
    text = booklet_html(sample_view, build_booklet(sample_view))
    assert 'href="../assets/booklet.css"' in text
    assert (sample_site / "assets" / "booklet.css").is_file()
    assert not re.search(r'<(?:script|img)[^>]+src="(?:https?:)?//', text)
    assert not re.search(r'<link rel="stylesheet" href="(?:https?:)?//', text)
    for case in sample_view.cases:
        assert f'id="case-{case.slug}"' in text
    assert "booklet/" not in (sample_site / "sitemap.xml").read_text(encoding="utf-8")


def test_build_with_pdf_and_atomic_failure(tmp_path, monkeypatch, capsys, booklet_folders, sample_booklet_job):
    need_pdf_tools()
    from kyodo.post.booklet import make
    from kyodo.commands import build, pdf
    from tests.booklet_job import reuse

    content = booklet_folders["two"]
    out = tmp_path / "site"
    with reuse(sample_booklet_job):
        assert build.run(content, out, with_search=False, with_pdf=True) == 0
    assert (out / "booklet.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "booklet" / "index.html").is_file()
    text = norm("".join(pdf_pages(out / "booklet.pdf")))
    assert norm("甲の事例") in text and norm("乙の事例") in text

    before = (out / "booklet.pdf").read_bytes()
    capsys.readouterr()

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure")
    monkeypatch.setattr(make, "typeset", broken)
    assert pdf.run(content, out) == 1
    err = capsys.readouterr().err
    assert "冊子の PDF を作れませんでした" in err and "Traceback" not in err
    assert (out / "booklet.pdf").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]
    assert build.run(content, out, with_search=False, with_pdf=True) == 1     # the site stays as it was
    assert (out / "booklet.pdf").read_bytes() == before


def test_fetcher_reads_only_local_files(tmp_path):
    need_pdf_tools()
    from kyodo.post.booklet.typeset import ROOT_URL, make_fetcher

    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a.css").write_text("p{}", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("x", encoding="utf-8")
    fetcher = make_fetcher({"assets": tmp_path / "assets"})
    response = fetcher.fetch(ROOT_URL + "assets/a.css")
    assert response.read() == b"p{}" and response.content_type == "text/css"
    for url in ("https://example.com/a.css", "http://127.0.0.1/", ROOT_URL + "assets/../secret.txt",
                (tmp_path / "secret.txt").as_uri(), ROOT_URL + "other/a.css", "ftp://example.com/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


# -- spreads, notes pages, tags (issue 15) ----------------------------------

def _catalog_has(pdf: Path, *keys: bytes) -> bool:
    """Whether the PDF's (possibly compressed) objects contain every key."""
    import zlib
    data = pdf.read_bytes()
    chunks = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", m.end())
        try:
            chunks.append(zlib.decompress(data[m.end():end]))
        except zlib.error:
            continue
    return all(any(k in c for c in chunks) for k in keys)


def test_pdf_is_tagged_with_title_and_language(sample_booklet):
    made, pdf, _ = sample_booklet
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.M), info
    assert re.search(rf"^Title:\s+{re.escape(made.booklet.full_title)}", info, re.M), info
    assert _catalog_has(pdf, b"/StructTreeRoot", b"/Lang (ja)")


def test_page_count_is_a_multiple_of_four_padded_with_notes(sample_booklet):
    made, pdf, pages = sample_booklet
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert count == len(pages) and count % 4 == 0
    notes = [i + 1 for i, text in enumerate(pages) if norm(text).startswith("メモ")]
    assert len(notes) == made.booklet.memo_pages < 4
    assert notes == list(range(count - len(notes) + 1, count + 1))


def test_cases_of_two_pages_open_on_a_left_page(sample_booklet):
    made, _, pages = sample_booklet
    starts = {e.anchor: case_page(pages, e) for e in made.booklet.entries}
    ordered = sorted(starts.values())
    ends = section_pages(pages, "統計")[0]
    long_cases = 0
    for entry in made.booklet.entries:
        start = starts[entry.anchor]
        nxt = min([s for s in ordered if s > start] + [ends])
        length = sum(1 for p in range(start, nxt) if norm(pages[p - 1])          # non-blank pages
                     and not norm(pages[p - 1]).startswith(norm(made.booklet.group_facet.label) * 2))
        if length >= 2:
            long_cases += 1
            assert start % 2 == 0, f"事例 {entry.number}（{length} ページ）が {start} ページ（右）から始まります"
    assert long_cases, "見本には 2 ページの事例があります"


def test_small_edition_has_compact_statistics(sample_view):
    from kyodo.post.booklet.make import booklet_html, _units
    booklet = build_booklet(sample_view, parse_selection(["2024"], [], sample_view.taxonomy))
    assert 0 < len(booklet.entries) and booklet.compact
    html = booklet_html(sample_view, booklet)
    stats = html[html.index('id="stats"'):]
    assert "<svg" not in stats.split('class="term-index"')[0]          # tables only
    units, cases = _units(booklet)
    assert all(u.rule == "page" for u in units)                          # no blank page before a chapter
    full = build_booklet(sample_view)
    assert not full.compact and "<svg" in booklet_html(sample_view, full)


def test_layout_plan_predicts_spreads_and_notes():
    from kyodo.views.booklet.layout import Unit, check, plan
    from kyodo.post.booklet.typeset import PageInfo

    def page(*anchors, blank=False):
        return PageInfo(blank, frozenset(anchors))
    # cover, intro | group g (right) | a: 2 pages | b: 1 page | c: 3 pages | stats: 1 page
    layout = [page(), page(), page("g"), page("a"), page("a"), page("b"), page("c"), page("c"), page("c"), page("stats")]
    units = [Unit("g", "right"), Unit("a", "page"), Unit("b", "page"), Unit("c", "page"), Unit("stats", "page")]
    p = plan(layout, units, ["a", "b", "c"])
    assert p.spreads == {"a", "c"}
    # g on 3, a on 4-5, b on 6, blank 7, c on 8-10, stats 11 -> 11 pages + 1 note
    assert p.pages == 12 and p.memo_pages == 1
    final = [page(), page(), page("g"), page("a"), page("a"), page("b"), page(blank=True),
             page("c"), page("c"), page("c"), page("stats"), page("notes")]
    assert check(final, p.spreads) == []
    assert check(final[:-1], p.spreads) == ["11 pages"]


def test_site_links_the_booklet_with_size_and_pages(tmp_path, booklet_folders, sample_booklet_job):
    need_pdf_tools()
    from kyodo.commands import build, pdf
    from tests.booklet_job import reuse
    from tests.html import parse

    content = booklet_folders["two"]
    out = tmp_path / "site"
    assert build.run(content, out, with_search=False) == 0
    assert "booklet.pdf" not in (out / "index.html").read_text(encoding="utf-8")   # no PDF, no link
    with reuse(sample_booklet_job):
        assert pdf.run(content, out) == 0                                          # pdf after the build
    pages = int(re.search(r"^Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(out / "booklet.pdf")],
                          capture_output=True, text=True).stdout, re.M).group(1))
    for page in ("index.html", "cases/index.html"):
        link = parse(out / page).find("p", class_="booklet-link")
        assert link is not None and link.find("a").attrs["href"].endswith("booklet.pdf"), page
        assert f"{pages} ページ" in link.text() and ("KB" in link.text() or "MB" in link.text())


def test_axe_on_the_print_page(tmp_path, sample_site, sample_booklet, page, axe_source):
    """The print page is published only with the PDF, so the accessibility gate
    (tests/test_accessibility.py) never meets it in the sample site: axe here, on the
    page the booklet was typeset from (spreads and notes pages marked)."""
    from tests.conftest import describe, run_axe, serve_dir

    made, _, _ = sample_booklet
    site = tmp_path / "site"
    (site / "booklet").mkdir(parents=True)
    (site / "assets").symlink_to(sample_site / "assets")
    (site / "booklet" / "index.html").write_text(made.html, encoding="utf-8")
    with serve_dir(site) as url:
        page.goto(url + "booklet/")
        violations = run_axe(page, axe_source)
    assert not violations, describe(violations)
