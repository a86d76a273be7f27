"""Every reader on a phone (issue 15), measured in a real browser (Debian's chromium):
no line break inside a label or term at 375 px, chart text of 12 px or more at
320–375 px, embed heights that fit without embed.js, a visible cue on tables
that scroll."""

from __future__ import annotations

import html
import json
import re

import pytest

from tests.html import parse

pytestmark = pytest.mark.browser

WRAPPED = """(sel) => {
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (!el.getClientRects().length) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walker.nextNode())) {
      if (n.textContent.trim().length < 2) continue;
      const r = document.createRange(); r.selectNodeContents(n);
      const tops = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
      if (tops.size > 1) out.push(n.textContent.trim());
    }
  }
  return [...new Set(out)];
}"""
LABELS = ".term, dt, .facts th, .badges a, .term-links a, .stats-table tbody th, .stats-nav a, .global-nav a"

CHART_TEXT = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll('text, tspan')].map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale]);
})"""


def _phone(browser, width=375):
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 800})
    return context, context.new_page()


def _sample_pages(sample_site) -> list[str]:
    stats = json.loads((sample_site / "data/stats.json").read_text(encoding="utf-8"))
    cross = next(iter(stats["crosstabs"])).replace("/", "-")
    case = next(p.parent.name for p in (sample_site / "cases").glob("*/index.html"))
    facet = next(iter(stats["facets"]))
    term = stats["facets"][facet]["terms"][0]["slug"]
    return ["", "cases/", f"cases/{case}/", f"{facet}/", f"{facet}/{term}/", "stats/", f"stats/{cross}/",
            "stats/year/", f"embed/stats/cross-{cross}/", "guideline/"]


def test_no_line_break_inside_labels_and_terms_at_375px(browser, site_url, sample_site):
    context, pg = _phone(browser)
    try:
        for path in _sample_pages(sample_site) + [f"cases/{p.parent.name}/" for p in
                                                  sorted((sample_site / "cases").glob("*/index.html"))[:12]]:
            pg.goto(site_url + path)
            assert pg.evaluate(WRAPPED, LABELS) == [], path
            overflow = pg.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path}: {overflow}px wider than the phone"
    finally:
        context.close()


@pytest.mark.parametrize("width", [320, 375])
def test_chart_text_is_12px_or_more_on_phones(browser, site_url, sample_site, width):
    context, pg = _phone(browser, width)
    stats = json.loads((sample_site / "data/stats.json").read_text(encoding="utf-8"))
    cross = next(iter(stats["crosstabs"])).replace("/", "-")
    facet = next(iter(stats["facets"]))
    try:
        for path in ("stats/", "stats/year/", f"stats/{cross}/", f"embed/stats/facet-{facet}/",
                     f"embed/stats/cross-{cross}/", "embed/stats/years/", f"embed/stats/trend-{facet}/"):
            pg.goto(site_url + path)
            sizes = pg.evaluate(CHART_TEXT)
            assert sizes, path
            small = [(t, round(s, 1)) for t, s in sizes if s < 11.95]
            assert not small, f"{path} at {width}px: {small[:5]}"
    finally:
        context.close()


def test_year_chart_and_tables_show_the_newest_year_first(browser, site_url, sample_site):
    stats = json.loads((sample_site / "data/stats.json").read_text(encoding="utf-8"))
    newest = str(stats["years"][-1]["year"])
    context, pg = _phone(browser)
    try:
        pg.goto(site_url + "stats/year/")
        first = pg.evaluate("() => document.querySelector('svg.chart-year text').textContent")
        assert newest in first
        box = pg.evaluate("""() => { const t = document.querySelector('svg.chart-year text').getBoundingClientRect();
                                       return [t.left, t.right]; }""")
        assert 0 <= box[0] and box[1] <= 375
        th = pg.evaluate("() => document.querySelector('.stats-table tbody th').textContent")
        assert newest in th
    finally:
        context.close()


def test_wide_tables_say_that_they_scroll(browser, site_url, sample_site):
    context, pg = _phone(browser, 320)
    try:
        pg.goto(site_url + "stats/year/")
        state = pg.evaluate("""() => [...document.querySelectorAll('.table-scroll')].map(b =>
            [b.scrollWidth > b.clientWidth + 1, !!(b.firstElementChild && b.firstElementChild.classList.contains('scroll-cue'))])""")
        assert any(wide for wide, _ in state), "a trend table is wider than a 320px phone"
        assert all(wide == cue for wide, cue in state), state
    finally:
        context.close()


def test_embed_heights_fit_without_embed_js(browser, site_url, sample_site):
    stats = json.loads((sample_site / "data/stats.json").read_text(encoding="utf-8"))
    cross = next(iter(stats["crosstabs"])).replace("/", "-")
    facet = next(iter(stats["facets"]))
    context = browser.new_context(locale="ja-JP", viewport={"width": 320, "height": 600})
    pg = context.new_page()
    try:
        for page, name in ((f"stats/{facet}/", f"facet-{facet}"), (f"stats/{cross}/", f"cross-{cross}"),
                           ("stats/year/", "years"), ("stats/year/", f"trend-{facet}")):
            doc = parse(sample_site / page / "index.html")
            snippet = html.unescape(doc.find("textarea", id=f"embed-{name}").text())
            height = int(re.search(r'height="(\d+)"', snippet).group(1))
            for width in (320, 375, 750):
                pg.set_viewport_size({"width": width, "height": 600})   # then a fresh load at that width
                pg.goto(site_url + f"embed/stats/{name}/")
                needed = pg.evaluate("() => Math.ceil(document.documentElement.getBoundingClientRect().height)")
                assert needed <= height, f"{name} at {width}px needs {needed}px, the snippet gives {height}px"
                assert height - needed < 400, f"{name} at {width}px: {height}px for {needed}px of content"
    finally:
        context.close()
