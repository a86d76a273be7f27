"""Under ``serve``: the embed dialog also offers this preview's code.

The built statistics pages carry the production embed code only (the output
folder is exactly what ``build`` writes). So that the web team can try an embed
before launch, the development handler adds, after each production snippet in an
HTML *response*, the same snippet pointing at the preview's own address
(``templates/dev/embed_preview.html``). The snippet itself still comes from the
one macro (``templates/stats/_macros.html``): only its base URL is swapped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

SNIPPET = re.compile(rb'<textarea id="embed-(?P<name>[^"]+)" class="embed-snippet"[^>]*>(?P<code>.*?)</textarea>',
                     re.S)
EMBED_PATH = "embed/stats/"


def add_preview(data: bytes, origin: str, render: Callable[..., bytes]) -> bytes:
    """``data`` with a preview snippet after every production one (``origin`` ends with "/")."""
    def insert(m: re.Match) -> bytes:
        code = html.unescape(m["code"].decode("utf-8"))   # the snippet as HTML
        src = re.search(r'<iframe src="([^"]*)"', code)
        at = src[1].find(EMBED_PATH) if src else -1
        if at < 0:
            return m[0]
        production = src[1][:at]                          # the attribute text of the site's base URL
        preview = code.replace(production, html.escape(origin, quote=True))
        return m[0] + render("embed_preview.html", embed=m["name"].decode("utf-8"), code=preview,
                             origin=origin, production=html.unescape(production))
    return SNIPPET.sub(insert, data)
