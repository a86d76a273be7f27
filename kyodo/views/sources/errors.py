"""The error page (``404.html``): links from the site's root, wherever it is served."""

from __future__ import annotations

from urllib.parse import urlsplit

from kyodo.views.page import HOME, Page

# Its pages show the site and the cases' front matter only (kyodo/views/fingerprint.py).
LIGHT = True


def pages(view) -> list[Page]:
    site = view.site
    return [Page("404.html", "404.html", "ページが見つかりません", "404",
                 f"お探しのページは{site.title}にありません。", [HOME], {},
                 in_sitemap=False, root_override=urlsplit(site.base_url).path or "/")]
