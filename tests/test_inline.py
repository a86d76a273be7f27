"""Includes written in place (kyodo/render/inline.py): the same pages, byte for
byte, as includes made at render time; errors still name the partial."""

from __future__ import annotations

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo import paths
from kyodo.errors import UsageError
from kyodo.render.env import make_env
from kyodo.render.inline import InliningLoader, plain_env
from kyodo.render.renderer import Renderer
from tests.factory import SAMPLE


def _envs(templates: dict[str, str]) -> tuple[jinja2.Environment, jinja2.Environment]:
    """(includes in place, includes at render time), with the build's settings."""
    def env(loader):
        return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                                  trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env(InliningLoader(jinja2.DictLoader(templates))), env(jinja2.DictLoader(templates))


def _both(templates: dict[str, str], name: str = "page.html", **context) -> tuple[str, str]:
    inlined, plain = _envs(templates)
    return inlined.get_template(name).render(**context), plain.get_template(name).render(**context)


def _source(templates: dict[str, str], name: str = "page.html") -> str:
    env = _envs(templates)[0]
    return env.loader.get_source(env, name)[0]


# -- the same output --------------------------------------------------------------

CASES = {
    "at a line's start": ("a\n{% include 'p.html' %}\nb\n", "<p>{{ x }}</p>\n"),
    "indented": ("<ul>\n    {% include 'p.html' %}\n</ul>\n", "<li>{{ x }}</li>\n"),
    "mid-line": ("a {% include 'p.html' %} b\n", "P"),
    "partial starting with a newline": ("a\n{% include 'p.html' %}\nb", "\nP\n"),
    "partial ending in spaces": ("a\n{% include 'p.html' %}\nb", "P  "),
    "partial ending in a line of spaces": ("a\n{% include 'p.html' %}\nb", "P\n  "),
    "partial ending in a tag": ("a\n{% include 'p.html' %}\nb", "{% if x %}P{% endif %}\n"),
    "minus on both sides": ("a  \n  {%- include 'p.html' -%}  \n  b", "  P  "),
    "plus on both sides": ("a\n  {%+ include 'p.html' +%}\nb", "P\n"),
    "in a loop": ("{% for i in items %}{% include 'p.html' %}{% endfor %}",
                  "{{ i }}{% for j in items %}/{{ loop.index }}{% endfor %}\n"),
    "in a macro": ("{% macro m(a) %}{% include 'p.html' %}{% endmacro %}{{ m('A') }}", "{{ a }}{{ x }}"),
    "in a with block": ("{% with x = 'w' %}{% include 'p.html' %}{% endwith %}{{ x }}", "{{ x }}"),
    "a set stays in the partial": ("{% include 'p.html' %}{{ y is defined }}{{ x }}",
                                   "{% set y = 1 %}{% set x = 'inner' %}{{ y }}{{ x }}"),
    "in a set block": ("{% set s %}{% include 'p.html' %}{% endset %}[{{ s }}]", "<b>{{ x }}</b>\n"),
    "nested": ("{% include 'q.html' %}", "P{{ x }}\n"),
    "twice": ("{% include 'p.html' %}{% include 'p.html' %}", "{{ x }}\n"),
    "escaping": ("{% include 'p.html' %}", "{{ '<&>' }}{{ x }}"),
    "words in comments and raw text": ("{% include 'p.html' %}",
                                       "{# not the page's loop, nor self #}{% raw %}{% macro m() %}{{ loop }}{% endraw %}P"),
}


@pytest.mark.parametrize("name", CASES)
def test_a_partial_in_place_gives_what_the_include_gave(name):
    page, partial = CASES[name]
    templates = {"page.html": page, "p.html": partial, "q.html": "q\n  {% include 'p.html' %}\n"}
    inlined, plain = _both(templates, x="X<", items=["a", "b"])
    assert inlined == plain
    assert "include 'p.html'" not in _source(templates)   # it really was written in place


# Pieces of templates, each valid alone: text, whitespace, tags with and without -/+.
_PIECES = st.sampled_from([
    "t", "\n", "  ", "\t", " \n", "{{ x }}", "{{- x }}", "{{ x -}}", "{# c #}", "  {# c #}\n",
    "{% if x %}a{% endif %}", "  {% if x %}\n  a\n  {% endif %}\n", "{%- if x %}b{% endif -%}",
    "{%+ if x +%}c{%+ endif +%}", "{% set y = 'in' %}", "{{ y | default('-') }}",
    "{% for i in items %}{{ i }}{{ loop.index }}{% endfor %}", "{% raw %}{% include 'p.html' %}{% endraw %}",
])
_INCLUDES = st.sampled_from([
    "{% include 'p.html' %}", "{%- include 'p.html' %}", "{% include 'p.html' -%}", "{%+ include 'p.html' +%}",
    "  {% include 'p.html' %}\n", "{% for i in items %}{% include 'p.html' %}{% endfor %}",
    "{% with x = 'w' %}\n{% include 'p.html' %}\n{% endwith %}", "{% include 'q.html' %}",
])


@settings(max_examples=300, deadline=None)
@given(partial=st.lists(_PIECES, max_size=8).map("".join),
       page=st.lists(st.one_of(_PIECES, _INCLUDES), max_size=10).map("".join))
def test_any_partial_in_place_gives_what_the_include_gave(partial, page):
    templates = {"page.html": page, "p.html": partial, "q.html": "{% set y = 'q' %}\n  {% include 'p.html' %}\n"}
    inlined, plain = _both(templates, x="X", items=["a", "b"])
    assert inlined == plain


def test_every_page_of_the_sample_is_the_same_with_its_partials_in_place_and_the_quick_escape():
    from kyodo.commands.check import validate
    from kyodo.views.booklet.model import build_booklet
    from kyodo.views.sources import plan
    from kyodo.views.sources.booklet import booklet_page

    view = validate(SAMPLE)
    planned = plan(view)
    env = make_env(paths.TEMPLATES)
    assert isinstance(env.loader, InliningLoader)
    stock = plain_env(env)
    stock.template_class = jinja2.Template   # and Jinja's own escape and Markup (kyodo/render/env.py _Template)
    stock.context_class = jinja2.runtime.Context   # and Jinja's generic call (kyodo/render/env.py _Context)
    assert env.template_class is not jinja2.Template
    fast, slow = (Renderer(e, view, planned.nav) for e in (env, stock))
    pages = [*planned.pages, booklet_page(view, build_booklet(view, None))]
    assert sum(p.kind == "case" for p in pages) > 30
    for page in pages:
        assert fast.render(page) == slow.render(page), page.url
    # the page families that include partials read none at render time
    for template in ("case.html", "term.html", "year.html", "cases.html"):
        assert "{% include" not in env.loader.get_source(env, template)[0], template


# -- what is left as an include ---------------------------------------------------

@pytest.mark.parametrize("page, partial", [
    ("{% include 'p.html' ignore missing %}", "P"),
    ("{% include 'p.html' without context %}", "P"),
    ("{% include name %}", "P"),
    ("{% include 'p.html' %}", "{% macro m() %}M{% endmacro %}{{ m() }}"),
    ("{% include 'p.html' %}", "{% from 'm.html' import m %}{{ m() }}"),
    ("{% include 'p.html' %}", "  {% if true %}P{% endif %}"),   # its first line would no longer begin a line
    ("{% for i in [1] %}{% include 'p.html' %}{% endfor %}", "{{ loop is defined }}"),   # not the page's loop
    ("{% include 'p.html' %}", "{{ self }}"),
    ("{% include 'p.html' %}", "{% for i in [1] %}{% endfor %}{{ loop }}"),   # after its own loop
    ("{% include 'p.html' %}", "{% call m() %}C{% endcall %}"),
])
def test_what_would_not_read_the_same_in_place_stays_an_include(page, partial):
    templates = {"page.html": page, "p.html": partial, "m.html": "{% macro m() %}M{% endmacro %}"}
    assert _source(templates) == page

    def outcome(env):
        try:
            return env.get_template("page.html").render(name="p.html")
        except jinja2.TemplateError as exc:
            return type(exc)
    inlined, plain = _envs(templates)
    assert outcome(inlined) == outcome(plain)


def test_a_partial_that_includes_itself_is_left_to_jinja():
    templates = {"page.html": "{% include 'p.html' %}", "p.html": "{% if n %}{% with n = n - 1 %}{{ n }}"
                 "{% include 'p.html' %}{% endwith %}{% endif %}"}
    inlined, plain = _both(templates, n=3)
    assert inlined == plain == "210"


def test_comments_and_raw_blocks_are_left_as_written():
    templates = {"page.html": "{# {% include 'p.html' %} #}{% raw %}{% include 'p.html' %}{% endraw %}",
                 "p.html": "P"}
    assert _source(templates) == templates["page.html"]


# -- a changed partial, an error in a partial -------------------------------------

def test_a_changed_partial_is_read_again_through_the_bytecode_cache(tmp_path):
    """The compiled page is kept by the text Jinja is given: the partial's text is in it."""
    folder = tmp_path / "templates"
    (folder / "partials").mkdir(parents=True)
    (folder / "page.html").write_text("[{% include 'partials/p.html' %}]", encoding="utf-8")
    cache = jinja2.FileSystemBytecodeCache(str(tmp_path / "bytecode"))
    (tmp_path / "bytecode").mkdir()

    def render():
        env = jinja2.Environment(loader=InliningLoader(jinja2.FileSystemLoader(str(folder))),
                                 bytecode_cache=cache, auto_reload=False)
        return env.get_template("page.html").render()

    (folder / "partials" / "p.html").write_text("one", encoding="utf-8")
    assert render() == "[one]"
    (folder / "partials" / "p.html").write_text("two", encoding="utf-8")
    assert render() == "[two]"


def _renderer(templates_dir):
    env = make_env(templates_dir)
    renderer = Renderer.__new__(Renderer)
    renderer.env, renderer.view = env, None
    renderer.common = {"facets": []}
    from kyodo.render.fragments import Fragments
    renderer.common["fragment"] = Fragments(env, renderer.common)

    class FakePage:
        template, url, root, context, kind = "page.html", "x/", "../", {}, "case"
    return renderer, FakePage()


def test_a_syntax_error_in_a_partial_names_the_partial_and_its_line(tmp_path):
    templates = tmp_path / "templates"
    (templates / "partials").mkdir(parents=True)
    (templates / "page.html").write_text("a\nb\n{% include 'partials/bad.html' %}\n", encoding="utf-8")
    (templates / "partials" / "bad.html").write_text("one\ntwo\n{% if %}\n", encoding="utf-8")
    renderer, page = _renderer(templates)
    with pytest.raises(UsageError, match=r"テンプレート templates/partials/bad\.html 3 行目.*（ページ /x/）"):
        renderer.render(page)


def test_an_error_after_a_partial_names_the_line_as_written(tmp_path):
    """The partial's four lines are in the text Jinja compiles; the message counts the page's own."""
    templates = tmp_path / "templates"
    (templates / "partials").mkdir(parents=True)
    (templates / "page.html").write_text("a\n{% include 'partials/p.html' %}\nb\n{% endif %}\n", encoding="utf-8")
    (templates / "partials" / "p.html").write_text("1\n2\n3\n4\n", encoding="utf-8")
    renderer, page = _renderer(templates)
    assert "{% include" not in renderer.env.loader.get_source(renderer.env, "page.html")[0]
    with pytest.raises(UsageError, match=r"テンプレート templates/page\.html 4 行目"):
        renderer.render(page)
