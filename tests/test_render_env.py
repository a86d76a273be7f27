"""The Jinja2 environment of the pages (kyodo/render/env.py): ``url()`` taken
past Jinja's generic call gives the links the generic call gave."""

from __future__ import annotations

import jinja2
import pytest

from kyodo import paths
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
