"""Stacked bar charts (kyodo/render/chart_layout.py + templates/charts/macros.html) draw
what the macro drew when it did its own arithmetic (tests/oracles/stacked_chart_v1.html):
the same SVG, byte for byte, on the sample's charts and on generated rows."""

from __future__ import annotations

from pathlib import Path

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo import paths
from kyodo.commands.check import validate
from kyodo.render.env import make_env
from kyodo.views.counts import Segment, StackRow
from tests.factory import SAMPLE

MACROS = "charts/macros.html"
ORACLE = Path(__file__).parent / "oracles" / "stacked_chart_v1.html"


def _modules():
    """Today's chart macros, and the same file with the old stacked_chart in its place."""
    env = make_env(paths.TEMPLATES)
    source = env.loader.get_source(env, MACROS)[0]
    start = source.index("{% macro stacked_chart(")
    end = source.index("{% endmacro %}", start) + len("{% endmacro %}")
    oracle = source[:start] + ORACLE.read_text(encoding="utf-8") + source[end:]
    old_env = env.overlay(loader=jinja2.DictLoader({MACROS: oracle}), bytecode_cache=None)
    return env.get_template(MACROS).make_module(), old_env.get_template(MACROS).make_module()


NEW, OLD = _modules()


def _same(rows, mode="share", unit="件", title="表題 <&>"):
    new = str(NEW.stacked_chart("c1", title, rows, mode, unit))
    assert new == str(OLD.stacked_chart("c1", title, rows, mode, unit)), (rows, mode, unit)
    return new


def test_the_samples_charts_are_drawn_as_the_macro_drew_them():
    stats = validate(SAMPLE).stats
    drawn = 0
    for scope in (stats, *stats.by_year.values()):
        for tab in scope.crosstabs.values():
            _same(tab.stack_rows())
            _same(tab.stack_rows(with_average=False))
            drawn += 2
        for trend in scope.trends.values():
            _same(list(reversed(trend.stack_rows())), "count")
            drawn += 1
    assert drawn > 20


LABELS = st.text(st.sampled_from("区民町会NPO法人教育研究機関・（）<&>\"' 12ab"), max_size=45)


@st.composite
def _rows(draw):
    n_series = draw(st.integers(0, 9))
    series = draw(st.lists(LABELS, min_size=n_series, max_size=n_series))
    rows = []
    for r in range(draw(st.integers(0 if n_series == 0 else 1, 7))):
        segs = []
        for label in series:
            value = draw(st.integers(0, 5000) | st.just(0))
            segs.append(Segment(label, f"k{len(segs)}", value, draw(st.none() | st.integers(0, 1000)),
                                draw(st.none() | st.integers(0, 1000)), draw(st.booleans())))
        total = sum(s.value for s in segs)
        rows.append(StackRow(draw(LABELS), f"r{r}", draw(st.just(total) | st.integers(0, 9000)), tuple(segs),
                             is_average=draw(st.booleans())))
    return rows


@settings(max_examples=40, deadline=None)
@given(_rows(), st.sampled_from(["share", "count"]), st.sampled_from(["件", "回", ""]))
def test_any_rows_are_drawn_as_the_macro_drew_them(rows, mode, unit):
    _same(rows, mode, unit)


def test_a_wide_legend_and_long_labels_wrap():
    segs = tuple(Segment(f"とても長い名前の団体その{i}", f"k{i}", i * 3, 100 * i, 150, i % 2 == 0) for i in range(6))
    rows = [StackRow("協働の主体が非常に長い名前の行で二行以上に折り返すもの", "a", sum(s.value for s in segs), segs),
            StackRow("空", "b", 0, tuple(Segment(s.label, s.key, 0, None) for s in segs)),
            StackRow("全体（平均）", "", sum(s.value for s in segs), segs, is_average=True)]
    svg = _same(rows)
    assert svg.count('font-weight="bold"') == 1 and "該当する事例はありません" in svg and "▲" in svg


def test_parts_that_end_exactly_at_the_edge_stay_on_their_line():
    # values under the bar: 3 x 'AB 1' (58 units each) + 'ABCDEF 1' (106) = 280, the bar's length
    segs = tuple(Segment(label, label, 1, None) for label in ("AB", "AB", "AB", "ABCDEF"))
    _same([StackRow("行", "r", 4, segs)], "count", "")
    # the legend: seven swatches (32 units each, plus 14 a character) over four characters = 280
    segs = tuple(Segment(label, str(i), 1, 100) for i, label in enumerate("AAAA")) + \
        tuple(Segment("", f"e{i}", 1, 100) for i in range(3))
    _same([StackRow("行", "r", 7, segs)])
