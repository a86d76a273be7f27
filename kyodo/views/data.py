"""``data/cases.json``: every published case with its fields and URL."""

from __future__ import annotations

import json

from kyodo.core.case import Case
from kyodo.text.wareki import fiscal_year_short
from kyodo.views.model import SiteView


def case_record(case: Case, base_url: str) -> dict:
    return {
        "slug": case.slug,
        "url": base_url + case.url,
        "title": case.title,
        "summary": case.summary,
        "fiscal_year": case.fiscal_year,
        "fiscal_year_label": fiscal_year_short(case.fiscal_year),
        "facets": {key: [{"slug": t.slug, "label": t.label} for t in terms] for key, terms in case.terms.items()},
        "organizations": list(case.organizations),
        "period": case.period or None,
        "budget": case.budget,
        "status": case.status or None,
        "principles": list(case.principles),
        "process": [{"stage": stage, "note": note} for stage, note in case.process],
        "indicators": [{"name": i.name, "value": i.value, "unit": i.unit or None,
                        "target": i.target, "note": i.note or None} for i in case.indicators],
        "contact": vars(case.contact) if case.contact else None,
        "links": [{"title": link.title, "url": link.url} for link in case.links],
        "image": ({"src": "images/" + case.image.src, "alt": case.image.alt,
                   "caption": case.image.caption or None} if case.image else None),
        "updated": case.updated.isoformat() if case.updated else None,
    }


def cases_json(view: SiteView) -> dict:
    return {
        "site": {"title": view.site.title, "organization": view.site.organization,
                 "base_url": view.site.base_url, "licence": view.site.licence_name or None},
        "cases": [case_record(c, view.site.base_url) | _organization_refs(view, c) for c in view.cases],
    }


def _organization_refs(view: SiteView, case: Case) -> dict:
    """With organisations (or roles) in the content: each named organisation, its role and page."""
    from kyodo.views.organizations import mention_records
    return mention_records(view, case)


LONG_LIST = 100   # longer lists: one item per line


def dumps(data: dict) -> bytes:
    """Stable, readable JSON (same input -> same bytes).

    Indented like ``indent=1``, except that a long list at the top level (the
    cases of data/cases.json) has one compact item per line: readable, and
    written by the C encoder (``indent`` falls back to the pure-Python one,
    which took most of a second at 10,000 cases).
    """
    if not isinstance(data, dict) or not any(isinstance(v, list) and len(v) > LONG_LIST for v in data.values()):
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and len(value) > LONG_LIST:
            body = "[\n" + ",\n".join("  " + compact(v) for v in value) + "\n ]"
        else:
            body = json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n ")
        parts.append(f" {compact(key)}: {body}")
    return ("{\n" + ",\n".join(parts) + "\n}\n").encode("utf-8")


def data_files(view: SiteView) -> list[tuple[str, bytes]]:
    """Machine-readable files of the core: (path under the output, bytes)."""
    from kyodo.views.counts import stats_json

    site = view.site
    return [
        ("data/cases.json", dumps(cases_json(view))),
        ("data/stats.json", dumps(stats_json(view.stats))),
        ("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {site.base_url}sitemap.xml\n".encode()),
    ]
