"""kyodo/load/yamlsimple.py reads the usual front matter without PyYAML's
composer: whenever it answers, the answer must be the full loader's (data,
types, key order and field lines), and it must answer for the usual files."""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.load import yamlsafe, yamlsimple

ROOT = Path(__file__).resolve().parent.parent


def full(text: str, first_line: int = 1) -> yamlsafe.Loaded:
    """yamlsafe.load without the shortcut."""
    saved = yamlsimple.parse
    yamlsimple.parse = lambda *args: None
    try:
        return yamlsafe.load(text, first_line)
    finally:
        yamlsimple.parse = saved


def simple(text: str, first_line: int = 1):
    return yamlsimple.parse(text, first_line, yamlsafe._simple_scalar)


def typed(value):
    if isinstance(value, dict):
        return [(typed(k), typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [typed(v) for v in value]
    return type(value).__name__, value


def same_as_full(text: str, first_line: int = 1) -> bool:
    """True when the shortcut answered (and then it answered as the full loader)."""
    got = simple(text, first_line)
    if got is None:
        return False
    expected = full(text, first_line)
    assert not expected.issues, (text, expected.issues)
    assert typed(got[0]) == typed(expected.data), text
    assert got[1] == expected.lines, text
    return True


def fronts(folder: Path):
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            yield path, text[4:].split("\n---\n", 1)[0]


def test_the_sample_cases_take_the_shortcut_with_the_same_result():
    answered = [same_as_full(front, 2) for _, front in fronts(ROOT / "content" / "cases")]
    assert len(answered) >= 50
    assert sum(answered) >= 0.9 * len(answered)   # flow lists and mappings, nested blocks, quotes


def test_a_typical_front_matter():
    text = ("title: 南桜町の地域の茶の間「さくら縁庭」\n"
            "fiscal_year: 2019\n"
            "partner: [NPO法人, \"町会・自治会\", 'その''他']\n"
            "# a comment line\n"
            "budget: 2500000\n"
            "draft: no\n"
            "organizations:\n"
            "  - {name: NPO法人 あおば, role: 主催}\n"
            "  - 南桜町会\n"
            "process:\n"
            "  実施: 9月に改修工事を終えました。\n"
            "indicators:\n"
            "- name: 開所日数\n"
            "  value: 98\n"
            "\n"
            "  unit: 日\n"
            "links:\n"
            "  - title: 助成制度\n"
            "    url: https://example.jp/a/#b\n"
            "updated: 2020-05-28\n"
            "period:\n")
    got = simple(text, 2)
    assert got is not None
    data, lines = got
    assert data["partner"] == ["NPO法人", "町会・自治会", "その'他"]
    assert data["fiscal_year"] == 2019 and data["draft"] is False and data["period"] is None
    assert data["updated"] == dt.date(2020, 5, 28)
    assert data["organizations"][0] == {"name": "NPO法人 あおば", "role": "主催"}
    assert lines[("indicators", 0, "unit")] == 17 and lines[("links", 0, "url")] == 20
    assert same_as_full(text, 2)


@pytest.mark.parametrize("text", [
    "a: |\n  x\n", "a: >\n  x\n", "a: x\n  y\n", "a: x # c\n", "a: b: c\n", "a: &x 1\nb: *x\n", "a: !!str 1\n",
    "a: x\na: y\n", "a: \"x\\ty\"\n", "a: [x, [y]]\n", "a: {b: {c: d}}\n", "a: [x,]\n", "2024: x\n", "yes: x\n",
    "'a': x\n", "a:x\n", "- a\n", "a:\n  - - x\n", "a:\n  -\n    x\n", "a:\n    b: 1\n  c: 2\n", "a: x\n b: 1\n",
    "a: 9007199254740993\n", "a: .nan\n", "a: 2024-02-30\n", "a: =\n", "a: <<\n", "<<: x\n", "a: \"x\" y\n",
    "---\na: 1\n", "a: 1\n...\n", "a:\tb\n", "a: x\u2028y\n", "a: -1\n", "a: [x] y\n", "a: {b: c} d\n", "a: {b: c, b: d}\n",
    "a: {b: [c]}\n", "a:\n  - x\n   y\n", "a:\n- b: 1\n   c: 2\n", "a: ?x\n", "%YAML 1.1\na: 1\n", " a: 1\n",
])
def test_what_it_is_not_sure_of_goes_to_the_full_loader(text):
    assert simple(text) is None


WORDS = ["x", "区民", "2024", "2024-02-29", "2024-02-30", "0x1F", "1_000", "1e3", ".5", "-0", "+12", "yes", "No",
         "on", "~", "null", "true", ".inf", "'q'", "'it''s'", '"dq"', '"a\\"b"', '"#: x"', "[a, b]", "[\"a, b\", c]",
         "[]", "[ ]", "[a,]", "[a, [b]]", "{name: x, role: y}", "{}", "{a: [b]}", "&a x", "*a", "!!str 1", "|", ">",
         "a: b", "a #b", "a#b", "https://x/#y", "x:", "%x", "@x", "=", "<<", "", "9007199254740993", "3.0", "01",
         "子ども・子育て 支援", "協働 ", "-x", "- x", "?x"]
KEYS = ["title", "fiscal_year", "a1", "_x", "年度", "2024", "x-y", "on", "null", "<<", "'k'", "- ", "-", "#c", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0, 0, 0, 1, 2, 2, 4]), st.sampled_from(KEYS),
                          st.sampled_from([": ", ":", " ", ": - ", ":  "]), st.sampled_from(WORDS)),
                min_size=1, max_size=10),
       st.sampled_from([1, 2]))
def test_generated_front_matter_is_read_as_the_full_loader_reads_it(lines, first_line):
    text = "\n".join(" " * indent + f"{key}{sep}{value}" for indent, key, sep, value in lines) + "\n"
    same_as_full(text, first_line)


PLAIN_KEYS = ["title", "summary", "fiscal_year", "partner", "a1", "_x", "年度", "contact", "name", "value"]
SCALARS = ["x", "区民", "2024", "2024-02-29", "0x1F", "1_000", "1e3", "3.0", "yes", "No", "~", "null", "'q'",
           "'it''s'", '"dq"', '"#: x"', "子ども・子育て 支援", "https://x/#y", "a#b", "a[b]", "a, b", "「協働」：方針"]


@st.composite
def block(draw, indent: int = 0, depth: int = 0) -> list[str]:
    """The lines of a block mapping at ``indent``: values of every shape the shortcut reads."""
    lines = []
    for key in draw(st.lists(st.sampled_from(PLAIN_KEYS), min_size=1, max_size=4, unique=True)):
        shape = draw(st.sampled_from(["scalar", "scalar", "flow", "map", "null"] +
                                     (["nested", "list", "items"] if depth < 2 else [])))
        pad = " " * indent
        if shape == "scalar":
            lines.append(f"{pad}{key}: {draw(st.sampled_from(SCALARS))}")
        elif shape == "flow":
            items = draw(st.lists(st.sampled_from(SCALARS[:13] + ['"a, b"']), max_size=3))
            lines.append(f"{pad}{key}: [{', '.join(items)}]")
        elif shape == "map":
            lines.append(f"{pad}{key}: {{name: {draw(st.sampled_from(SCALARS[:6]))}, role: 主催}}")
        elif shape == "null":
            lines.append(f"{pad}{key}:")
        elif shape == "nested":
            lines.append(f"{pad}{key}:")
            lines += draw(block(indent + draw(st.sampled_from([1, 2, 4])), depth + 1))
        else:
            lines.append(f"{pad}{key}:")
            dash = indent + draw(st.sampled_from([0, 2]))
            for _ in range(draw(st.integers(1, 3))):
                if shape == "list":
                    lines.append(" " * dash + "- " + draw(st.sampled_from(SCALARS)))
                else:
                    inner = draw(block(dash + 2, depth + 1))
                    lines.append(" " * dash + "- " + inner[0][dash + 2:])
                    lines += inner[1:]
    return lines


FLAWS = ["  continued", "- x", "# note", "", "a: b: c", "title: again", "\tx: 1", " odd: 1", "x # c", "|"]


@settings(max_examples=200, deadline=None)
@given(block(), st.lists(st.tuples(st.integers(0, 40), st.sampled_from(FLAWS)), max_size=2), st.sampled_from([1, 2]))
def test_generated_documents_are_read_as_the_full_loader_reads_them(lines, flaws, first_line):
    for at, flaw in flaws:
        lines.insert(at % (len(lines) + 1), flaw)
    same_as_full("\n".join(lines) + "\n", first_line)


@settings(max_examples=120, deadline=None)
@given(block())
def test_every_generated_document_without_a_flaw_takes_the_shortcut(lines):
    """The property above would pass with a shortcut that never answers."""
    assert same_as_full("\n".join(lines) + "\n")


def test_a_failure_of_the_shortcut_is_never_the_writer_s_problem(monkeypatch):
    """Should the shortcut ever fail, the full loader reads the text as before."""
    def broken(*args):
        raise IndexError("a bug in the shortcut")
    monkeypatch.setattr(yamlsimple, "parse", broken)
    loaded = yamlsafe.load("title: x\nfiscal_year: 2024\n")
    assert loaded.data == {"title": "x", "fiscal_year": 2024} and not loaded.issues
