from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.markdown.render import Markdown, is_safe_link
from tests.factory import PNG


def md(tmp_path: Path, terms=None) -> Markdown:
    images = tmp_path / "images"
    images.mkdir(exist_ok=True)
    (images / "a.png").write_bytes(PNG)
    return Markdown(images, terms or (lambda facet, value: None))


def test_raw_html_is_escaped(tmp_path):
    html = md(tmp_path).render('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">').html
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_unsafe_link_schemes_are_dropped(tmp_path):
    html = md(tmp_path).render(
        "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](vbscript:x) [d](data:text/html,x) "
        "[e](https://ok.example/) [f](mailto:x@example.jp) [g](../other/)").html
    lowered = html.lower()
    assert html.count("<a ") == 3
    assert all(f'href="{scheme}' not in lowered for scheme in ("javascript", "vbscript", "data"))
    assert 'href="https://ok.example/"' in html and 'href="mailto:x@example.jp"' in html and 'href="../other/"' in html


def test_is_safe_link():
    assert is_safe_link("https://a") and is_safe_link("#x") and is_safe_link("../a/")
    assert not is_safe_link("java\nscript:alert(1)") and not is_safe_link("//evil.example/")


def test_images_are_local_only(tmp_path):
    r = md(tmp_path).render("![写真](a.png) ![外部](https://evil.example/t.png) ![](a.png)", root="../../")
    assert 'src="../../images/a.png"' in r.html and 'alt="写真"' in r.html
    assert "evil.example/t.png" in r.html and 'src="https://evil' not in r.html  # a link, not an image
    assert r.images == ["a.png", "a.png"]
    assert any("代替テキスト" in m for _, m, *_ in r.problems)


def test_missing_image_is_a_problem_with_line(tmp_path):
    r = md(tmp_path).render("段落\n\n![x](nope.png)\n")
    assert r.problems and r.problems[0][0] == 2


def test_japanese_soft_breaks_add_no_space(tmp_path):
    html = md(tmp_path).render("区と町会が\n協働した。\nEnglish\nwords").html
    assert "区と町会が協働した。" in html and "English\nwords" in html


def test_headings_get_ids_and_toc(tmp_path):
    r = md(tmp_path).render("## 背景\n\n### 詳しく\n\n## 背景\n")
    assert [(h.level, h.text) for h in r.toc] == [(2, "背景"), (3, "詳しく"), (2, "背景")]
    assert len({h.id for h in r.toc}) == 3
    assert f'id="{r.toc[0].id}"' in r.html


def test_term_reference_links_with_count(tmp_path):
    def terms(facet, value):
        return ("form/co-host/", "共催", 12) if (facet, value) == ("form", "共催") else None
    r = md(tmp_path, terms).render("## 共催\n\n説明\n[[form:共催]] と [[form:不明]]", root="../../")
    assert '<a href="../../form/co-host/" class="term-ref">共催（12件）</a>' in r.html
    assert r.problems == [(3, "[[form:不明]] の分類または値が taxonomy.yml にありません")]
    assert r.refs[0].line == 3


def test_tables_and_footnotes(tmp_path):
    html = md(tmp_path).render("| a | b |\n|---|---|\n| 1 | 2 |\n\n本文[^1]\n\n[^1]: 注\n").html
    assert "<th>a</th>" in html and "footnote" in html


def test_quiet_block_rules_change_nothing(monkeypatch):
    """The block rules' loggers are swapped for speed (kyodo/markdown/render.py):
    every sample text renders the same with markdown-it-py's own loggers."""
    import sys

    from kyodo import paths
    from kyodo.markdown import render as md_module

    quiet = {name: m for name, m in sys.modules.items()
             if name.startswith("markdown_it.") and isinstance(getattr(m, "LOGGER", None), md_module._NoDebug)}
    assert "markdown_it.rules_block.paragraph" in quiet and "markdown_it.parser_block" in quiet
    texts = [p.read_text(encoding="utf-8").split("---\n", 2)[-1]
             for p in sorted((paths.PROJECT / "content").rglob("*.md"))]
    assert len(texts) > 30
    md = Markdown(paths.PROJECT / "content" / "images")
    fast = [md.render(t).html for t in texts]
    for name, module in quiet.items():
        monkeypatch.setattr(module, "LOGGER", module.LOGGER.logger)
    assert [md.render(t).html for t in texts] == fast


def _standard_inline(tmp_path) -> Markdown:
    """A parser with markdown-it's own rules only: its core ``inline`` rule, no
    ``plain_paragraph`` block rule (kyodo/markdown/render.py's shortcuts) and
    no plain-text renderer (kyodo/markdown/plain.py)."""
    from markdown_it.rules_core import inline

    parser = md(tmp_path)
    parser.plain = False     # kyodo/markdown/plain.py: compared by the tests below
    parser.md.core.ruler.at("inline", inline)
    parser.md.block.ruler.disable("plain_paragraph")
    return parser


def _tokens(tokens) -> list:
    return [(t.type, t.tag, t.nesting, t.map, t.level, t.content, t.markup, t.info, t.hidden, t.block, t.attrs,
             _tokens(t.children or [])) for t in tokens]


def _same(fast: Markdown, slow: Markdown, text: str) -> None:
    assert _tokens(fast.md.parse(text, {})) == _tokens(slow.md.parse(text, {})), text
    a, b = fast.render(text, "../", "d", "題"), slow.render(text, "../", "d", "題")
    assert (a.html, a.toc, a.images, a.problems, a.refs) == (b.html, b.toc, b.images, b.problems, b.refs), text


def test_plain_text_shortcut_is_used_and_changes_nothing_on_the_sample(tmp_path):
    from kyodo import paths
    from kyodo.markdown import render as md_module

    fast, slow = md(tmp_path), _standard_inline(tmp_path)
    assert fast.md.core.ruler.getRules("")[2] is md_module._inline_rule   # normalize, block, inline
    assert fast.md.block.ruler.getRules("")[0] is md_module._plain_paragraph
    texts = [p.read_text(encoding="utf-8") for p in sorted((paths.PROJECT / "content").rglob("*.md"))]
    for text in texts:
        _same(fast, slow, text)                       # front matter and body, as text
        _same(fast, slow, text.split("---\n", 2)[-1])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(
    ["協働", "子ども", "。", "、", "a", "Z", "1", " ", "  ", "\n", "\n\n", "\t", "*", "**", "_", "`", "[", "]", "(", ")",
     "[[partner:町会]]", "!", "<", ">", "&", "&amp;", "\\", "~~", "#", "## ", "- ", "1. ", "| a | b |\n|---|---|\n",
     ":", "http://example.org", "[^1]", "^", "$", "%", "=", "+", "@", "{", "}", "　", "＃", "\u3000", "ｘ",
     "\n    ", "\n> ", "\n- ", "\n1) ", "\n===\n", "\n---\n", "\n| x |\n", "\n|-|\n", "\n```\n", "\n~~~",
     "\n[a]: /b\n", "\n[^1]: 注\n", "\n<div>\n", "\n\t", "\u00a0", "é", "→", "\n  - ", "\n   > "]),
    max_size=40).map("".join))
def test_plain_text_shortcut_equals_the_inline_parser(tmp_path_factory, text):
    if not _PARSERS:
        tmp = tmp_path_factory.mktemp("md")
        _PARSERS.extend([md(tmp), _standard_inline(tmp)])
    _same(*_PARSERS, text)


_PARSERS: list = []   # made once: the fast parser and the standard one


# -- kyodo/markdown/plain.py: plain texts without markdown-it -------------------

def _rendered(parser: Markdown, text: str, title: str = "題"):
    r = parser.render(text, "../../", "", title)
    return str(r.html), r.toc, r.images, r.problems, r.refs


def test_plain_texts_skip_markdown_it_and_render_the_same(tmp_path, monkeypatch):
    from kyodo import paths
    from kyodo.markdown import plain

    fast, slow = md(tmp_path), _standard_inline(tmp_path)
    texts = [p.read_text(encoding="utf-8").split("---\n", 2)[-1]
             for p in sorted((paths.PROJECT / "content").rglob("*.md"))]
    shaped = [t for t in texts if plain.blocks(t) is not None]
    assert len(shaped) >= 0.8 * len(texts) > 30     # most of the sample is plain: the shortcut is used
    assert any("<table>" in str(slow.render(t).html) for t in shaped)
    for text in texts:
        assert _rendered(fast, text) == _rendered(slow, text), text[:200]
    # A plain text never reaches markdown-it.
    monkeypatch.setattr(fast.md, "parse", lambda *a, **k: (_ for _ in ()).throw(AssertionError("parsed")))
    for text in shaped:
        fast.render(text)


def test_plain_shapes_and_what_is_left_to_markdown_it(tmp_path):
    from kyodo.markdown import plain

    fast, slow = md(tmp_path), _standard_inline(tmp_path)
    plain_texts = [
        "## 背景\n\n区と町会が協働した。\n\n- 講座（4回）\n- NPO法人の相談会\n\n3. 三つ目\n4. 四つ目\n",
        "# 題\n本文。\n## 次\n| 指標 | 2024年度 |\n| :-- | --: |\n| 参加者数（人） | 1,200 |\n| 回数 |  |\n",
        "| a | b |\n|:-:|---|\n| 1 | 2 |",
        "## 背景\n\n## 背景\n\n### 背景\n",
        "2024年に始めた。\n\nNPOと区の\"協働\" > 1\n",
        "",
    ]
    left = [
        "**強調**", "[リンク](https://example.org/)", "行1\n行2", "1) 項目", "- 項目\n\n- 項目", "- 項目\n続き",
        "　字下げ", "末尾の空白 ", "a & b", "## 見出し #", "表: 題\n\n| a |\n|---|\n| 1 |", "| a |\n|---|\n| 1 |\n\nTable: x",
        "| a | b |\n|---|\n| 1 | 2 |", "| a |\n|---|\n| 1 | 2 |", "| a |\n|---|", "- 1. 入れ子", "* 項目", "> 引用",
        "    コード", "見出し\n===", "---", "[[partner:町会]]", "脚注[^1]\n\n[^1]: 注", "タブ\tあり",
    ]
    for text in plain_texts:
        assert plain.blocks(text) is not None, text
        assert _rendered(fast, text) == _rendered(slow, text), text
    for text in left:
        assert plain.blocks(text) is None, text
        assert _rendered(fast, text) == _rendered(slow, text), text
    no_ids = Markdown(tmp_path / "images", None, heading_ids=False)
    no_ids_slow = Markdown(tmp_path / "images", None, heading_ids=False, plain=False)
    assert _rendered(no_ids, plain_texts[0]) == _rendered(no_ids_slow, plain_texts[0])
    assert 'aria-label="x"' in str(fast.render("| a |\n|---|\n| 1 |", title="x").html)


_CLEAN = ["区と町会", "子ども", "2024年度", "NPO法人", "3.5倍", "協働:", "50%", "\"引用\"", "'", "x>y", "#1", "a", "＃",
          "é", "→", "　の", " と ", "1,200"]
_NOISE = ["*", "_", "`", "[", "]", "!", "|", "\\", "&", "<", "~", "\t", " ", "　", "\n", "\n\n", "#", "1. ", "1) ",
          "- ", "表: ", "Table: ", "| ", "---", ":"]
_clean = st.lists(st.sampled_from(_CLEAN), min_size=1, max_size=4).map("".join).map(str.strip).filter(bool)
_cell = st.one_of(_clean, st.just(""))


def _table(cols: int):
    aligns = st.lists(st.sampled_from(["---", ":--", "--:", ":-:", " --- ", "-"]), min_size=cols, max_size=cols)
    rows = st.lists(st.lists(_cell, min_size=cols, max_size=cols), min_size=1, max_size=3)
    head = st.lists(_clean, min_size=cols, max_size=cols)
    return st.tuples(head, aligns, rows).map(
        lambda t: "\n".join(["| " + " | ".join(t[0]) + " |", "|" + "|".join(t[1]) + "|"]
                            + ["| " + " | ".join(r) + " |" for r in t[2]]))


_block = st.one_of(
    st.tuples(st.integers(1, 6), _clean).map(lambda t: "#" * t[0] + " " + t[1]),
    _clean,
    st.lists(_clean, min_size=1, max_size=4).map(lambda items: "\n".join("- " + i for i in items)),
    st.tuples(st.sampled_from([1, 1, 3, 0]), st.lists(_clean, min_size=1, max_size=4)).map(
        lambda t: "\n".join(f"{t[0] + k}. {i}" for k, i in enumerate(t[1]))),
    st.integers(1, 3).flatmap(_table),
)


@st.composite
def _plain_like(draw) -> str:
    """Texts of plain blocks (kyodo/markdown/plain.py's shape), some with a flaw."""
    blocks = draw(st.lists(_block, max_size=6))
    text = ""
    for block in blocks:
        text += (draw(st.sampled_from(["\n\n", "\n\n", "\n", "\n \n", "\n\n\n"])) if text else "") + block
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(_NOISE)) + text[at:]
    return text


@settings(max_examples=500, deadline=None)
@given(_plain_like(), st.booleans(), st.sampled_from(["題", "", "a&b"]))
def test_plain_renderer_equals_markdown_it(tmp_path_factory, text, newline, title):
    if not _PLAIN_PARSERS:
        tmp = tmp_path_factory.mktemp("plain")
        _PLAIN_PARSERS.extend([md(tmp), _standard_inline(tmp)])
    text += "\n" if newline else ""
    fast, slow = _PLAIN_PARSERS
    assert _rendered(fast, text, title) == _rendered(slow, text, title), text


_PLAIN_PARSERS: list = []
