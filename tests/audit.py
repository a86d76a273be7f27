"""The accessibility audit of a built site: every page type (page_types) opened once per
width, axe-core (WCAG 2.0/2.1/2.2 A and AA) on it, then the WCAG 1.4.12 text-spacing
override and a check that no text is clipped.

tests/test_accessibility.py runs it on the sample site in a process of its own
(``python -m tests.audit SITE REPORT.json``), started when the session starts: the
audit keeps chromium busy for a minute or more while the rest of the suite, mostly
Python on the other core, goes on. Nothing about what is checked changes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from tests.conftest import AXE, CHROMIUM, CHROMIUM_ARGS, describe, run_axe, serve_dir

WIDTHS = (1280, 375)

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


PHONE_RUBY = ("ruby case", "ruby search with results", "ruby statistics", "ruby front")


def at_width(pages: list[tuple[str, str]], width: int) -> list[tuple[str, str]]:
    """Every page type at 1280 px; at 375 px every normal page type, and the ふりがな
    versions of the pages most read on phones (a case, search results, statistics,
    the front page): ruby pages share their layout with the normal ones, and each
    ruby page type is checked at 1280 px (the suite must stay under 5 minutes)."""
    if width >= 1280:
        return pages
    return [(n, p) for n, p in pages if not n.startswith("ruby ") or n.startswith(PHONE_RUBY)]


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


def each_page(browser, site_url: str, pages, width: int, checks: dict, axe_source: str | None = None
              ) -> dict[str, list[str]]:
    """Open every page once at ``width`` and run each of ``checks`` (name -> check(page), in
    order) on it; collect what each reports. With ``axe_source``, axe-core is in every page
    from its start (sent to the browser once, not once per page)."""
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    if axe_source is not None:
        context.add_init_script(script=axe_source)
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



def _axe(axe_source: str):
    def check(page) -> str:
        violations = run_axe(page, axe_source)
        return describe(violations) if violations else ""
    return check


def _clipping(page) -> str:
    page.add_style_tag(content=TEXT_SPACING)
    return "\n    ".join(page.evaluate(CLIPPED)[:8])


def audit(site: Path, widths=WIDTHS) -> dict:
    """{width: {"pages": [[name, path] …], "axe": [problem …], "clipping": [problem …]}}: at
    each width, every page of at_width() opened once, axe first, then the text-spacing
    override and the clipping check (it changes the page, so it comes last)."""
    from playwright.sync_api import sync_playwright

    axe_source = AXE.read_text(encoding="utf-8")
    pages = page_types(site)
    report = {}
    with serve_dir(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width in widths:
                chosen = at_width(pages, width)
                found = each_page(browser, url, chosen, width, {"axe": _axe(axe_source), "clipping": _clipping},
                                  axe_source)
                report[str(width)] = {"pages": [list(p) for p in chosen], **found}
        finally:
            browser.close()
    return report


if __name__ == "__main__":
    site, out = Path(sys.argv[1]), Path(sys.argv[2])
    result = audit(site)
    partial = out.with_name(out.name + ".part")
    partial.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    partial.replace(out)
