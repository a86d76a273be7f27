import datetime as dt
import os
import random
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.core.case import Case
from kyodo.core.taxonomy import Facet, Taxonomy, Term
from kyodo.views.counts import count, share_tenths, share_text, stats_json
from kyodo.views.indexes import build_indexes
from kyodo.views.pagination import paginate
from kyodo.views.related import related


def taxonomy() -> Taxonomy:
    def facet(key, slugs, multiple=True):
        return Facet(key, key.upper(), multiple, [Term(key, s, s.upper(), order=i) for i, s in enumerate(slugs)])
    return Taxonomy({"who": facet("who", ["a", "b", "c"]), "lead": facet("lead", ["x", "y"]),
                     "dept": facet("dept", ["d1", "d2", "d3", "d4"], multiple=False)})


def case(tax, slug, year=2024, **terms) -> Case:
    chosen = {k: tuple(t for t in tax[k].terms if t.slug in terms.get(k, ())) for k in tax.facets}
    return Case(slug, Path(slug), slug, "", year, chosen, "")


def test_counts_follow_the_assignment_convention():
    tax = taxonomy()
    cases = [case(tax, "1", who=["a", "b"], lead=["x"]), case(tax, "2", who=["a"], lead=["x", "y"]),
             case(tax, "3", 2023, who=["c"], lead=["y"])]
    s = count(cases, tax, [("who", "lead")])
    assert s.cases == 3
    assert [(t.term.slug, t.cases) for t in s.facets["who"].terms] == [("a", 2), ("b", 1), ("c", 1)]
    assert s.facets["lead"].assignments == 4  # more than the 3 cases: case 2 counts twice
    assert s.crosstabs["who/lead"].cells == {"a": {"x": 2, "y": 1}, "b": {"x": 1, "y": 0}, "c": {"x": 0, "y": 1}}
    assert s.years == [(2023, 1), (2024, 2)]
    data = stats_json(s)
    assert data["facets"]["lead"]["assignments"] == 4
    assert data["crosstabs"]["who/lead"]["rows"]["a"] == {"x": 2, "y": 1}
    assert data["facets"]["who"]["terms"][0] == {"slug": "a", "label": "A", "cases": 2,
                                                 "share_of_assignments": 50.0, "share_of_cases": 66.7}


def test_shares_round_half_up_from_integers():
    assert share_tenths(103, 181) == 569 and share_text(32, 181) == "17.7" and share_text(46, 181) == "25.4"
    assert share_text(5685, 10000) == "56.9"     # 56.85 -> 56.9 (float rounding would give 56.8 here)
    assert share_text(1, 8) == "12.5" and share_text(1, 3) == "33.3" and share_text(2, 3) == "66.7"
    assert share_text(0, 0) == "—" and share_tenths(0, 0) is None


def test_related_prefers_most_shared_terms_and_excludes_self():
    tax = taxonomy()
    cases = [case(tax, "me", who=["a", "b"], lead=["x"], dept=["d1"]),
             case(tax, "three", who=["a", "b"], lead=["x"]),
             case(tax, "two", who=["a"], lead=["x"]),
             case(tax, "one", who=["a"], lead=["y"]),
             case(tax, "all4", who=["a", "b"], lead=["x"], dept=["d1"])]
    r = related(cases, k=3, min_shared=2)
    assert [c.slug for c in r["me"]] == ["all4", "three", "two"]
    assert all(c.slug != "one" for c in r["me"])


def test_related_matches_brute_force_on_random_cases():
    tax = taxonomy()
    rng = random.Random(7)
    cases = [case(tax, f"c{i}", who=rng.sample(["a", "b", "c"], rng.randint(1, 3)),
                  lead=rng.sample(["x", "y"], rng.randint(1, 2)), dept=[rng.choice(["d1", "d2", "d3", "d4"])])
             for i in range(150)]
    fast = related(cases, k=4, min_shared=2)
    for i, c in enumerate(cases):
        mine = set(c.all_terms())
        scored = [(-len(mine & set(o.all_terms())), j) for j, o in enumerate(cases) if j != i]
        expected = [cases[j].slug for s, j in sorted(scored) if -s >= 2][:4]
        assert [o.slug for o in fast[c.slug]] == expected


def test_indexes_and_neighbours():
    tax = taxonomy()
    cases = [case(tax, "n", 2025, who=["a"]), case(tax, "m", 2024, who=["a", "b"]), case(tax, "o", 2024)]
    idx = build_indexes(cases, tax)
    assert [c.slug for c in idx.by_term[tax["who"].terms[0]]] == ["n", "m"]
    assert idx.by_term[tax["who"].terms[2]] == []
    assert list(idx.by_year) == [2025, 2024]
    assert idx.prev["n"] is None and idx.next["n"].slug == "m" and idx.prev["o"].slug == "m"


def test_pagination():
    pages = paginate(list(range(65)), 30, "partner/npo/")
    assert [p.url for p in pages] == ["partner/npo/", "partner/npo/page/2/", "partner/npo/page/3/"]
    assert pages[2].items == list(range(60, 65)) and pages[2].first_index == 61 and pages[2].last_index == 65
    assert pages[0].prev_url is None and pages[0].next_url == "partner/npo/page/2/"
    assert paginate([], 30, "x/")[0].items == []
    assert paginate(list(range(300)), 10, "x/")[14].numbers() == [1, None, 14, 15, 16, None, 30]


def test_related_from_a_child_and_from_a_damaged_cache_equal_related(tmp_path, monkeypatch):
    """kyodo.views.model.Related: found in a forked child for many cases; a cache
    entry with the right key but a wrong shape is found again, never trusted."""
    from kyodo import parallel
    from kyodo.cache import Cache
    from kyodo.views.model import Related

    monkeypatch.setenv("KYODO_JOBS", "2")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    tax = taxonomy()
    rng = random.Random(11)
    cases = [case(tax, f"c{i}", who=rng.sample(["a", "b", "c"], rng.randint(1, 3)),
                  lead=rng.sample(["x", "y"], rng.randint(1, 2)), dept=[rng.choice(["d1", "d2", "d3", "d4"])])
             for i in range(parallel.MIN_ITEMS)]
    expected = {s: [o.slug for o in others] for s, others in related(cases).items()}
    with Related(cases, tmp_path) as found:
        assert found.job is not None and found.job.pid is not None      # really in a child
        got = found.result()
    assert {s: [o.slug for o in others] for s, others in got.items()} == expected
    assert all(o is next(c for c in cases if c.slug == o.slug) for others in got.values() for o in others)
    key = found.key
    for damaged in ({"c0": [[1]]}, {"c0": ["nobody"]}, {"c0": "c1"}, {"c0": [None]}):
        Cache(tmp_path, "related").put_json("related", {"key": key, "related": damaged})
        with Related(cases, tmp_path) as again:
            assert again.known is None, damaged
            assert {s: [o.slug for o in others] for s, others in again.result().items()} == expected
    with Related(cases, tmp_path) as cached:    # the good entry written back is used as it is
        assert cached.job is None and cached.known == expected


def test_bodies_rendered_in_a_child_are_the_ones_rendered_here(monkeypatch):
    """kyodo.views.model.prepare: for a large catalogue a forked child renders texts
    from the end (and sends them back as plain values) while this process renders
    from the start: the same HTML, tables of contents, images and problems as all
    rendered here."""
    from kyodo import parallel
    from kyodo.markdown.render import Markdown
    from kyodo.model.assemble import load_content
    from kyodo.views import bodies, model
    from tests.factory import SAMPLE

    monkeypatch.setenv("KYODO_CACHE", "off")                # every text rendered, none from the cache
    monkeypatch.setattr(bodies, "_MEMORY", {})
    here = model.prepare(load_content(SAMPLE))
    monkeypatch.setattr(bodies, "_MEMORY", {})
    monkeypatch.setenv("KYODO_JOBS", "2")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    monkeypatch.setattr(model, "MIN_ITEMS", 10)             # the sample counts as large here
    calls = []
    real = Markdown.render_plain
    parent = os.getpid()

    def counted(self, *a):
        if os.getpid() == parent:   # slow here: the child surely takes its share
            calls.append(1)
            time.sleep(0.002)
        return real(self, *a)
    monkeypatch.setattr(Markdown, "render_plain", counted)
    split = model.prepare(load_content(SAMPLE))
    texts = len(here.case_html) + len(here.chapter_html) + len(here.organization_html)
    assert 0 < len(calls) < texts * 3 // 4                   # this process rendered only its share
    for name in ("case_html", "chapter_html", "organization_html"):
        assert getattr(split, name) == getattr(here, name), name
    assert split.images == here.images


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(2019, 2024), st.none() | st.dates(dt.date(2019, 1, 1), dt.date(2025, 3, 31))),
                max_size=60), st.integers(1, 35))
def test_the_feed_has_the_latest_cases_in_order(rows, limit):
    """kyodo.views.sources.feed: the entries are the first ``limit`` of all the cases
    sorted by feed time, fiscal year and slug (ties on a day included)."""
    import dataclasses

    from kyodo.views.sources.feed import feed_entries, feed_time

    tax = taxonomy()
    cases = [dataclasses.replace(case(tax, f"c{i:02d}", who=["a"]), fiscal_year=y, updated=u)
             for i, (y, u) in enumerate(rows)]
    everything = sorted(cases, key=lambda c: (feed_time(c), c.fiscal_year, c.slug), reverse=True)
    assert [c.slug for c in feed_entries(cases, limit)] == [c.slug for c in everything[:limit]]


def test_tables_made_in_a_child_are_the_ones_made_here(monkeypatch):
    """kyodo.commands.pipeline._Tables: for a large catalogue the download tables
    (whose sizes the statistics pages print) are made in a forked child while the
    pages are planned: the same files, byte for byte, as made here."""
    from kyodo import parallel
    from kyodo.commands import pipeline
    from kyodo.model.assemble import load_content
    from kyodo.views import downloads, model
    from tests.factory import SAMPLE

    monkeypatch.setenv("KYODO_CACHE", "off")
    monkeypatch.setenv("KYODO_JOBS", "2")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    monkeypatch.setattr(pipeline, "MIN_ITEMS", 10)             # the sample counts as large here
    monkeypatch.setattr(downloads, "_TABLES", [])
    view = model.prepare(load_content(SAMPLE))
    expected = downloads.make_tables(view)
    assert downloads.tables_made(view) is None
    with pipeline._Tables(view) as tables:
        assert tables.job is not None and tables.job.forked     # really in a child
        tables.adopt()
    assert downloads.tables_made(view) == expected and downloads.table_files(view) is downloads.tables_made(view)
    with pipeline._Tables(view) as again:                       # made already: no child
        assert again.job is None
