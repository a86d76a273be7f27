"""Parts of a page that many pages share, rendered once per distinct input.

The site header and footer are the same on every page of a family but cost
about half of rendering a case page (a menu of links, each through
``url()``). ``{{ fragment("partials/site_header.html", root=root, ...) }}``
renders the template with the build's shared context and exactly the named
inputs, nothing of the page: the result is a function of the inputs, so it
is kept and reused for the next page with the same inputs. An input must be
hashable (strings, numbers, Markup); a template that needs more of the page
must be given it as an input.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup


class Fragments:
    def __init__(self, env: jinja2.Environment, common: dict):
        self.env = env
        self.common = common
        self.memo: dict[tuple, Markup] = {}

    def __call__(self, name: str, **inputs) -> Markup:
        key = (name, *sorted(inputs.items()))
        html = self.memo.get(key)
        if html is None:
            html = self.memo[key] = Markup(self.env.get_template(name).render(self.common, **inputs))
        return html
