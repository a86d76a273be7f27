"""ふりがな pages (furigana/…): readings, markup rules, links, identity, cache, check."""

from __future__ import annotations

from html import unescape
import bisect
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jinja2
import pytest
import yaml

from kyodo.commands import check
from kyodo.commands.build import build
from kyodo.post.furigana import SKIP, extends_base, scan
from kyodo.text.analysis import Analyser, to_hiragana
from tests.factory import SAMPLE, case_text, make_content
from tests.html import EventParser

KANJI_BASE = re.compile(r"[\u3005\u3006\u3007\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaffヶヵ]+")
HIRAGANA = re.compile(r"[\u3041-\u3096ー]+")

# What a reader expects: words of the sample and of the seeds' vocabulary.
EXPECTED = {
    "協働": "きょうどう", "町会": "ちょうかい", "自治会": "じちかい", "高齢者": "こうれいしゃ",
    "見守り": "みまもり", "防災訓練": "ぼうさいくんれん", "令和": "れいわ", "委託": "いたく",
    "後援": "こうえん", "補助": "ほじょ", "助成": "じょせい", "共催": "きょうさい",
    "事業協力": "じぎょうきょうりょく", "実行委員会": "じっこういいんかい", "協議会": "きょうぎかい",
    "人材育成": "じんざいいくせい", "政策提案": "せいさくていあん", "参画": "さんかく", "区民": "くみん",
    "事業者": "じぎょうしゃ", "任意団体": "にんいだんたい", "法人": "ほうじん", "地域": "ちいき",
    "成果": "せいか", "指針": "ししん", "対等": "たいとう", "相互理解": "そうごりかい",
    "自主性": "じしゅせい", "尊重": "そんちょう", "情報公開": "じょうほうこうかい", "自立化": "じりつか",
    "時限性": "じげんせい", "目的": "もくてき", "共有": "きょうゆう", "企画": "きかく", "段階": "だんかい",
    "役割分担": "やくわりぶんたん", "責任": "せきにん", "確認": "かくにん", "実施": "じっし",
    "評価": "ひょうか", "反映": "はんえい", "年度": "ねんど", "平成": "へいせい", "統計": "とうけい",
    "事例": "じれい", "一覧": "いちらん", "検索": "けんさく", "子育て": "こそだて", "子ども": "こども",
    "担当部署": "たんとうぶしょ", "主体": "しゅたい", "形態": "けいたい", "領域": "りょういき",
    "充実": "じゅうじつ", "拡大": "かくだい", "専門性": "せんもんせい", "発揮": "はっき",
    "防災": "ぼうさい", "福祉": "ふくし", "商店会": "しょうてんかい", "大学": "だいがく",
    "取り組み": "とりくみ", "支援": "しえん", "活動": "かつどう", "参加": "さんか", "連携": "れんけい",
    "協力": "きょうりょく", "育成": "いくせい", "公開": "こうかい", "ネットワーク": "ねっとわーく",
    "話し合い": "はなしあい", "担い手": "にないて", "居場所": "いばしょ", "商店街": "しょうてんがい",
    "小学校": "しょうがっこう", "避難所": "ひなんじょ", "説明会": "せつめいかい", "問い合わせ": "といあわせ", "本文": "ほんぶん", "移動": "いどう",
}


# Elements whose text is not annotated (kyodo/post/furigana.py SKIP).
NOT_READ = ("title", "script", "style", "code", "pre", "textarea", "svg", "option")


class _Segments(EventParser):
    """A page's text as (surface, reading) segments, one list per text block."""

    def __init__(self):
        super().__init__()
        self.blocks: list[list[tuple[str, str]]] = [[]]
        self.in_ruby = self.in_rt = False
        self.skip = 0
        self.base = ""

    def handle_starttag(self, tag, attrs):
        if tag in NOT_READ:
            self.skip += 1
        elif tag == "ruby":
            self.in_ruby, self.base = True, ""
        elif tag == "rt":
            self.in_rt = True
        elif tag not in ("a", "span", "strong", "em", "b", "i", "small", "mark", "abbr"):
            self.blocks.append([])

    def handle_endtag(self, tag):
        if tag in NOT_READ:
            self.skip -= 1
        elif tag == "rt":
            self.in_rt = False
        elif tag == "ruby":
            self.in_ruby = False

    def handle_data(self, data):
        if self.skip:
            return
        if self.in_rt:
            self.blocks[-1].append((self.base, data))
        elif self.in_ruby:
            self.base += data
        else:   # text outside ruby is read as written, one character at a time
            self.blocks[-1].extend((c, to_hiragana(c)) for c in data)


def read_aloud(html: str) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Per block: its surface text and its segments as (start, end, reading)."""
    p = _Segments()
    p.feed(html)
    out = []
    for block in p.blocks:
        text, segs = "", []
        for surface, reading in block:
            segs.append((len(text), len(text) + len(surface), reading))
            text += surface
        if text.strip():
            out.append((text, segs))
    return out


def readings_of(word: str, blocks) -> list[str]:
    """How ``word`` is read wherever its occurrence starts and ends on segment edges."""
    found = []
    for text, segs in blocks:
        for m in re.finditer(re.escape(word), text):
            # The segments are in order and touch: the first one ending after the start, and on.
            i = j = bisect.bisect_right(segs, m.start(), key=lambda s: s[1])
            while j < len(segs) and segs[j][0] < m.end():
                j += 1
            covered = segs[i:j]
            if covered and covered[0][0] == m.start() and covered[-1][1] == m.end():
                found.append("".join(s[2] for s in covered))
    return found


@pytest.fixture(scope="module")
def ruby_pages(sample_site) -> dict[str, str]:
    root = sample_site / "furigana"
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.html"))}


@pytest.fixture(scope="module")
def ruby_aloud(ruby_pages) -> dict[str, list]:
    """Each ruby page read aloud (read_aloud), once per module."""
    return {name: read_aloud(html) for name, html in ruby_pages.items()}


@pytest.fixture(scope="module")
def ruby_blocks(ruby_aloud):
    """Every block of every ruby page, joined into one block (one search per word, not one per
    block): a line break and a NUL between blocks, read as themselves, so no word spans two."""
    text, segs, sep = [], [], "\n\0\n"
    at = 0
    for blocks in ruby_aloud.values():
        for block_text, block_segs in blocks:
            segs.extend((a + at, b + at, reading) for a, b, reading in block_segs)
            segs.append((at + len(block_text), at + len(block_text) + len(sep), sep))
            text.append(block_text + sep)
            at += len(block_text) + len(sep)
    return [("".join(text), segs)]


def test_every_page_of_the_site_has_a_ruby_version(sample_site, ruby_pages):
    normal = {p.relative_to(sample_site).as_posix() for p in sample_site.rglob("*.html")
              if not p.relative_to(sample_site).as_posix().startswith(("furigana/", "embed/", "booklet/"))}
    assert normal == set(ruby_pages)
    assert {"index.html", "cases/index.html", "stats/index.html", "guideline/index.html", "404.html"} <= set(ruby_pages)


def test_expected_readings_on_the_built_ruby_pages(ruby_blocks):
    assert len(EXPECTED) >= 60
    wrong, missing = {}, []
    for word, reading in EXPECTED.items():
        seen = readings_of(word, ruby_blocks)
        if not seen:
            missing.append(word)
        bad = sorted({r for r in seen if r != reading})
        if bad:
            wrong[word] = bad
    assert not missing, f"not found as a whole word on any ruby page: {missing}"
    assert not wrong, f"read differently: {wrong}"


def test_every_kanji_residents_read_has_a_reading(ruby_aloud):
    """Outside code, scripts, SVG and the like, kanji without ruby are rare (unknown words)."""
    bare, total = [], 0
    for name, blocks in ruby_aloud.items():
        for text, segs in blocks:
            for a, b, reading in segs:
                n = len(KANJI_BASE.findall(text[a:b]))
                total += n
                if n and reading == to_hiragana(text[a:b]):
                    bare.append((name, text[max(0, a - 5):b + 5]))
    assert total > 10000
    assert len(bare) <= total // 500, bare[:20]


def test_the_wards_own_readings_are_used(ruby_blocks):
    listed = yaml.safe_load((SAMPLE / "readings.yml").read_text(encoding="utf-8"))
    assert "青葉川区" in listed
    plain = Analyser()
    wrong_without_list = 0
    for word, reading in listed.items():
        seen = readings_of(word, ruby_blocks)
        assert seen, f"{word} does not occur on the ruby pages"
        assert set(seen) == {to_hiragana(reading)}, (word, sorted(set(seen)))
        words = plain.words(word)
        if len(words) > 1 or words[0].reading != to_hiragana(reading):
            wrong_without_list += 1
    # Every entry is needed: the dictionary alone reads it differently or not as one word.
    assert wrong_without_list == len(listed)


def test_ruby_only_over_kanji_with_okurigana_outside(ruby_pages):
    bases = set()
    for html in ruby_pages.values():
        for base, rt in re.findall(r"<ruby>([^<]*)<rt>([^<]*)</rt></ruby>", html):
            assert KANJI_BASE.fullmatch(base), f"ruby over non-kanji: {base!r} ({rt})"
            assert HIRAGANA.fullmatch(rt), f"reading not in hiragana: {base!r} {rt!r}"
            bases.add((base, rt))
        assert html.count("<ruby>") == html.count("</ruby>") == html.count("<rt>")
    assert ("見守", "みまも") in bases and ("子育", "こそだ") in bases
    page = ruby_pages["cases/index.html"]
    assert "<ruby>見守<rt>みまも</rt></ruby>り" in "".join(ruby_pages.values())
    assert "<ruby>NPO" not in page and "<ruby>2024" not in page


class _Where(EventParser):
    """Ruby inside elements or attributes where it must not be."""

    FORBIDDEN = ("title", "script", "style", "code", "pre", "textarea", "svg", "option")

    def __init__(self):
        super().__init__()
        self.stack, self.bad = [], []

    def handle_starttag(self, tag, attrs):
        if tag == "ruby" and set(self.stack) & set(self.FORBIDDEN):
            self.bad.append("ruby inside " + "/".join(self.stack))
        for name, value in attrs:
            if value and ("<rt>" in value or "<ruby" in value):
                self.bad.append(f"ruby in attribute {name}")
        if tag not in ("meta", "link", "br", "img", "input", "hr", "source", "wbr"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]


def test_no_ruby_in_title_attributes_code_or_scripts(ruby_pages, tmp_path):
    for name, html in ruby_pages.items():
        w = _Where()
        w.feed(html)
        assert not w.bad, (name, w.bad[:3])
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "<" not in title
    # A case with code, a table, links and kana-only text.
    body = ("## 背景\n\n`設定値` を確認した。\n\n```\n区民会議 2024\n```\n\n"
            "| 項目 | 件数 |\n| --- | --- |\n| 参加者 | 12 |\n\nひらがなだけ。カタカナ ABC 123。\n")
    content = make_content(tmp_path / "c", {"a.md": case_text(body=body, title="地域の見守り")})
    out = tmp_path / "site"
    build(content, out, with_search=False)
    html = (out / "furigana" / "cases" / "a" / "index.html").read_text(encoding="utf-8")
    assert "<code>設定値</code>" in html and "区民会議 2024" in html
    assert "<ruby>参加者<rt>さんかしゃ</rt></ruby>" in html and "<ruby>件数<rt>けんすう</rt></ruby>" in html
    assert "ひらがなだけ。カタカナ ABC 123。" in html
    w = _Where()
    w.feed(html)
    assert not w.bad


class _Runs(HTMLParser):
    """The reference: text runs with kanji outside SKIP elements, by html.parser."""

    def __init__(self):
        super().__init__()
        self.stack, self.runs = [], []

    def handle_starttag(self, tag, attrs):
        if tag in SKIP and not self.get_starttag_text().endswith("/>"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if not self.stack and KANJI_BASE.search(data):
            self.runs.append(data)


def test_the_fast_scanner_finds_what_html_parser_finds(sample_site):
    pages = [p for p in sorted(sample_site.rglob("*.html")) if "furigana" not in p.parts]
    assert len(pages) > 100
    for path in pages:
        src = path.read_text(encoding="utf-8")
        ref = _Runs()
        ref.feed(src)
        ref.close()
        assert [unescape(src[a:b]) for a, b in scan(src)] == ref.runs, path


def _links(page: str):
    return re.findall(r'\s(?:href|src|action)="([^"]*)"', page)


def test_links_keep_the_reader_in_ruby_mode(sample_site, ruby_pages):
    site_root = sample_site.resolve()
    for name, html in ruby_pages.items():
        if name == "404.html":
            continue
        page_url = "furigana/" + name
        for link in _links(html):
            if link.startswith(("http:", "https:", "mailto:", "#")):
                continue
            target = urlsplit(urljoin("http://x/" + page_url, link)).path.lstrip("/")
            path = site_root / target
            if target == "" or target.endswith("/"):
                path = path / "index.html"
            assert path.is_file(), f"{name}: {link} -> {target}"
            has_ruby = (site_root / "furigana" / path.relative_to(site_root)).is_file()
            if path.suffix == ".html" and has_ruby:   # embed/ and booklet/ have no ruby version
                is_switch = f'href="{link}" data-furigana="off"' in html
                assert target.startswith("furigana/") or is_switch, f"{name}: {link} leaves ruby mode"
    # The 404 page uses root-relative links; they stay in ruby mode too.
    assert 'href="/furigana/cases/"' in ruby_pages["404.html"]
    assert 'href="/assets/style.css"' in ruby_pages["404.html"]


def test_canonical_names_the_normal_page_and_sitemap_has_no_ruby_pages(sample_site, ruby_pages):
    for name in ("cases/index.html", "index.html", "stats/index.html"):
        normal = (sample_site / name).read_text(encoding="utf-8")
        canon = re.search(r'<link rel="canonical" href="([^"]+)">', normal).group(1)
        assert f'<link rel="canonical" href="{canon}">' in ruby_pages[name]
        assert "furigana" not in canon
    assert "furigana" not in (sample_site / "sitemap.xml").read_text(encoding="utf-8")


SWITCH = re.compile(r'<div class="furigana-switch" id="furigana-switch">\n.*?\n</div>\n', re.S)


def test_normal_pages_are_unchanged_apart_from_the_switch(tmp_path, monkeypatch, shared_cache):
    """Feature on vs off: every normal file is identical once the switch element is removed."""
    monkeypatch.setenv("KYODO_CACHE", str(shared_cache))
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    on, off = tmp_path / "on", tmp_path / "off"
    build(content, on, with_search=False)
    site_yml = content / "site.yml"
    text = site_yml.read_text(encoding="utf-8")
    assert "furigana: true" in text
    site_yml.write_text(text.replace("furigana: true", "furigana: false"), encoding="utf-8")
    build(content, off, with_search=False)
    off_files = {p.relative_to(off).as_posix() for p in off.rglob("*") if p.is_file()}
    on_files = {p.relative_to(on).as_posix() for p in on.rglob("*") if p.is_file()}
    assert on_files - off_files == {f for f in on_files if f.startswith("furigana/")}
    assert not (off / "furigana").exists() and off_files <= on_files
    switched = 0
    for rel in sorted(off_files):
        a, b = (on / rel).read_bytes(), (off / rel).read_bytes()
        if a == b:
            continue
        stripped, n = SWITCH.subn("", a.decode("utf-8"))
        assert n == 1 and stripped.encode("utf-8") == b, f"{rel} differs beyond the switch"
        switched += 1
    assert switched > 50


def test_seed_uses_the_cache_for_unchanged_cases(tmp_path, monkeypatch):
    from kyodo.commands.check import validate
    from kyodo.post.furigana import Reader, seed
    monkeypatch.setenv("KYODO_CACHE", str(tmp_path / "cache"))
    content = make_content(tmp_path / "c", {"a.md": case_text(title="地域の見守り"),
                                            "b.md": case_text(title="子育て支援"),
                                            "c.md": case_text(title="防災訓練")})
    first = seed(validate(content), Reader({}))
    assert first["analysed"] == 3
    reader = Reader({})
    again = seed(validate(content), reader)
    assert again["analysed"] == 0 and reader.analysed == 0
    assert reader.memo["防災訓練"] == "<ruby>防災<rt>ぼうさい</rt></ruby><ruby>訓練<rt>くんれん</rt></ruby>"
    (content / "cases" / "b.md").write_text(case_text(title="高齢者の見守り"), encoding="utf-8")
    reader = Reader({})
    changed = seed(validate(content), reader)
    assert changed["analysed"] == 1
    assert reader.analysed == 1          # only the new title; shared texts came from the other cases' entries


def test_readings_yml_is_checked(tmp_path, capsys):
    content = make_content(tmp_path / "c", {"a.md": case_text(title="青葉川区の見守り")})
    (content / "readings.yml").write_text("# 読み\n青葉川区: あおばがわく\n存在しない語: そんざいしないご\n",
                                          encoding="utf-8")
    assert check.run(content) == 0
    out = capsys.readouterr().out
    assert re.search(r"readings\.yml:3: 読み: 「存在しない語」は.*どこにも出てきません", out)
    (content / "readings.yml").write_text("青葉川区: aobagawa\n見守り: 見守り\nの: の\n", encoding="utf-8")
    assert check.run(content) == 1
    out = capsys.readouterr().out
    assert re.search(r"readings\.yml:3: 語: 「の」には漢字がありません", out)
    assert re.search(r"readings\.yml:1: 読み: 「青葉川区」の読み「aobagawa」は、ひらがなかカタカナ", out)
    assert re.search(r"readings\.yml:2: 読み: 「見守り」の読み", out)
    (content / "readings.yml").write_text("# コメントだけ\n", encoding="utf-8")
    assert check.run(content) == 0


def test_furigana_setting_is_validated(tmp_path, capsys):
    content = make_content(tmp_path / "c", {"a.md": case_text()})
    site = content / "site.yml"
    site.write_text(site.read_text(encoding="utf-8").replace("furigana: true", "furigana: はい"),
                    encoding="utf-8")
    assert check.run(content) == 1
    assert re.search(r"site\.yml:\d+: furigana: ふりがなのページを作るなら true", capsys.readouterr().out)


def test_a_ward_word_inside_a_heading_reads_from_the_list(tmp_path):
    content = make_content(tmp_path / "c", {"a.md": case_text(title="東青葉の子育て")})
    (content / "readings.yml").write_text("東青葉: ひがしあおば\n", encoding="utf-8")
    out = tmp_path / "site"
    build(content, out, with_search=False)
    html = (out / "furigana" / "cases" / "a" / "index.html").read_text(encoding="utf-8")
    assert "<h1><ruby>東青葉<rt>ひがしあおば</rt></ruby>の<ruby>子育<rt>こそだ</rt></ruby>て</h1>" in html


def test_which_templates_extend_base_follows_their_sources():
    def env(templates):
        return jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True)
    templates = {
        "base.html": "<body>{% block main %}{% endblock %}</body>",
        "child.html": "{% extends 'base.html' %}{% block main %}c{% endblock %}",
        "grandchild.html": "{# a comment #}{% extends \"child.html\" %}",
        "dynamic.html": "{% extends layout %}",
        "alone.html": "<p>{{ x }}</p>",
        "loop-a.html": "{% extends 'loop-b.html' %}", "loop-b.html": "{% extends 'loop-a.html' %}",
    }
    first = env(templates)
    assert {n for n in templates if extends_base(first, n)} == {"base.html", "child.html", "grandchild.html"}
    # The same names with other sources (as after an edit in `serve`): the answers follow.
    edited = env({**templates, "child.html": "<p>no longer a child</p>",
                  "alone.html": "{% extends 'base.html' %}"})
    assert {n for n in templates if extends_base(edited, n)} == {"base.html", "alone.html"}
    # Other delimiters read the same text differently.
    other = jinja2.Environment(loader=jinja2.DictLoader({"t.html": "<% extends 'base.html' %>", "base.html": ""}),
                               block_start_string="<%", block_end_string="%>")
    assert extends_base(other, "t.html") and not extends_base(env({"t.html": "<% extends 'base.html' %>"}), "t.html")
