"""Fragments (kyodo/render/fragments.py): the site header and footer, rendered
once per distinct input and reused, and the pages that show them."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from kyodo import paths
from kyodo.render.env import make_env, names_read
from kyodo.render.fragments import Fragments
from kyodo.views.sources import plan
from tests.factory import SAMPLE


def _env(templates: dict[str, str]) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(templates), undefined=jinja2.StrictUndefined,
                             autoescape=True)
    return env


def test_a_fragment_is_rendered_once_per_distinct_input():
    calls = []
    env = _env({"part.html": "<p>{{ seen(a) }}{{ site }}</p>"})
    common = {"site": "区", "seen": lambda a: calls.append(a) or a}
    fragments = Fragments(env, common)
    first = fragments("part.html", a="x")
    assert str(first) == "<p>x区</p>"
    assert fragments("part.html", a="x") is first
    assert str(fragments("part.html", a="y")) == "<p>y区</p>"
    assert calls == ["x", "y"]


def test_a_fragment_sees_its_inputs_and_the_shared_context_never_the_page():
    env = _env({"page.html": "{{ fragment('part.html', a=1) }}", "part.html": "{{ a }}{{ page.title }}"})
    fragments = Fragments(env, {})
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("page.html").render(fragment=fragments, page={"title": "t"})


def test_names_read_follows_fragments_without_their_inputs():
    env = _env({
        "page.html": "{{ fragment('part.html', a=page.x) }}{% include 'inc.html' %}",
        "part.html": "{{ a }}{{ nav }}{% include 'inner.html' %}",
        "inner.html": "{{ a }}{{ footer }}",
        "inc.html": "{{ a }}",
    })
    assert names_read(env, "page.html") == {"fragment", "page", "nav", "footer", "a"}
    env.loader.mapping["dyn.html"] = "{{ fragment(name, a=1) }}"
    assert names_read(env, "dyn.html") is None


def test_every_page_template_reads_the_menu_through_its_fragment():
    env = make_env(paths.TEMPLATES)
    for template in ("case.html", "term.html", "home.html", "search.html"):
        assert {"nav", "site", "fragment"} <= names_read(env, template), template


def _current(doc) -> list[str] | None:
    menu = doc.find("nav", aria_label="メインメニュー")
    return None if menu is None else [a.attrs["href"] for a in menu.find_all("a", aria_current="page")]


def test_the_current_menu_item_on_each_page_family(sample_site: Path, sample_doc):
    """The header is shared between pages, but the item marked current is each page's own."""
    from kyodo.commands.check import validate

    planned = plan(validate(SAMPLE))
    main = planned.nav["main"]
    checked = 0
    for page in planned.pages:
        if not page.output.endswith(".html"):
            continue
        expected = [((page.root + item.url) or "./") + item.fragment for item in main
                    if page.kind in item.kinds or (page.url == item.url and not item.fragment)]
        doc = sample_doc(sample_site / page.output)   # parsed once per session (tests/conftest.py)
        if page.kind == "embed":   # a chart to embed elsewhere: no header, no footer
            assert _current(doc) is None
            continue
        assert _current(doc) == expected, page.url
        assert doc.find("footer", class_="site-footer") is not None
        checked += 1
    assert checked > 100


def test_a_fragment_given_a_list_names_the_value(tmp_path):
    env = _env({"part.html": "{{ a }}"})
    with pytest.raises(jinja2.TemplateRuntimeError, match="fragment.*part.html.*（a）"):
        Fragments(env, {})("part.html", a=[1, 2], b="x")


def test_fragments_kept_are_bounded(monkeypatch):
    from kyodo.render import fragments as module

    monkeypatch.setattr(module, "KEEP", 5)
    env = _env({"part.html": "{{ a }}"})
    fragments = Fragments(env, {})
    for i in range(23):
        assert str(fragments("part.html", a=i)) == str(i)
        assert len(fragments.memo) <= 5


def test_a_template_mistake_in_a_fragment_is_a_message_naming_the_template(tmp_path):
    """Through the renderer: a Japanese message with the template and the page, no traceback."""
    from kyodo.errors import UsageError
    from kyodo.render.renderer import Renderer

    env = _env({"page.html": "{{ fragment('part.html', a=[1]) }}", "part.html": "{{ a }}"})
    renderer = Renderer.__new__(Renderer)
    renderer.env, renderer.common = env, {}
    renderer.common["fragment"] = Fragments(env, renderer.common)

    class FakePage:
        template, url, root, context = "page.html", "x/", "../", {}
    with pytest.raises(UsageError, match="テンプレート.*x/"):
        renderer.render(FakePage())


def _cases(n: int):
    """``n`` cases of the test taxonomy of tests/test_views.py."""
    from tests.test_views import case, taxonomy
    tax = taxonomy()
    return tax, [case(tax, f"c{i}", who=["a", "c"][: 1 + i % 2], lead=["x"], dept=["d2"]) for i in range(n)]


def test_list_items_made_in_another_process_are_the_ones_made_here():
    """kyodo/render/items.py: parts rendered by ``parts_for`` and adopted give the
    same lists, on every root and with every facet left out, as parts made on demand."""
    from kyodo.render.items import CaseItems

    tax, cases = _cases(12)
    env = make_env(paths.TEMPLATES)
    lazy, early = CaseItems(env, list(tax)), CaseItems(env, list(tax))
    early.adopt(CaseItems(env, list(tax)).parts_for(cases))
    assert set(early.memo) == {c.slug for c in cases} and not lazy.memo
    for root in ("", "../", "../../"):
        for skip in ("", "who", "dept"):
            assert early({"root": root}, cases[::-1], skip) == lazy({"root": root}, cases[::-1], skip)
    assert lazy.memo == early.memo


def test_an_item_leaves_out_exactly_the_row_of_the_lists_facet():
    """Every item is its head, the row of each facet but the list's own, and its
    tail, as partials/case_item_parts.html renders them (whatever the rows' lengths,
    an empty row included), with the page's root put in."""
    from kyodo.render.items import PARTS, ROOT, CaseItems

    tax, cases = _cases(5)
    env = _env({PARTS: "{% macro head(case) %}<li>{{ case.slug }}|{{ root }}|{% endmacro %}"
                       "{% macro row(case, facet) %}{% if facet.key != 'lead' %}[{{ facet.key }}"
                       "{{ case.terms.get(facet.key, ())|length }}]{% endif %}{% endmacro %}"
                       "{% macro tail() %}</li>{% endmacro %}"})
    facets = list(tax)
    module = env.get_template(PARTS).make_module({"root": ROOT})
    items = CaseItems(env, facets)
    for skip in ["", "nothing", *(f.key for f in facets)]:
        want = "".join(str(module.head(c)) + "".join(str(module.row(c, f)) for f in facets if f.key != skip)
                       + str(module.tail()) for c in cases).replace(ROOT, "../")
        assert items({"root": "../"}, cases, skip) == want, skip
        assert "[" + skip not in want or skip in ("", "nothing")


def test_a_template_mistake_in_the_items_is_left_to_the_pages(tmp_path):
    """``parts_for`` gives nothing when the item template fails: each page then
    reports the mistake with its own name (Renderer.render), never a traceback here."""
    from kyodo.render.items import PARTS, CaseItems

    tax, cases = _cases(3)
    env = _env({PARTS: "{% macro head(case) %}{{ case.no_such_field }}{% endmacro %}"
                        "{% macro row(case, facet) %}{% endmacro %}{% macro tail() %}{% endmacro %}"})
    assert CaseItems(env, list(tax)).parts_for(cases) == {}


def test_the_early_items_are_taken_only_for_many_pages(monkeypatch):
    """kyodo.commands.pipeline.EarlyItems: rendered in a child for a large site and
    taken when the workers render many pages; for a few pages the child is stopped."""
    from kyodo import parallel
    from kyodo.commands.pipeline import EarlyItems

    monkeypatch.setenv("KYODO_JOBS", "2")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    tax, cases = _cases(parallel.MIN_ITEMS)
    with EarlyItems(cases, tax) as early:
        assert early.job.forked                 # really in a child
        early.adopt(parallel.MIN_ITEMS)
        assert set(early.items.memo) == {c.slug for c in cases} and not early.job.forked
    with EarlyItems(cases, tax) as few:
        few.adopt(10)
        assert not few.items.memo and not few.job.forked
    with EarlyItems(cases[:10], tax) as small:  # a small site: no child at all
        assert not small.job.forked
