"""Templates with their includes written in place, as if included at render time.

Each ``{% include %}`` costs a page a new template context (a copy of the
build's shared context and the page's): at 10,000 cases a case page includes
four partials and a list page five, about a sixth of their time. The loader
here gives Jinja every template with each plain include of a partial
(``{% include "partials/x.html" %}``, a fixed name) replaced by the
partial's own text, inside ``{% with +%}`` … ``{%+ endwith %}``: the same
output, byte for byte, because

- the opening tag stands where the include stood, so the line's indentation
  is stripped (``lstrip_blocks``) exactly as before, and its ``+%}`` keeps a
  newline that starts the partial;
- the closing tag keeps what ends the partial (``{%+``) and drops the newline
  after the include (``trim_blocks``) as the include did; an include's ``-``
  or ``+`` go on these two tags;
- the ``with`` block keeps the partial's ``{% set %}`` to itself, and the
  partial sees the page's names, loop variables included, as an include does.

A partial is left as an include when it would not read the same in place: one
that extends, defines blocks or macros, or imports; one that reads ``loop``,
``self``, ``caller`` or another name an include does not share with the page;
one whose first line starts with spaces before a tag (they would no longer
begin a line); a name chosen at render time, ``ignore missing``, ``without
context``; an include of itself.

Line numbers then belong to the combined text (and a partial Jinja cannot read
fails in its page), so a template error is worded from a render by the plain
environment (:func:`plain_env`, used by
kyodo.render.renderer): the message names the partial and its line.
"""

from __future__ import annotations

import re

import jinja2

# A comment, a raw block, an expression, an include of a fixed name, any other tag:
# scanned in that order, so that text in comments, raw blocks and expressions is skipped.
_TOKENS = re.compile(
    r"\{#.*?#\}"
    r"|\{%[-+]?\s*raw\s*[-+]?%\}.*?\{%[-+]?\s*endraw\s*[-+]?%\}"
    r"|\{\{.*?\}\}"
    r"|\{%(?P<left>[-+]?)\s*include\s+(?P<quote>[\"'])(?P<name>[^\"'\\{}%]+)(?P=quote)\s*(?P<right>[-+]?)%\}"
    r"|\{%.*?%\}",
    re.S,
)
_STATEMENT = re.compile(r"\{%[-+]?\s*(\w+)")
_NAME = re.compile(r"[A-Za-z_]\w*")
# Statements that would change meaning inside another template's block.
_NOT_IN_PLACE = {"extends", "block", "macro", "call", "import", "from"}
# Names an included template does not share with the page (and ``loop`` outside its own loops).
_OWN = {"self", "super", "caller", "varargs", "kwargs"}
_INDENTED_START = re.compile(r"[ \t]+\{[%#]")


class InliningLoader(jinja2.BaseLoader):
    """``base``'s templates with plain includes written in place (see the module's text)."""

    def __init__(self, base: jinja2.BaseLoader):
        self.base = base

    def get_source(self, environment: jinja2.Environment, template: str):
        source, filename, uptodate = self.base.get_source(environment, template)
        checks = [uptodate] if uptodate else []
        text = self._inline(environment, source, (template,), checks)
        return text, filename, (lambda: all(check() for check in checks))

    def list_templates(self):
        return self.base.list_templates()

    def _inline(self, environment, source: str, chain: tuple, checks: list) -> str:
        def replace(m: re.Match) -> str:
            name = m.group("name")
            if name is None or name in chain:
                return m.group(0)
            try:
                partial, _, uptodate = self.base.get_source(environment, name)
            except jinja2.TemplateNotFound:
                return m.group(0)   # the include reports it when the page is rendered
            if not _in_place(partial):
                return m.group(0)
            if uptodate:
                checks.append(uptodate)
            body = self._inline(environment, partial, chain + (name,), checks)
            return f"{{%{m.group('left')} with +%}}{body}{{%+ endwith {m.group('right')}%}}"
        return _TOKENS.sub(replace, source)


def _in_place(partial: str) -> bool:
    """The partial reads the same written in place (see the module's text). Its
    tags and expressions are read as text: when in doubt, it stays an include."""
    if _INDENTED_START.match(partial):
        return False
    loops = 0   # the partial's own loops around this point
    for m in _TOKENS.finditer(partial):
        token = m.group(0)
        statement = _STATEMENT.match(token)
        keyword = statement.group(1) if statement else None
        if token.startswith("{#") or keyword == "raw":
            continue
        names = set(_NAME.findall(token))
        if keyword in _NOT_IN_PLACE or names & _OWN or ("loop" in names and not loops):
            return False
        loops += (keyword == "for") - (keyword == "endfor")
    return True


def plain_env(env: jinja2.Environment) -> jinja2.Environment:
    """The same environment reading each template as it is written (for the
    wording of a template error: the partial's own name and line)."""
    if not isinstance(env.loader, InliningLoader):
        return env
    return env.overlay(loader=env.loader.base, bytecode_cache=None)
