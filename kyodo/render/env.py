"""The Jinja2 environment: compiled once, autoescaped, strict."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from types import FunctionType, MethodType

import jinja2
import markupsafe
from jinja2.utils import _PassArg
from markupsafe import Markup

from kyodo.render.chart_layout import stacked_layout
from kyodo.render.charts import Charts
from kyodo.render.embeds import embed_size
from kyodo.render.inline import InliningLoader
from kyodo.text.numbers import number_text
from kyodo.text.wareki import fiscal_year_label, fiscal_year_short, wareki


def _date_ja(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


@jinja2.pass_context
def _url(ctx, path: str = "") -> str:
    """A link to ``path`` (a site path such as ``cases/x/``) from the current page."""
    root = ctx.get("root", "")
    target = (root + path) if (root or path) else "./"
    return target or "./"


_SCOPES = frozenset({"_loop_vars", "_block_vars"})   # what Jinja adds to a call inside a loop or block


# What decides how Jinja calls a callable (a ``jinja_pass_arg`` mark on its ``__call__``
# or on itself: the function, the class, a bound method's function) -> (call its
# ``__call__``?, what it is passed: None, or a _PassArg), as jinja2.runtime.Context.call
# finds them.
_HOW: dict = {}


def _how(obj) -> tuple[bool, _PassArg | None]:
    if hasattr(obj, "__call__") and _PassArg.from_obj(obj.__call__) is not None:  # noqa: B004 - Jinja's test
        return True, _PassArg.from_obj(obj.__call__)
    return False, _PassArg.from_obj(obj)


class _Context(jinja2.runtime.Context):
    """A template context that calls as Jinja's generic call does, deciding once per kind.

    A page calls ``url()`` about twenty times, and Jinja's generic call looks up
    on every call how the function wants its context (0.65 -> 0.58 s for 3,000
    case pages in one process, seven alternations): ``url()`` outside a loop or
    block with variables of its own goes straight to :func:`_url`. Every other
    callable (macros, methods, fragments, list items …) is looked at once per
    function, method or class, and called here as Jinja calls it: its
    ``__call__`` when that is marked, with the environment or the eval context
    first when it asks for one, loop and block variables dropped,
    ``StopIteration`` made undefined. A callable that wants the context itself
    (it sees loop and block variables) and an object marked by itself go
    through the generic call."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        if __obj is _url and kwargs.keys() <= _SCOPES and not any(kwargs.values()):
            return _url(__self, *args)
        kind = type(__obj)
        if kind is MethodType:
            key = __obj.__func__            # a bound method's marks are its function's
        elif kind is FunctionType or isinstance(__obj, type):
            key = __obj                     # marks sit on the function or class itself
        else:
            own = getattr(__obj, "__dict__", None)
            if own and ("jinja_pass_arg" in own or "__call__" in own):
                return super().call(__obj, *args, **kwargs)   # marked by itself: no table
            key = kind                      # an instance: its class decides
        how = _HOW.get(key)
        if how is None:
            how = _how(__obj)
            if len(_HOW) >= 4096:           # functions made on the fly: keep the table small
                _HOW.clear()
            _HOW[key] = how
        use_call, pass_arg = how
        if pass_arg is _PassArg.context:
            return super().call(__obj, *args, **kwargs)
        if use_call:
            __obj = __obj.__call__
        if pass_arg is _PassArg.eval_context:
            args = (__self.eval_ctx, *args)
        elif pass_arg is _PassArg.environment:
            args = (__self.environment, *args)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


_escape_inner = getattr(markupsafe, "_escape_inner", None)   # MarkupSafe 3: the C escape, giving a str
_new_str = str.__new__


def _escape(value) -> str:
    """What ``{{ value }}`` writes: markupsafe.escape's text, as a plain ``str``.

    Jinja joins what ``{{ }}`` gives into the page's text and never keeps it as
    a value, so wrapping each piece in a Markup (a Python ``__new__`` on every
    value) is work for nothing: a tenth of the rendering time at 10,000 cases."""
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value))


def _markup(value="", encoding=None, errors="strict") -> Markup:
    """``Markup(value)`` as a template makes it (a macro's or a ``{% set %}`` block's
    text): the same object, without Markup's ``__new__`` for a plain ``str``."""
    if type(value) is str and encoding is None:
        return _new_str(Markup, value)
    return Markup(value, encoding, errors)


class _Template(jinja2.Template):
    """A template whose generated code escapes with :func:`_escape` and makes its
    Markup with :func:`_markup`: the same text (tests/test_render_env.py),
    rendered faster (case pages: about a fifth less time)."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        if _escape_inner is not None:   # an older MarkupSafe: its own escape
            namespace["escape"] = _escape
            namespace["Markup"] = _markup
        return super()._from_namespace(environment, namespace, globals)


def templates_digest(templates: Path) -> str:
    """Every template's name and bytes, and kyodo's own code (a developer's
    change to a view must not leave pages of the last build): a page's
    fingerprint includes it."""
    h = hashlib.blake2b(digest_size=16)
    code = Path(__file__).resolve().parent.parent
    for root in (Path(templates), code):
        for path in sorted(root.rglob("*.py" if root == code else "*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


_LAST: list = []   # [(templates folder, their digest, environment)]


def build_env(templates: Path, digest: str) -> jinja2.Environment:
    """The environment for a build: the last build's (its templates compiled
    already) while no template and no code changed, else a new one."""
    for folder, known, env in _LAST:
        if folder == str(templates) and known == digest:
            return env
    env = make_env(templates)
    _LAST[:] = [(str(templates), digest, env)]
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (keyed by their source), in this
    user's private temporary folder (Jinja checks its owner and mode); none
    when there is no such folder."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


def make_env(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=InliningLoader(jinja2.FileSystemLoader(str(templates))),   # includes written in place
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,   # one environment per build: no file time check on every include
        bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(
        fy=fiscal_year_label,          # 令和6年度（2024年度）
        fy_short=fiscal_year_short,    # 令和6年度
        wareki=wareki,
        number=number_text,
        date_ja=_date_ja,
    )
    env.context_class = _Context
    env.template_class = _Template
    env.globals.update(url=_url, embed_size=embed_size, stacked_layout=stacked_layout)
    env.globals["charts"] = Charts(env)   # the SVG charts, each drawn once per build
    return env


def names_read(env: jinja2.Environment, template: str) -> set[str] | None:
    """The names ``template`` and every template it extends, includes or imports
    read from its context; None when one of them is chosen at render time."""
    from jinja2 import meta, nodes

    names: set[str] = set()
    todo, seen = [(template, frozenset())], set()
    while todo:
        name, given = todo.pop()
        if (name, given) in seen:
            continue
        seen.add((name, given))
        try:
            ast = env.parse(env.loader.get_source(env, name)[0])
        except jinja2.TemplateError:   # e.g. an optional include that is missing: no answer
            return None
        names |= meta.find_undeclared_variables(ast) - given
        for ref in meta.find_referenced_templates(ast):
            if ref is None:
                return None
            todo.append((ref, given))
        # fragment("partials/x.html", a=…): that template, with a … given (kyodo/render/fragments.py)
        for call in ast.find_all(nodes.Call):
            if isinstance(call.node, nodes.Name) and call.node.name == "fragment":
                if not call.args or not isinstance(call.args[0], nodes.Const) or call.dyn_kwargs is not None:
                    return None
                todo.append((call.args[0].value, frozenset(k.key for k in call.kwargs)))
    return names
