"""The Jinja2 environment of the pages (kyodo/render/env.py): ``url()`` taken
past Jinja's generic call gives the links the generic call gave; the quick
escape and Markup of the generated code give the text Jinja's own give."""

from __future__ import annotations

import jinja2
import markupsafe
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo import paths
from kyodo.render import env as env_mod
from kyodo.render.env import make_env

TEMPLATES = [
    "{{ url('a/') }}|{{ url() }}|{{ url('') }}|{{ url(path='k/') }}",
    "{% for i in [1, 2] %}{{ url('b/' ~ i) }}{% endfor %}",
    "{% for i in [1] %}{% set root = 'L/' %}{{ url('c') }}{% endfor %}{{ url('d') }}",
    "{% set root = 'T/' %}{{ url('e') }}",
    "{% with root = 'W/' %}{{ url('f') }}{% endwith %}{{ url('g') }}",
    "{% macro m(p) %}{{ url(p) }}{% endmacro %}{{ m('h') }}",
    "{% set x %}{{ url('i') }}{% endset %}{{ x }}{% if true %}{% set root = 'B/' %}{{ url('j') }}{% endif %}",
]


@pytest.mark.parametrize("root", ["../../", "", "./"])
@pytest.mark.parametrize("source", TEMPLATES)
def test_url_gives_the_links_of_jinjas_generic_call(source, root):
    fast = make_env(paths.TEMPLATES)
    generic = make_env(paths.TEMPLATES)
    generic.context_class = jinja2.runtime.Context
    assert fast.context_class is not jinja2.runtime.Context
    assert fast.from_string(source).render(root=root) == generic.from_string(source).render(root=root)


@pytest.mark.parametrize("source", ["{{ url(path=none) }}", "{{ url(path='') }}", "{{ url(nothing='') }}"])
def test_url_with_keywords_does_what_jinjas_generic_call_does(source):
    """A keyword (even an empty one) goes through the generic call, errors included."""
    def outcome(env):
        try:
            return env.from_string(source).render(root="../")
        except Exception as exc:   # noqa: BLE001 - the same kind of error both ways
            return type(exc)
    fast, generic = make_env(paths.TEMPLATES), make_env(paths.TEMPLATES)
    generic.context_class = jinja2.runtime.Context
    assert outcome(fast) == outcome(generic)


def test_url_outside_loops_skips_the_generic_call(monkeypatch):
    calls = []
    generic = jinja2.runtime.Context.call

    def counted(self, obj, *args, **kwargs):
        calls.append(getattr(obj, "__name__", obj))
        return generic(self, obj, *args, **kwargs)
    monkeypatch.setattr(jinja2.runtime.Context, "call", counted)
    env = make_env(paths.TEMPLATES)
    assert env.from_string("{{ url('a') }}{{ url('b') }}").render(root="../") == "../a../b"
    assert calls == []
    # a loop with a variable of its own: the generic call, which shows the function that variable
    assert env.from_string("{% for i in [1] %}{% set root = 'L/' %}{{ url('c') }}{% endfor %}").render() == "L/c"
    assert calls == ["_url"]


# -- escaping: the quick escape and Markup (env._Template) ---------------------------

class _Html:
    def __html__(self):
        return "<i>safe</i>"


class _Text:
    def __str__(self):
        return "a<b>&'\""


ESCAPING = [
    "{{ v }}|{{ v ~ '<' }}|{{ v|e }}|{{ v|safe }}|{{ v|string }}|{{ v|length if v is string else 0 }}",
    "{% set x %}<b>{{ v }}</b>{% endset %}{{ x }}|{{ x|e }}|{{ x ~ v }}|{{ kind(x) }}|{{ x|upper }}",
    "{% macro m(a) %}<{{ a }}>{% endmacro %}{{ m(v) }}|{{ m(m(v)) }}|{{ kind(m(v)) }}|{{ m(v)|e }}",
    "{% macro c() %}[{{ caller() }}]{% endmacro %}{% call c() %}{{ v }}<br>{% endcall %}",
    "{% filter upper %}{{ v }}<p>{% endfilter %}|{% autoescape false %}{{ v }}{% endautoescape %}",
    "{% set t = 'x<y' %}{{ t }}{{ [v, t]|join('<') }}{{ {'k': v}|dictsort }}{{ (v, 1) }}",
    "{{ kind(v) }}{{ none }}{{ 3 }}{{ 2.5 }}{{ true }}{{ '%s<' % v }}{{ v|replace('<', '&') }}",
    "{% for i in [v, v] %}{{ loop.index }}{{ i }}{% endfor %}{{ v|format if v is string else v }}",
]
VALUES = ["a<b>&\"'c", markupsafe.Markup("<em>m</em>&amp;"), _Html(), _Text(), 42, 1.5, None, ["<x>"], ""]


_ENVS: list = []


def _escaping_envs():
    """(kyodo's environment, the same with Jinja's own template class), made once."""
    if not _ENVS:
        def kind(value):
            return type(value).__name__
        quick, stock = make_env(paths.TEMPLATES), make_env(paths.TEMPLATES)
        stock.template_class = jinja2.Template
        for env in (quick, stock):
            env.globals["kind"] = kind
        _ENVS[:] = [quick, stock, {}]
    return _ENVS[0], _ENVS[1]


def _both(source: str) -> tuple:
    """``source`` compiled once in each environment."""
    quick, stock = _escaping_envs()
    made = _ENVS[2]
    if source not in made:
        made[source] = (quick.from_string(source), stock.from_string(source))
    return made[source]


@pytest.mark.parametrize("source", ESCAPING)
def test_the_quick_escape_writes_what_jinjas_own_writes(source):
    quick, stock = _both(source)
    assert type(quick) is not type(stock)
    for value in VALUES:
        assert quick.render(v=value) == stock.render(v=value), value


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet="<>&\"'aあ子\n %{}", max_size=12), safe=st.booleans())
def test_any_text_is_escaped_as_markupsafe_escapes_it(text, safe):
    value = markupsafe.Markup(text) if safe else text
    for source in ESCAPING[:3]:
        quick, stock = _both(source)
        assert quick.render(v=value) == stock.render(v=value)
    assert _both("{{ v }}")[0].render(v=value) == str(markupsafe.escape(value))


def test_pages_use_the_quick_escape_and_markup():
    """The generated code's ``escape`` and ``Markup`` are kyodo's (in a template
    read through the bytecode cache too): no Markup object made per value."""
    env = make_env(paths.TEMPLATES)
    for name in ("case.html", "partials/case_item_parts.html"):
        code = env.get_template(name).root_render_func.__globals__
        assert code["escape"] is env_mod._escape and code["Markup"] is env_mod._markup, name
    made = []
    real = markupsafe.Markup.__new__

    def counted(cls, *args, **kwargs):
        made.append(args)
        return real(cls, *args, **kwargs)
    template = env.from_string("{% set s %}[{{ v }}]{% endset %}{{ v }}{{ s }}{% macro m() %}<{{ v }}>{% endmacro %}{{ m() }}")
    markupsafe.Markup.__new__ = counted
    try:
        out = template.render(v="<&>")
    finally:
        markupsafe.Markup.__new__ = real
    assert out == "&lt;&amp;&gt;[&lt;&amp;&gt;]<&lt;&amp;&gt;>"
    assert made == [("<&lt;&amp;&gt;>",)]   # Jinja's runtime wraps a macro's value (jinja2.runtime.Macro)


def _shown(values) -> list:
    return [v if isinstance(v, (int, str)) else type(v).__name__ for v in values]


class _Plain:
    def __call__(self, *args, **kwargs):
        return f"plain{_shown(args)}{sorted(kwargs.items())}"


class _WithContext:
    @jinja2.pass_context
    def __call__(self, ctx, x=""):
        return f"ctx:{ctx.get('v')}:{x}"


class _Meta(type):
    pass


class _MarkedBase(metaclass=_Meta):
    jinja_pass_arg = jinja2.utils._PassArg.environment

    def __init__(self, env):
        self.text = f"class-env:{type(env).__name__}"

    def __str__(self):
        return self.text


class _Marked(_MarkedBase):
    pass


class _Unmarked(metaclass=_Meta):
    def __init__(self, x=""):
        self.text = f"class:{x}"

    def __str__(self):
        return self.text


class _Holder:
    def method(self, x=""):
        return f"method:{x}"

    @jinja2.pass_context
    def with_context(self, ctx):
        return f"mctx:{ctx.get('v')}"


def _stops():
    raise StopIteration


def _callables():
    marked_instance = _Plain()
    marked_instance.jinja_pass_arg = jinja2.utils._PassArg.eval_context   # marked by itself
    own_call = _Plain()
    own_call.__call__ = jinja2.pass_context(lambda ctx: f"own:{ctx.get('v')}")
    holder = _Holder()
    return {
        "plain": lambda *a, **k: f"f{a}{sorted(k.items())}",
        "ctx": jinja2.pass_context(lambda ctx, x="": f"c:{ctx.get('v')}:{x}"),
        "envf": jinja2.pass_environment(lambda env: f"e:{type(env).__name__}"),
        "evalf": jinja2.pass_eval_context(lambda ev: f"ev:{ev.autoescape}"),
        "inst": _Plain(), "instctx": _WithContext(), "marked": marked_instance, "own": own_call,
        "Marked": _Marked, "Unmarked": _Unmarked, "meth": holder.method, "mctx": holder.with_context,
        "stops": _stops, "d": {"a": 1}, "nsf": jinja2.utils.Namespace,
    }


CALLS = [
    "{{ plain(1, k=2) }}{{ ctx('x') }}{{ envf() }}{{ evalf() }}{{ inst(3) }}{{ instctx('y') }}",
    "{% for i in [1, 2] %}{% set v = i %}{{ ctx() }}{{ instctx() }}{{ plain(i) }}{{ mctx() }}{{ own() }}{% endfor %}",
    "{% set v = 'top' %}{{ marked() }}{{ own() }}{{ Marked() }}{{ Unmarked('u') }}{{ meth('m') }}{{ mctx() }}",
    "{% macro m(a) %}[{{ a }}{{ ctx() }}]{% endmacro %}{% for i in [1] %}{% set v = 'L' %}{{ m(i) }}{% endfor %}",
    "{{ stops() is undefined }}|{{ d.items() | list }}|{{ range(3) | list }}|{% set n = nsf(a=1) %}{{ n.a }}",
    "{% if true %}{% set v = 'B' %}{{ ctx() }}{{ plain(x=1) }}{% endif %}{{ Marked() }}{{ Unmarked() }}",
]


@pytest.mark.parametrize("source", CALLS)
def test_every_kind_of_callable_gets_what_jinjas_generic_call_gives(source):
    fast, generic = make_env(paths.TEMPLATES), make_env(paths.TEMPLATES)
    generic.context_class = jinja2.runtime.Context
    for _ in range(2):   # the second time from the table of decisions
        assert fast.from_string(source).render(**_callables()) == generic.from_string(source).render(**_callables())


def test_callables_that_want_nothing_skip_the_generic_call(monkeypatch):
    seen = []
    generic = jinja2.runtime.Context.call

    def counted(self, obj, *args, **kwargs):
        seen.append(obj)
        return generic(self, obj, *args, **kwargs)
    monkeypatch.setattr(jinja2.runtime.Context, "call", counted)
    env = make_env(paths.TEMPLATES)
    objects = _callables()
    out = env.from_string("{% macro m() %}M{% endmacro %}{{ m() }}{{ plain() }}{{ inst() }}{{ meth() }}"
                          "{{ Unmarked() }}{{ ctx() }}{{ marked() }}{{ Marked() }}").render(**objects)
    assert out.startswith("Mf()[]plain[][]method:class:")
    assert seen == [objects["ctx"], objects["marked"]]   # wants the context; marked by itself
