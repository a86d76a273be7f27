"""Parts of a page that many pages share, rendered once per distinct input.

The site header and footer are the same on every page of a family, yet
rendering them was about half of a case page (a menu of links, each through
``url()``; 0.51 ms a page with them, 0.27 ms with plain text in their place,
10,000 generated cases). Reused, a case page takes 0.34 ms against 0.47 ms
(medians of 25 alternations in one process, 1,000 cases). ``{{ fragment("partials/site_header.html", root=root, ...) }}``
renders the template with the build's shared context and exactly the named
inputs, nothing of the page: the result is a function of the inputs, so it
is kept and reused for the next page with the same inputs. An input must be
hashable (strings, numbers, Markup); a template that needs more of the page
must be given it as an input.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup


KEEP = 2048   # fragments kept at most (inputs that differ on every page, e.g. the ふりがな switch, are not reused)


class Fragments:
    def __init__(self, env: jinja2.Environment, common: dict):
        self.env = env
        self.common = common
        self.memo: dict[tuple, Markup] = {}

    def __call__(self, name: str, **inputs) -> Markup:
        key = (name, *sorted(inputs.items()))
        try:
            html = self.memo.get(key)
        except TypeError:   # a list, a dict…: a mistake in a template
            wrong = ", ".join(k for k, v in inputs.items() if not _hashable(v))
            raise jinja2.TemplateRuntimeError(
                f"fragment(\"{name}\") に渡す値（{wrong}）は、文字列・数・真偽値・none のどれかにしてください") from None
        if html is None:
            if len(self.memo) >= KEEP:
                self.memo.clear()
            html = self.memo[key] = Markup(self.env.get_template(name).render(self.common, **inputs))
        return html


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
