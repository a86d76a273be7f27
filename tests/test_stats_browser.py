"""Statistics pages and embeds in a real browser (Debian's chromium).

axe runs on every kind of statistics page and embed in test_accessibility.py."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from tests.conftest import serve_dir

pytestmark = pytest.mark.browser


def origin(url: str) -> str:
    u = urlsplit(url)
    return f"{u.scheme}://{u.netloc}"


def _pages(sample_site) -> list[str]:
    stats = json.loads((sample_site / "data/stats.json").read_text(encoding="utf-8"))
    facet = next(iter(stats["facets"]))
    cross = next(iter(stats["crosstabs"])).replace("/", "-")
    year = stats["years"][-1]["year"]
    return ["stats/", f"stats/{facet}/", f"stats/{cross}/", "stats/year/", f"stats/year/{year}/",
            f"stats/year/{year}/{cross}/", f"embed/stats/facet-{facet}/", f"embed/stats/cross-{cross}/",
            "embed/stats/years/"]


def test_stats_pages_fit_a_phone_and_make_no_outside_request(browser, site_url, sample_site):
    context = browser.new_context(locale="ja-JP", viewport={"width": 375, "height": 800})
    pg = context.new_page()
    requests = []
    pg.on("request", lambda r: requests.append(r.url))
    try:
        for path in _pages(sample_site):
            pg.goto(site_url + path)
            # No sideways scrolling of the page itself (wide tables scroll in their own box).
            overflow = pg.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path}: page is {overflow}px wider than the screen"
            # The chart is drawn and fits.
            box = pg.locator("svg[role=img]").first.bounding_box()
            assert box and box["width"] > 100 and box["height"] > 50, path
    finally:
        context.close()
    assert {origin(u) for u in requests} == {origin(site_url)}


def test_embed_resizes_in_a_host_page_on_another_origin(page, site_url, tmp_path):
    embed = site_url + "embed/stats/cross-partner-domain/"
    (tmp_path / "index.html").write_text(f"""<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>区のページ</title></head>
<body><main><h1>協働の統計</h1>
<iframe id="f" src="{embed}" title="協働の主体×協働の領域の事例数" width="100%" height="150" style="border:0"></iframe>
</main><script src="{site_url}assets/embed.js"></script></body></html>""", encoding="utf-8")
    with serve_dir(tmp_path) as host_url:
        assert origin(host_url) != origin(site_url)
        frame_requests = []
        page.on("request", lambda r: frame_requests.append(r.url) if r.frame.url.startswith(embed) or r.url.startswith(embed) else None)
        page.goto(host_url)
        page.wait_for_function("() => document.getElementById('f').hasAttribute('data-kyodo-resized')")
        frame = next(f for f in page.frames if f.url.startswith(embed))
        frame.wait_for_load_state("load")
        page.wait_for_function(
            "(h) => Math.abs(document.getElementById('f').getBoundingClientRect().height - h) <= 2",
            arg=frame.evaluate("() => Math.ceil(document.documentElement.getBoundingClientRect().height)"))
        height = page.evaluate("() => document.getElementById('f').getBoundingClientRect().height")
        assert height > 300
        # The chart rendered inside the frame.
        box = frame.locator("svg[role=img]").bounding_box()
        assert box and box["width"] > 200 and box["height"] > 200
        assert frame.locator("svg[role=img] rect").count() > 3
        # The embed page asked nothing of any other origin.
        assert frame_requests and {origin(u) for u in frame_requests} == {origin(site_url)}
        # A message from another origin (here: the host itself) is ignored.
        page.evaluate("""() => new Promise((done) => {
            window.addEventListener('message', (e) => { if (e.data === 'sentinel') done(); });
            window.postMessage({type: 'kyodo-embed-height', height: 4000}, '*');
            window.postMessage('sentinel', '*');
        })""")
        assert page.evaluate("() => document.getElementById('f').getBoundingClientRect().height") == height


def test_embed_page_works_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 700})
    pg = context.new_page()
    try:
        pg.goto(site_url + "embed/stats/years/")
        box = pg.locator("svg[role=img]").bounding_box()
        assert box and box["width"] > 100
        assert pg.locator("a[target=_top]").count() == 1
    finally:
        context.close()
