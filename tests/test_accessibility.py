"""Accessibility gate: axe-core (WCAG 2.0/2.1/2.2 A and AA) on every page type,
and the WCAG 1.4.12 text-spacing override must not clip text.

The audit itself (tests/audit.py) runs in a process of its own from the session's
start (the ``sample_audit`` fixture); the tests reading its report run last."""

from __future__ import annotations

import pytest

from tests.audit import (CLIPPED, TEXT_SPACING, WIDTHS, _open, at_width, page_kind, page_types,  # noqa: F401
                         site_kinds)
from tests.conftest import describe, run_axe

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pages(sample_site):
    return page_types(sample_site)


def test_every_page_type_is_covered(sample_site, pages):
    names = {n.split(" ")[0] for n, _ in pages}
    for kind in ("front", "case", "term", "facet", "year", "guideline", "statistics", "search", "404", "chapter",
                 "organization", "organizations"):
        assert kind in names
    ruby = {n.split(" ")[1] for n, _ in pages if n.startswith("ruby ")}
    for kind in ("front", "case", "term", "facet", "year", "guideline", "statistics", "search", "404", "chapter"):
        assert kind in ruby
    # Every kind of HTML page the build wrote (and its ふりがな version) is among them.
    kinds = set(site_kinds(sample_site))
    assert {"page-case", "page-stats_crosstab", "page-case furigana", "embed"} <= kinds
    assert kinds == {page_kind(sample_site, path) for _, path in pages}


@pytest.fixture(scope="module")
def audit(browser, axe_source, sample_audit, pages):
    """The background audit's report: {width: {"pages", "axe", "clipping"}} (browser and
    axe_source: the tools are there; a missing one skips, or fails in CI). Every page of
    at_width() was audited at each width."""
    report = sample_audit.result()
    for width in WIDTHS:
        assert [tuple(p) for p in report[str(width)]["pages"]] == at_width(pages, width), width
    return report


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violations(audit, width):
    report = audit[str(width)]["axe"]
    assert not report, "\n".join(report)


def test_axe_on_the_search_page_after_interaction(page, site_url, axe_source):
    """Results rendered by the script (organisations too), a filter ticked, more results shown, sort changed."""
    _open(page, site_url, "search/")
    page.fill("#q", "区")
    page.wait_for_function("() => document.getElementById('search-status').textContent.includes('「区」')")
    assert page.is_visible("#search-org-results li")        # 団体情報バンク results above the cases
    page.click("#search-orgs-more")
    page.check("#search-filters input[type=checkbox] >> nth=0")
    page.wait_for_function("() => location.search.includes('&')")
    page.select_option("#search-sort", "newest")
    page.wait_for_function("() => location.search.includes('sort=newest')")
    violations = run_axe(page, axe_source)
    assert not violations, describe(violations)


@pytest.mark.parametrize("width", WIDTHS)
def test_text_spacing_does_not_clip_text(audit, width):
    report = audit[str(width)]["clipping"]
    assert not report, "\n".join(report)


def test_the_clipping_check_can_fail(page, site_url):
    """The check above finds text cut off by a fixed-height box."""
    _open(page, site_url, "")
    page.add_style_tag(content="h1 { height: 0.5em; overflow: hidden; }" + TEXT_SPACING)
    assert any(c.startswith("h1") for c in page.evaluate(CLIPPED))
