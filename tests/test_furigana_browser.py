"""ふりがな in a real browser: the switch with and without JavaScript, what a screen
reader hears, and ruby that never overlaps the line above."""

from __future__ import annotations

import json
import re

import pytest

from tests.test_accessibility import TEXT_SPACING

pytestmark = pytest.mark.browser

SWITCH = "#furigana-switch a"


def _first_case(sample_site) -> str:
    return json.loads((sample_site / "data" / "cases.json").read_text(encoding="utf-8"))["cases"][0]["slug"]


def test_switch_is_a_plain_link_without_javascript(browser, site_url, sample_site):
    context = browser.new_context(locale="ja-JP", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "cases/")
        assert page.locator(SWITCH).inner_text() == "ふりがなをつける"
        assert page.locator("ruby").count() == 0
        page.click(SWITCH)
        page.wait_for_url(site_url + "furigana/cases/")
        assert page.locator("main ruby").count() > 20
        # A link inside a ruby page keeps the reader in ruby mode.
        page.locator("main .case-item-title a").first.click()
        page.wait_for_url(re.compile(r".*/furigana/cases/[a-z0-9-]+/$"))
        assert page.locator("h1 ruby").count() > 0
        page.locator(".global-nav a", has_text="統計").click()
        page.wait_for_url(site_url + "furigana/stats/")
        assert page.locator("main table ruby").count() > 0       # table headings too
        assert page.locator(SWITCH).inner_text() == "ふりがなをはずす"
        page.click(SWITCH)
        page.wait_for_url(site_url + "stats/")
        assert page.locator("ruby").count() == 0
    finally:
        context.close()


def test_switch_with_javascript_remembers_the_choice(page, site_url):
    page.goto(site_url + "guideline/")
    page.click(SWITCH)
    page.wait_for_url(site_url + "furigana/guideline/")
    assert page.evaluate("localStorage.getItem('kyodo-furigana')") == "on"
    # A normal URL now opens its ruby version, keeping the query.
    page.goto(site_url + "year/")
    page.wait_for_url(site_url + "furigana/year/")
    page.goto(site_url + "search/?q=%E7%94%BA%E4%BC%9A")
    page.wait_for_url(site_url + "furigana/search/?q=%E7%94%BA%E4%BC%9A")
    page.wait_for_function("() => document.getElementById('search-results').getAttribute('aria-busy') === 'false'")
    assert page.locator("#search-results li").count() > 0     # the search works from the ruby tree
    page.click(SWITCH)
    page.wait_for_url(site_url + "search/?q=%E7%94%BA%E4%BC%9A")
    assert page.evaluate("localStorage.getItem('kyodo-furigana')") == "off"
    page.goto(site_url + "year/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    assert page.url == site_url + "year/"
    # A shared ruby link always shows ruby, whatever the reader chose before,
    # and in that tab a normal page (a search result built by script) opens with ruby.
    page.goto(site_url + "furigana/year/")
    page.wait_for_timeout(200)
    assert page.url == site_url + "furigana/year/"
    page.goto(site_url + "cases/")
    page.wait_for_url(site_url + "furigana/cases/")


def _heading_names(page) -> list[str]:
    cdp = page.context.new_cdp_session(page)
    tree = cdp.send("Accessibility.getFullAXTree")["nodes"]
    return [n["name"]["value"] for n in tree
            if n.get("role", {}).get("value") == "heading" and not n.get("ignored")]


def test_screen_readers_hear_each_heading_once(page, site_url, sample_site):
    """Chromium names a heading by its text only: the reading is a description of the ruby."""
    slug = _first_case(sample_site)
    page.goto(site_url + f"cases/{slug}/")
    normal = _heading_names(page)
    page.goto(site_url + f"furigana/cases/{slug}/")
    assert page.locator("h1 ruby").count() > 0
    ruby = _heading_names(page)
    assert ruby == normal and len(normal) >= 3


OVERLAPS = """() => {
  // Boxes of one em around each glyph run (a CJK glyph's ink stays inside its em box;
  // the font's ascent and descent reach further and touch between lines anyway).
  const em = (rect, el) => {
    const size = parseFloat(getComputedStyle(el).fontSize), mid = (rect.top + rect.bottom) / 2;
    return {left: rect.left, right: rect.right, top: mid - size / 2, bottom: mid + size / 2};
  };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const n = walker.currentNode;
    if (!n.textContent.trim() || n.parentElement.closest('rt, script, style, [hidden], .skip-link')) continue;
    const r = document.createRange();
    r.selectNodeContents(n);
    for (const rect of r.getClientRects()) texts.push({rect: em(rect, n.parentElement), node: n});
  }
  const bad = [];
  for (const rt of document.querySelectorAll('rt')) {
    if (!rt.getClientRects().length) continue;
    const a = em(rt.getBoundingClientRect(), rt), own = rt.parentElement;
    const base = document.createRange();
    base.selectNodeContents(own.firstChild);
    const baseTop = em(base.getBoundingClientRect(), own).top;
    for (const t of texts) {
      const b = t.rect;
      // Only text of a line above counts (a reading may overhang its neighbours on its own line).
      if (own.contains(t.node) || b.bottom > baseTop + 1) continue;
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) {
        bad.push(`${rt.textContent} over "${t.node.textContent.trim().slice(0, 20)}" by ${(b.bottom - a.top).toFixed(1)}px`);
        break;
      }
    }
  }
  return bad;
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_ruby_never_overlaps_the_line_above(browser, site_url, sample_site, width):
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        for path in (f"furigana/cases/{_first_case(sample_site)}/", "furigana/stats/", "furigana/"):
            page.goto(site_url + path)
            assert page.locator("rt").count() > 20
            assert page.evaluate(OVERLAPS) == [], path
            page.add_style_tag(content=TEXT_SPACING)     # WCAG 1.4.12 override: still readable
            assert page.evaluate(OVERLAPS) == [], path + " with text spacing"
        # The check can fail: squeeze the lines and the readings collide.
        page.add_style_tag(content="* { line-height: 0.6 !important; }")
        assert page.evaluate(OVERLAPS) != []
    finally:
        context.close()
