"""The counting model (kyodo/views/counts.py): the survey's convention,
row shares, the average row, half-up rounding, years and empty data."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.core.case import Case
from kyodo.core.taxonomy import Facet, Taxonomy, Term
from kyodo.views.counts import count, percent_text, share_tenths, stats_json, tenths_text


def taxonomy() -> Taxonomy:
    def facet(key, slugs, multiple=True):
        return Facet(key, key.upper(), multiple, [Term(key, s, s.upper(), order=i) for i, s in enumerate(slugs)])
    return Taxonomy({"who": facet("who", ["a", "b", "c"]), "lead": facet("lead", ["x", "y", "z"]),
                     "dept": facet("dept", ["d1", "d2"], multiple=False)})


def case(tax, slug, year=2024, **terms) -> Case:
    chosen = {k: tuple(t for t in tax[k].terms if t.slug in terms.get(k, ())) for k in tax.facets}
    return Case(slug, Path(slug), slug, "", year, chosen, "")


def survey_corpus(tax):
    """166 cases, 15 of them in two domains: x 103, y 32, z 46 = 181 classifications."""
    cases, n = [], 0
    for lead, k in ((["x", "z"], 15), (["x"], 88), (["z"], 31), (["y"], 32)):
        for _ in range(k):
            n += 1
            cases.append(case(tax, f"c{n}", who=["a"], lead=lead, dept=["d1"]))
    return cases


def test_survey_convention_shares_of_all_classifications():
    tax = taxonomy()
    s = count(survey_corpus(tax), tax, [])
    fc = s.facets["lead"]
    assert s.cases == 166 and fc.assignments == 181 and fc.exceeds
    assert [(t.term.slug, t.cases) for t in fc.terms] == [("x", 103), ("y", 32), ("z", 46)]
    assert [b.share for b in fc.bars()] == ["56.9", "17.7", "25.4"]
    assert [tenths_text(fc.share_of_cases(t)) for t in fc.terms] == ["62.0", "19.3", "27.7"]
    assert fc.sum_of_shares() == 1000
    data = stats_json(s)["facets"]["lead"]
    assert data["assignments"] == 181
    assert [t["share_of_assignments"] for t in data["terms"]] == [56.9, 17.7, 25.4]


def test_rounding_half_up_and_never_forced_to_100():
    assert share_tenths(5685, 10000) == 569          # 56.85 -> 56.9
    assert share_tenths(1137, 2000) == 569           # 56.85 again, through count() below
    tax = taxonomy()
    cases = [case(tax, f"p{i}", who=["a"], lead=["x" if i < 1137 else "y"], dept=["d1"]) for i in range(2000)]
    assert count(cases, tax, [], per_year=False).facets["lead"].bars()[0].share == "56.9"
    thirds = [case(tax, f"t{i}", who=["a"], lead=[s], dept=["d1"]) for i, s in enumerate("xyz")]
    fc = count(thirds, tax, []).facets["lead"]
    assert [b.share for b in fc.bars()] == ["33.3", "33.3", "33.3"]
    assert fc.sum_of_shares() == 999                 # 99.9, as the survey's columns can be
    assert percent_text(None) == "—" and percent_text(569) == "56.9%"


def test_crosstab_row_shares_average_and_above_average_cells():
    tax = taxonomy()
    cases = [case(tax, "1", who=["a", "b"], lead=["x"], dept=["d1"]),
             case(tax, "2", who=["a"], lead=["x", "y"], dept=["d1"]),
             case(tax, "3", who=["a"], lead=["x"], dept=["d2"]),
             case(tax, "4", who=["b"], lead=["z"], dept=["d2"]),
             case(tax, "5", who=["b", "c"], lead=["z", "y"], dept=["d2"])]
    s = count(cases, tax, [("who", "lead")])
    tab = s.crosstabs["who/lead"]
    assert tab.cells == {"a": {"x": 3, "y": 1, "z": 0}, "b": {"x": 1, "y": 1, "z": 2}, "c": {"x": 0, "y": 1, "z": 1}}
    # Row shares: of row a's 4 classifications, 3 are x.
    assert tab.row_total("a") == 4 and tab.row_share("a", "x") == 750 and tab.row_share("a", "y") == 250
    assert tab.row_share("b", "z") == 500
    # The average row is the lead facet over all cases: x 3, y 2, z 2 of 7.
    assert [tab.average(c) for c in "xyz"] == [429, 286, 286]
    assert tab.above_cells() == {"a": ["x"], "b": ["z"], "c": ["y", "z"]}
    rows = tab.stack_rows()
    assert rows[-1].is_average and rows[-1].total == 7 and [g.value for g in rows[-1].segments] == [3, 2, 2]
    assert rows[0].segments[0].diff == 750 - 429
    data = stats_json(s)["crosstabs"]["who/lead"]
    assert data["rows"]["a"] == {"x": 3, "y": 1, "z": 0}          # the contract
    assert data["row_shares"]["a"] == {"x": 75.0, "y": 25.0, "z": 0.0}
    assert data["average"] == {"x": 42.9, "y": 28.6, "z": 28.6}
    assert data["above_average"]["c"] == ["y", "z"]


def test_years_trends_and_one_year_stats():
    tax = taxonomy()
    cases = [case(tax, "1", 2022, who=["a"], lead=["x"], dept=["d1"]),
             case(tax, "2", 2024, who=["a", "b"], lead=["x", "y"], dept=["d2"]),
             case(tax, "3", 2024, who=["c"], lead=["y"], dept=["d2"])]
    s = count(cases, tax, [("who", "lead")])
    assert s.years == [(2022, 1), (2024, 2)]
    assert s.span == [2022, 2023, 2024]                           # the year with none is kept, as 0
    assert [(b.key, b.value) for b in s.year_bars()] == [("2022", 1), ("2023", 0), ("2024", 2)]
    assert s.trends["lead"].counts == {"x": [1, 0, 1], "y": [0, 0, 2], "z": [0, 0, 0]}
    assert [r.total for r in s.trends["lead"].stack_rows()] == [1, 0, 3]
    assert set(s.by_year) == {2022, 2024}
    y24 = s.by_year[2024]
    assert y24.year == 2024 and y24.cases == 2 and y24.facets["lead"].assignments == 3
    assert y24.crosstabs["who/lead"].cells["a"] == {"x": 1, "y": 1, "z": 0}
    data = stats_json(s)
    assert data["by_year"]["2024"]["facets"]["who"]["assignments"] == 3
    assert data["trends"]["lead"]["years"] == [2022, 2023, 2024]


def test_empty_data_gives_no_division_error():
    tax = taxonomy()
    s = count([], tax, [("who", "lead")])
    assert s.cases == 0 and s.span == [] and s.by_year == {} and s.year_bars() == []
    fc = s.facets["who"]
    assert [b.tenths for b in fc.bars()] == [None, None, None] and fc.sum_of_shares() is None
    tab = s.crosstabs["who/lead"]
    assert tab.row_share("a", "x") is None and tab.average("x") is None and not tab.above("a", "x")
    data = stats_json(s)
    assert data["cases"] == 0 and data["facets"]["who"]["terms"][0]["share_of_assignments"] is None
    # A term never used, next to one that is: 0 and 0.0 %, not an error.
    one = count([case(tax, "1", who=["a"], lead=["x"], dept=["d1"])], tax, [("who", "lead")])
    assert [b.share for b in one.facets["who"].bars()] == ["100.0", "0.0", "0.0"]
    assert one.crosstabs["who/lead"].row_share("b", "x") is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(2018, 2024), st.sets(st.sampled_from("abc")), st.sets(st.sampled_from("xyz")),
                          st.sampled_from(["d1", "d2"])), max_size=25))
def test_every_count_is_what_counting_by_hand_gives(rows):
    """One pass over the cases gives the whole and each year's counts: compared with
    counting each number by hand, for any cases (years with none, terms never used)."""
    tax = taxonomy()
    cases = [case(tax, f"c{i}", y, who=w, lead=l, dept=[d]) for i, (y, w, l, d) in enumerate(rows)]
    s = count(cases, tax, [("who", "lead"), ("dept", "who")])

    def check(stats, subset):
        assert stats.cases == len(subset)
        for f in tax:
            assert [t.cases for t in stats.facets[f.key].terms] == [sum(c.has(t) for c in subset) for t in f.terms]
        for key, (a, b) in {"who/lead": ("who", "lead"), "dept/who": ("dept", "who")}.items():
            assert stats.crosstabs[key].cells == {r.slug: {k.slug: sum(c.has(r) and c.has(k) for c in subset)
                                                           for k in tax[b].terms} for r in tax[a].terms}
    check(s, cases)
    years = sorted({c.fiscal_year for c in cases})
    assert s.years == [(y, sum(c.fiscal_year == y for c in cases)) for y in years]
    assert s.span == (list(range(years[0], years[-1] + 1)) if years else [])
    for f in tax:
        assert s.trends[f.key].counts == {t.slug: [sum(c.fiscal_year == y and c.has(t) for c in cases) for y in s.span]
                                          for t in f.terms}
    assert list(s.by_year) == years
    for y in years:
        sub = s.by_year[y]
        assert sub.year == y and sub.years == [(y, sum(c.fiscal_year == y for c in cases))] and sub.by_year == {}
        check(sub, [c for c in cases if c.fiscal_year == y])
