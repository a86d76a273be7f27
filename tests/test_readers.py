"""Every reader, every surface (issue 15): terms with their meaning, plain
words, captions and tables of contents, the sitemap and the feed.

Browser checks (line breaks, charts on a phone) are in test_readers_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from kyodo.model.assemble import load_content
from tests.factory import SAMPLE
from tests.html import Node, parse

SKIP_TAGS = {"script", "style"}


def _terse_terms():
    """Terms whose label needs its short meaning beside it (from the sample's taxonomy)."""
    content = load_content(SAMPLE)
    return [t for f in content.taxonomy for t in f.terms if t.short], content


INLINE = {"a", "span", "strong", "em", "b", "i", "small", "ruby", "rb", "wbr", "time", "code", "mark", "tspan"}


def _text_runs(node: Node, skip=frozenset()) -> list[str]:
    """The text a reader sees, in runs broken at block boundaries; ruby readings
    (<rt>) left out; the content of an <abbr title> (the meaning is at hand) blanked;
    the content of the nodes in ``skip`` left out."""
    runs: list[str] = [""]

    def walk(n: Node) -> None:
        for child in (() if n in skip else n.children):
            if isinstance(child, str):
                runs[-1] += child
            elif child.tag in SKIP_TAGS or child.tag in ("rt", "rp"):
                continue
            elif child.tag == "abbr" and child.attrs.get("title"):
                runs[-1] += "\x00"
            elif child.tag in INLINE:
                walk(child)
            else:
                runs.append("")
                walk(child)
                runs.append("")
    walk(node)
    return [r for r in runs if r.strip()]


def _bare(text: str, term) -> bool:
    if term.label not in text:
        return False
    pattern = re.compile(rf"(?<![A-Za-z0-9_\-./]){re.escape(term.label)}(?![A-Za-z0-9_\-./])")
    return any(not text.startswith(term.name, m.start()) for m in pattern.finditer(text))


def test_no_bare_term_label_in_resident_text(sample_site, sample_doc):
    terms, content = _terse_terms()
    assert terms, "the sample taxonomy gives the domain letters a short meaning"
    # The guideline chapter that defines the letters may use them in its own prose.
    defining = {ch.url for ch in content.chapters if any(f"[[{t.facet}:" in ch.body for t in terms)}
    found = []
    # search/ belongs to the search issue (its filters are drawn by templates/search.html).
    pages = [p for p in sample_site.rglob("*.html")
             if not {"booklet", "search"} & set(p.relative_to(sample_site).parts)]
    pages.append(sample_site / "feed.xml")
    for path in pages:
        rel = path.relative_to(sample_site).as_posix()
        root = sample_doc(path)
        skip = frozenset()
        if rel.removeprefix("furigana/").removesuffix("index.html") in defining:   # and its ふりがな copy
            skip = frozenset(root.find_all(class_="prose") + root.find_all(class_="toc"))
        for text in _text_runs(root, skip):
            for t in terms:
                if _bare(text, t):
                    found.append(f"{rel}: «{text.strip()[:60]}» ({t.label} without «{t.short}»)")
    assert not found, "\n".join(found[:20])


def test_feed_categories_carry_the_meaning(sample_site):
    terms, _ = _terse_terms()
    feed = (sample_site / "feed.xml").read_text(encoding="utf-8")
    labels = set(re.findall(r'<category term="[^"]+" label="([^"]+)"', feed))
    assert labels and not ({t.label for t in terms} & labels)


# ---------------------------------------------------------------------------
# A small content folder with every case the items need.

from kyodo.commands.build import build  # noqa: E402
from tests.factory import case_text, make_content  # noqa: E402
import pytest  # noqa: E402
import datetime as dt  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402

TAXONOMY = """\
facets:
  level:
    label: 関与の段階
    terms:
      - {slug: x, label: X, short: 区が主導, title: 区が主導し区民が参加する段階}
      - {slug: y, label: Y, short: 区民が主導}
      - {slug: z, label: 地域の団体}
  theme:
    label: 分野
    multiple: false
    terms:
      - {slug: safety, label: 防災・防犯}
      - {slug: care, label: 福祉}
"""

SITE = """\
title: テスト区 協働事例集
organization: テスト区 協働推進課
base_url: https://kyodo.test.example.jp/
"""

CAPTIONED = """## 参加者

表: 参加者数の推移

| 年度 | 人数 |
| --- | --- |
| 2023 | 10 |

## 費用

| 項目 | 金額 |
| --- | --- |
| 会場 | 100 |
"""

PNG_3x2 = None


def _png(w: int, h: int) -> bytes:
    import io
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (200, 220, 240)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("readers")
    def case(title, year, level="[X]", theme="防災・防犯", body="## 背景\n\n本文です。\n", **extra):
        return case_text(body, drop=("partner", "form", "domain", "outcomes", "department"),
                         title=title, fiscal_year=year, level=level, theme=theme, **extra)
    cases = {
        "old-but-updated.md": case("古い年度で先週更新", 2019, updated="2025-11-20"),
        "new-no-update.md": case("新しい年度・更新日なし", 2024, level="[Y, 地域の団体]"),
        "new-no-update-2.md": case("新しい年度・更新日なし その2", 2024, theme="福祉"),
        "mid-updated.md": case("中ほど", 2022, updated="2023-05-01", body=CAPTIONED,
                               image="{src: lead.png, alt: 会場の様子}",
                               indicators="[{name: 参加者数, value: 10, unit: 人}]"),
    }
    chapters = {
        "one.md": "---\ntitle: 見出しが一つの章\norder: 1\n---\n\n## ただ一つ\n\nこの章は協働の始め方を説明します。二文目です。\n",
        "nested.md": "---\ntitle: 入れ子の章\norder: 2\nsummary: 見出しの入れ子の章です。\n---\n\n## 大見出し\n\n本文。\n\n### 小見出し1\n\n本文。\n\n### 小見出し2\n\n本文。\n",
    }
    content = make_content(root / "content", cases, taxonomy=TAXONOMY, site=SITE, guideline=chapters,
                           images={"lead.png": _png(30, 20)})
    out = root / "site"
    build(content, out, with_search=False)
    return out


def test_short_meaning_is_shown_beside_terse_labels(small_site):
    case = parse(small_site / "cases/old-but-updated/index.html")
    assert "X 区が主導" in case.find("table", class_="facts").text()
    title = parse(small_site / "level/x/index.html").find("title").text()
    assert "X 区が主導" in title
    # Column headings keep the letter, with its meaning under it and in <abbr title>.
    assert "地域の団体" in (small_site / "level/index.html").read_text(encoding="utf-8")
    trend = parse(small_site / "stats/year/index.html")
    heads = [th for th in trend.find_all("th") if th.find("abbr")]
    assert heads and all(th.find("abbr").attrs.get("title") for th in heads)
    assert any("区が主導" in th.text() for th in heads)


def test_short_meaning_is_validated(tmp_path):
    from kyodo.commands.check import validate
    from kyodo.errors import ContentError
    bad = TAXONOMY.replace("short: 区民が主導", "short: 区民が主導し区はその活動を側面から支援する")
    content = make_content(tmp_path / "c", {"a.md": case_text(drop=("partner", "form", "domain", "outcomes", "department"),
                                                                   level="[X]", theme="福祉")},
                           taxonomy=bad, site=SITE)
    with pytest.raises(ContentError) as err:
        validate(content)
    lines = [str(p) for p in err.value.problems]
    assert any("taxonomy.yml:" in s and "short" in s and "12 文字" in s for s in lines), lines


def test_sitemap_has_lastmod_and_no_noindex_page(small_site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {u.find("s:loc", ns).text: u.find("s:lastmod", ns) for u in
            ET.parse(small_site / "sitemap.xml").getroot().findall("s:url", ns)}
    base = "https://kyodo.test.example.jp/"
    assert base + "search/" not in urls
    assert urls[base + "cases/old-but-updated/"].text == "2025-11-20"
    assert urls[base + "cases/mid-updated/"].text == "2023-05-01"
    assert urls[base + "cases/new-no-update/"] is None
    assert urls[base].text == "2025-11-20"
    for path in small_site.rglob("*.html"):
        if 'name="robots" content="noindex"' in path.read_text(encoding="utf-8"):
            rel = path.relative_to(small_site).as_posix().removesuffix("index.html")
            assert base + rel not in urls, rel


def test_feed_sorted_by_updated_then_year_with_distinct_dates(small_site):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.parse(small_site / "feed.xml").getroot().findall("a:entry", ns)
    titles = [e.find("a:title", ns).text for e in entries]
    times = [dt.datetime.fromisoformat(e.find("a:updated", ns).text) for e in entries]
    assert titles[0] == "古い年度で先週更新"
    assert times == sorted(times, reverse=True)
    assert len(set(times)) == len(times)
    no_update = [t for title, t in zip(titles, times) if "更新日なし" in title]
    assert len(no_update) == 2 and all(t.date() == dt.date(2024, 4, 1) for t in no_update)


def test_every_page_has_a_description(small_site):
    for path in small_site.rglob("*.html"):
        if "embed" in path.parts:
            continue
        meta = parse(path).find("meta", name="description")
        assert meta is not None and meta.attrs["content"].strip(), path
    chapter = parse(small_site / "guideline/one/index.html").find("meta", name="description")
    assert chapter.attrs["content"].startswith("この章は協働の始め方を説明します。")
    # site.yml without description or intro: the front page says what the site holds.
    cases = len(list((small_site / "cases").glob("*/index.html")))
    home = parse(small_site / "index.html").find("meta", name="description").attrs["content"]
    assert home == f"テスト区 協働推進課の協働事例 {cases:,} 件と協働指針を紹介します。", home


def test_chapter_toc_lists_both_levels_and_never_one_item(small_site):
    assert parse(small_site / "guideline/one/index.html").find("nav", class_="toc") is None
    toc = parse(small_site / "guideline/nested/index.html").find("nav", class_="toc")
    assert [a.text() for a in toc.find_all("a")] == ["大見出し", "小見出し1", "小見出し2"]


def test_tables_have_captions_or_names_and_empty_columns_are_left_out(small_site):
    doc = parse(small_site / "cases/mid-updated/index.html")
    body = next(n for n in doc.find_all("section") if "case-body" in n.attrs.get("class", "").split())
    tables = body.find_all("table")
    captions = [t.find("caption") for t in tables]
    assert captions[0].text() == "参加者数の推移" and "visually-hidden" not in captions[0].attrs.get("class", "")
    assert captions[1].text() == "費用" and "visually-hidden" in captions[1].attrs["class"]
    assert "表:" not in body.text()
    for t in tables:
        assert t.parent.attrs.get("aria-label") and t.parent.attrs.get("role") == "group"
    ind = next(t for t in doc.find_all("table") if "indicators" in t.attrs.get("class", ""))
    heads = [th.text() for th in ind.find("thead").find_all("th")]
    assert "備考" not in heads and "目標" not in heads and len(ind.find("tbody").find_all("td")) == 1


def test_lead_image_is_eager_with_its_size(small_site):
    img = parse(small_site / "cases/mid-updated/index.html").find("figure", class_="case-image").find("img")
    assert img.attrs["loading"] == "eager" and img.attrs["fetchpriority"] == "high"
    assert (img.attrs["width"], img.attrs["height"]) == ("30", "20")


def test_no_developer_words_on_public_pages(sample_site, sample_doc):
    for path in sample_site.rglob("*.html"):
        if "booklet" in path.parts:
            continue
        text = sample_doc(path).text()
        for word in ("ビルド", "BOM", "JSON / Atom", "（Atom）"):
            assert word not in text, f"{path.relative_to(sample_site)}: «{word}»"


# ---------------------------------------------------------------------------
# Shared links: og:image and share cards.

def _card_of(path: Path) -> str | None:
    meta = parse(path).find("meta", property="og:image")
    return meta.attrs["content"] if meta is not None else None


def test_every_page_has_og_image_and_twitter_card(small_site):
    from PIL import Image
    base = "https://kyodo.test.example.jp/"
    seen = set()
    for path in small_site.rglob("*.html"):
        if {"embed", "booklet"} & set(path.relative_to(small_site).parts):
            continue
        doc = parse(path)
        url = _card_of(path)
        assert url and url.startswith(base) and url.endswith(".png"), path
        twitter = doc.find("meta", name="twitter:card")
        assert twitter is not None and twitter.attrs["content"] == "summary_large_image", path
        seen.add(url)
    for url in seen:
        with Image.open(small_site / url.removeprefix(base)) as im:
            assert im.format == "PNG" and im.size == (1200, 630), url
    # one per facet term; cases share the page-type card unless site.yml asks
    assert _card_of(small_site / "level/x/index.html").endswith("cards/level/x.png")
    assert _card_of(small_site / "cases/mid-updated/index.html") == _card_of(small_site / "cases/new-no-update/index.html")


def test_sample_has_one_card_per_case(sample_site):
    cards = {_card_of(p) for p in (sample_site / "cases").glob("*/index.html")}
    assert len(cards) == len(list((sample_site / "cases").glob("*/index.html")))


def test_cards_are_cached_and_an_unchanged_case_is_never_redrawn(tmp_path, monkeypatch):
    import kyodo.post.cards as cards
    calls = []
    real = cards.draw
    monkeypatch.setattr(cards, "draw", lambda *a: calls.append(a[1]) or real(*a))
    monkeypatch.setenv("KYODO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("KYODO_JOBS", "1")   # drawn in this process, where the calls are counted
    content = make_content(tmp_path / "c", {
        "a.md": case_text(title="事例エー"), "b.md": case_text(title="事例ビー")},
        site=SITE + "cards:\n  cases: true\n")
    build(content, tmp_path / "out", with_search=False)
    assert "事例エー" in calls and "事例ビー" in calls
    calls.clear()
    build(content, tmp_path / "out", with_search=False)
    assert calls == []
    (content / "cases/a.md").write_text(case_text(title="事例エー改"), encoding="utf-8")
    build(content, tmp_path / "out", with_search=False)
    assert calls == ["事例エー改"]
    assert (tmp_path / "out/cards/cases/b.png").is_file()
    # a new drawing (or encoding) of the cards: every card of the output is made again
    # (a change of kyodo's code: never the rebuild of changed case texts alone)
    from kyodo.commands import snapshot
    monkeypatch.setattr(snapshot, "rebuild", lambda *a: None)
    calls.clear()
    monkeypatch.setattr(cards, "DESIGN", "card-test")
    build(content, tmp_path / "out", with_search=False)
    assert {"事例エー改", "事例ビー"} <= set(calls)
    assert len(calls) == len(list((tmp_path / "out/cards").rglob("*.png")))


def test_card_text_wraps_without_breaking_words():
    from kyodo.post.cards import _fonts, lines
    fonts = _fonts()
    if fonts is None:
        pytest.skip("Noto Sans CJK JP is not installed")
    font = fonts["title"][0]
    wrapped = lines("シニアのためのスマートフォン教室 — ICT サポーター 2024 と一緒に（全5回）", font, 600, 9)
    assert len(wrapped) >= 2
    for line in wrapped[1:]:
        assert line[0] not in "）」、。ェ"
    assert not any(a[-1:].isdigit() and b[:1].isdigit() for a, b in zip(wrapped, wrapped[1:]))
    assert "".join(wrapped).replace(" ", "") == "シニアのためのスマートフォン教室—ICTサポーター2024と一緒に（全5回）"
    long = lines("長" * 200, font, 600, 3)
    assert len(long) == 3 and long[-1].endswith("…")
