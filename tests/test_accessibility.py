"""Accessibility gate: axe-core (WCAG 2.0/2.1/2.2 A and AA) on every page type,
and the WCAG 1.4.12 text-spacing override must not clip text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import describe, run_axe

pytestmark = pytest.mark.browser

READY = "() => document.getElementById('search-results').getAttribute('aria-busy') === 'false'"


def _first_dir(folder: Path) -> str | None:
    dirs = sorted(p.name for p in folder.iterdir() if (p / "index.html").is_file()) if folder.is_dir() else []
    return dirs[0] if dirs else None


def _one_per_shape(site: Path, folder: str) -> list[str]:
    """One built page for each kind of page under ``folder`` (digits ignored): embed/stats/2024-facet-x/ ~ …"""
    root = site / folder
    if not root.is_dir():
        return []
    picked: dict[str, str] = {}
    for page in sorted(root.rglob("index.html")):
        rel = page.parent.relative_to(site).as_posix() + "/"
        shape = re.sub(r"\d+", "#", rel)
        shape = re.sub(r"(facet|cross|trend)-[a-z-]+", r"\1", shape)
        picked.setdefault(shape, rel)
    return list(picked.values())


BODY_CLASS = re.compile(rb"<body[^>]*\sclass=\"([^\"]*)\"")


def page_kind(site: Path, path: str) -> str:
    """The kind of a built page: the template's class on <body> (page-case, page-stats_crosstab, embed …),
    with " furigana" for its ふりがな version."""
    local = path.split("?")[0]
    file = site / local / ("" if local.endswith(".html") else "index.html")
    found = BODY_CLASS.search(file.read_bytes())
    return found.group(1).decode() if found else "?"


def site_kinds(site: Path) -> dict[str, str]:
    """Every kind of HTML page the build wrote, with the first page of that kind."""
    kinds: dict[str, str] = {}
    for file in sorted(site.rglob("*.html")):
        rel = file.relative_to(site).as_posix()
        path = rel.removesuffix("index.html")
        kinds.setdefault(page_kind(site, path), path)
    return kinds


def page_types(site: Path) -> list[tuple[str, str]]:
    """(name, path): one page of every page type of the built site, at least one of each
    kind the build writes (so a new template is checked as soon as it exists)."""
    cases = json.loads((site / "data" / "cases.json").read_text(encoding="utf-8"))["cases"]
    stats = json.loads((site / "data" / "stats.json").read_text(encoding="utf-8"))
    facet = next(iter(stats["facets"]))
    term = next(t["slug"] for t in stats["facets"][facet]["terms"] if t["cases"])
    year = stats["years"][-1]["year"]
    pages = [
        ("front", ""),
        ("case", f"cases/{cases[0]['slug']}/"),
        ("case list", "cases/"),
        ("term", f"{facet}/{term}/"),
        ("facet overview", f"{facet}/"),
        ("year overview", "year/"),
        ("year", f"year/{year}/"),
        ("guideline index", "guideline/"),
        ("statistics", "stats/"),
        ("search", "search/"),
        ("search with results", "search/?q=%E7%94%BA%E4%BC%9A"),
        ("search with filters", f"search/?q=%E5%8C%BA&{facet}={term}&year={year}"),
        ("search without results", "search/?q=%E5%AD%98%E5%9C%A8%E3%81%97%E3%81%AA%E3%81%84%E8%A8%80%E8%91%89"),
        ("404", "404.html"),
    ]
    chapter = _first_dir(site / "guideline")
    if chapter:
        pages.append(("chapter", f"guideline/{chapter}/"))
    if (site / "booklet" / "index.html").is_file():
        pages.append(("booklet print page", "booklet/"))
    orgs = site / "data" / "organizations.json"
    if orgs.is_file():   # 団体情報バンク: index, the busiest organisation, one 活動分野, its statistics
        listed = json.loads(orgs.read_text(encoding="utf-8"))["organizations"]
        busiest = max(listed, key=lambda o: (len(o["cases"]), bool(o["recruiting"])))
        pages += [("organizations", "organizations/"), ("organization", f"organizations/{busiest['slug']}/"),
                  ("statistics organizations", "stats/organizations/")]
        field = _first_dir(site / "organizations" / "fields")
        if field:
            pages.append(("organizations field", f"organizations/fields/{field}/"))
    pages += [(f"embed {p}", p) for p in _one_per_shape(site, "embed")]
    # Every other kind of page the build writes (statistics by facet, crosstab, by year …): its first page.
    covered = {page_kind(site, path) for _, path in pages}
    pages += [(f"statistics {kind.removeprefix('page-stats_')}" if kind.startswith("page-stats")
               else kind.removeprefix("page-"), path)
              for kind, path in site_kinds(site).items()
              if kind not in covered and not kind.endswith(" furigana")]
    pages += _ruby_versions(site, pages)
    return pages


def _ruby_versions(site: Path, pages: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The ふりがな version (furigana/…) of each page type that has one; search once, with results."""
    out = []
    for name, path in pages:
        if "?" in path and not name.startswith("search with results"):
            continue
        local = path.split("?")[0]
        if (site / "furigana" / local / ("" if local.endswith(".html") else "index.html")).is_file():
            out.append((f"ruby {name}", "furigana/" + path))
    return out


def _open(page, site_url: str, path: str) -> None:
    page.goto(site_url + path)
    if path.removeprefix("furigana/").startswith("search/"):
        page.wait_for_function(READY)


def each_page(browser, site_url: str, pages, width: int, checks: dict) -> dict[str, list[str]]:
    """Open every page once at ``width`` and run each of ``checks`` (name -> check(page), in
    order) on it; collect what each reports."""
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        report: dict[str, list[str]] = {name: [] for name in checks}
        for name, path in pages:
            _open(page, site_url, path)
            for check_name, check in checks.items():
                found = check(page)
                if found:
                    report[check_name].append(f"--- {name} ({path}) at {width}px\n    {found}")
        return report
    finally:
        context.close()


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


PHONE_RUBY = ("ruby case", "ruby search with results", "ruby statistics", "ruby front")


def at_width(pages: list[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    """Every page type at 1280 px; at 375 px every normal page type, and the ふりがな
    versions of the pages most read on phones (a case, search results, statistics,
    the front page): ruby pages share their layout with the normal ones, and each
    ruby page type is checked at 1280 px (the suite must stay under 5 minutes)."""
    if width >= 1280:
        return pages
    return [(n, p) for n, p in pages if not n.startswith("ruby ") or n.startswith(PHONE_RUBY)]


@pytest.fixture(scope="module")
def audit(browser, site_url, axe_source, pages):
    """At each width, every page opened once: axe first, then the text-spacing override and the
    clipping check (it changes the page, so it comes last). Reports by width, then by check."""
    def axe(page):
        violations = run_axe(page, axe_source)
        return describe(violations) if violations else ""

    def clipping(page):
        page.add_style_tag(content=TEXT_SPACING)
        return "\n    ".join(page.evaluate(CLIPPED)[:8])

    done: dict[int, dict[str, list[str]]] = {}

    def at(width: int) -> dict[str, list[str]]:
        if width not in done:
            done[width] = each_page(browser, site_url, at_width(pages, width), width, {"axe": axe, "clipping": clipping})
        return done[width]
    return at


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_violations(audit, width):
    report = audit(width)["axe"]
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


# WCAG 1.4.12: line height 1.5, paragraph spacing 2em, letter 0.12em, word 0.16em.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

CLIPPED = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const s = getComputedStyle(el);
    if (s.display === 'none' || s.visibility === 'hidden' || el.closest('[hidden], .visually-hidden, .skip-link')) continue;
    if (!el.textContent.trim() || el.getClientRects().length === 0) continue;
    const clipsX = /hidden|clip/.test(s.overflowX), clipsY = /hidden|clip/.test(s.overflowY);
    const ellipsis = s.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1;
    const lineClamp = s.webkitLineClamp && s.webkitLineClamp !== 'none';
    if ((clipsX && el.scrollWidth > el.clientWidth + 1) || (clipsY && el.scrollHeight > el.clientHeight + 1)
        || ellipsis || lineClamp) {
      out.push(`${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}: ${el.textContent.trim().slice(0, 40)}`);
    }
  }
  return out;
}"""


@pytest.mark.parametrize("width", [1280, 375])
def test_text_spacing_does_not_clip_text(audit, width):
    report = audit(width)["clipping"]
    assert not report, "\n".join(report)


def test_the_clipping_check_can_fail(page, site_url):
    """The check above finds text cut off by a fixed-height box."""
    _open(page, site_url, "")
    page.add_style_tag(content="h1 { height: 0.5em; overflow: hidden; }" + TEXT_SPACING)
    assert any(c.startswith("h1") for c in page.evaluate(CLIPPED))
