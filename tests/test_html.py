"""The tests' event parser (tests/html.py ``EventParser``) against html.parser itself: the
same handler calls, on built pages, on odd but well-formed markup and on generated trees."""

from __future__ import annotations

import html
from html.parser import HTMLParser

from hypothesis import given, settings, strategies as st

from tests.html import EventParser, parse


def _events(base: type, text: str) -> list[tuple]:
    """Every handler call of a parser of class ``base`` over ``text``; adjacent texts joined
    (html.parser may split a text where it meets a stray ``<``)."""
    calls: list[tuple] = []

    class Recorder(base):
        def handle_starttag(self, tag, attrs):
            calls.append(("start", tag, tuple(attrs)))

        def handle_startendtag(self, tag, attrs):
            calls.append(("startend", tag, tuple(attrs)))

        def handle_endtag(self, tag):
            calls.append(("end", tag))

        def handle_data(self, data):
            if calls and calls[-1][0] == "data":
                calls[-1] = ("data", calls[-1][1] + data)
            else:
                calls.append(("data", data))

        def handle_comment(self, data):
            calls.append(("comment", data))

        def handle_decl(self, decl):
            calls.append(("decl", decl))

    parser = Recorder() if base is EventParser else Recorder(convert_charrefs=True)
    parser.feed(text)
    parser.close()
    return calls


def _same(text: str) -> None:
    assert _events(EventParser, text) == _events(HTMLParser, text), text


def test_the_events_of_built_pages_are_html_parsers(sample_site):
    pages = sorted(sample_site.rglob("*.html"))
    families: dict[tuple, list] = {}
    for path in pages:   # a page of every folder, and every twentieth page besides
        families.setdefault(path.relative_to(sample_site).parts[:-2], []).append(path)
    chosen = {group[0] for group in families.values()} | set(pages[::20])
    assert len(chosen) > 50
    for path in sorted(chosen):
        _same(path.read_text(encoding="utf-8"))


ODD = [
    "",
    "plain text, no tags & no references &amp; one",
    "<!DOCTYPE html><HTML LANG=ja><Body CLASS='a b'>x</BODY></html>",
    '<p title="a &amp; b &lt;c&gt; &#x5B50;&#23376;&quot;" data-x=\'q"uote\' hidden>t</p>',
    '<input value=unquoted name = spaced disabled><br/><br /><img src="a.png" alt="" />',
    '<a href="/x?a=1&amp;b=2">&copy; 2024 &nbsp;&#12354;</a>',
    "<script>if (a < b && c > d) { x = '</p>'; }</script><p>after</p>",
    "<style>p > a { content: '&amp;'; }</style>",
    "<SCRIPT type=module>let t = `<b>`;</Script >tail",
    "<!-- a comment with <p>tags</p> -->text<!---->",
    "<textarea readonly>&lt;iframe src=&quot;x&quot;&gt;&lt;/iframe&gt;</textarea>",
    "<svg viewBox='0 0 1 1'><path d='M0 0h1'/><text x=0>子ども 2024 &amp;</text></svg>",
    "a < b, c <= d",
    "<p>unclosed <b>bold <i>both</p> end",
    "<ruby>子<rt>こ</rt></ruby>ども<wbr>の<span class=\"x\">居場所</span>",
    "<ul>\n  <li>one\n  <li>two\n</ul>\n",
    "<p a=\"1\" a=\"2\">duplicate attributes</p>",
]


def test_odd_but_well_formed_markup_gives_html_parsers_events():
    for text in ODD:
        _same(text)


_TAGS = st.sampled_from(["p", "a", "div", "span", "ruby", "rt", "li", "td", "svg", "textarea", "B", "Em"])
_VOID = st.sampled_from(["br", "img", "input", "meta", "wbr", "path"])
_NAMES = st.sampled_from(["class", "href", "title", "id", "data-x", "aria-label", "VALUE", "hidden"])
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@st.composite
def _attrs(draw) -> str:
    out = []
    for name in draw(st.lists(_NAMES, max_size=3)):
        value = draw(_TEXT)
        quote = draw(st.sampled_from(['"', "'", "none", ""]))
        if quote == "":
            out.append(f" {name}")
        elif quote == "none" and value and all(c not in value for c in " \t\n\r\f\"'=<>`&"):
            out.append(f" {name}={value}")
        else:
            q = quote if quote in "\"'" else '"'
            out.append(f" {name}={q}{html.escape(value, quote=True)}{q}")
    return "".join(out)


def _markup():
    leaf = st.one_of(
        _TEXT.map(lambda t: html.escape(t, quote=False)),
        st.builds(lambda tag, a, slash: f"<{tag}{a}{slash}>", _VOID, _attrs(), st.sampled_from(["", "/", " /"])),
        _TEXT.filter(lambda t: "--" not in t and not t.endswith("-")).map(lambda t: f"<!--{t}-->"),
        st.builds(lambda tag, t: f"<{tag}>{t}</{tag}>", st.sampled_from(["script", "style"]),
                  _TEXT.filter(lambda t: "</" not in t)),
    )
    return st.recursive(leaf, lambda inner: st.builds(
        lambda tag, a, body: f"<{tag}{a}>{''.join(body)}</{tag}>", _TAGS, _attrs(), st.lists(inner, max_size=4)),
        max_leaves=12)


@settings(max_examples=100, deadline=None)
@given(st.lists(_markup(), max_size=4).map("".join))
def test_generated_markup_gives_html_parsers_events(text):
    _same(text)


def test_the_tree_keeps_text_attributes_and_nesting():
    doc = parse('<main id="m"><p class="x">a &amp; <b>b</b><br>c</p><img src="i.png"></main>')
    main = doc.find("main")
    assert main.attrs == {"id": "m"} and main.parent is doc
    p = main.find("p", class_="x")
    assert p.text() == "a & bc" and [getattr(c, "tag", c) for c in p.children] == ["a & ", "b", "br", "c"]
    assert doc.find("img").parent is main and doc.find("b").text() == "b"
