"""``data/organizations.json`` and ``data/organizations.csv`` (only when there are organisations).

Both list every registered organisation with the cases that name it, in the
same order and with the same counts as the pages (kyodo/views/organizations.py).
The CSV uses the shared writer of kyodo/views/downloads.py.
"""

from __future__ import annotations

from kyodo.views.data import dumps
from kyodo.views.downloads import Column, csv_bytes
from kyodo.views.model import SiteView
from kyodo.views.organizations import Record


def organization_record(r: Record, view: SiteView) -> dict:
    o, base = r.org, view.site.base_url
    return {
        "slug": o.slug,
        "url": base + o.url,
        "name": o.name,
        "aliases": list(o.aliases),
        "kind": ({"slug": o.kind.slug, "label": o.kind.label} if o.kind else (o.kind_text or None)),
        "summary": o.summary,
        "area": o.area or None,
        "fields": [{"slug": t.slug, "label": t.label} for t in o.fields] or list(o.field_texts),
        "founded": (o.founded.isoformat() if hasattr(o.founded, "isoformat") else o.founded),
        "website": o.website or None,
        "contact": vars(o.contact) if o.contact else None,
        "recruiting": ({"what": list(o.recruiting.what), "text": o.recruiting.text,
                        "until": o.recruiting.until.isoformat() if o.recruiting.until else None}
                       if o.recruiting else None),
        "updated": o.updated.isoformat() if o.updated else None,
        "cases": [{"slug": c.slug, "url": base + c.url, "title": c.title, "fiscal_year": c.fiscal_year,
                   "role": r.roles.get(c.slug) or None} for c in r.cases],
        "partners": [{"name": p.name, "slug": p.org.slug if p.org else None, "cases": p.cases} for p in r.partners],
    }


def organizations_json(view: SiteView) -> dict:
    return {
        "site": {"title": view.site.title, "organization": view.site.organization,
                 "base_url": view.site.base_url, "licence": view.site.licence_name or None},
        "organizations": [organization_record(r, view) for r in view.bank.records.values()],
    }


def organizations_csv(view: SiteView) -> bytes:
    fields_label = view.bank.fields_facet.label if view.bank.fields_facet else "活動分野"
    cols = [Column("slug", "スラッグ"), Column("name", "名称"), Column("aliases", "別名・旧名称"),
            Column("kind", "種類"), Column("summary", "要約"), Column("area", "活動地域"),
            Column("fields", fields_label), Column("founded", "設立"), Column("website", "ウェブサイト"),
            Column("recruiting", "募集"), Column("cases", "協働した事例の数"), Column("first_year", "最初の年度（西暦）"),
            Column("last_year", "最近の年度（西暦）"), Column("case_slugs", "事例のスラッグ"),
            Column("updated", "更新日"), Column("url", "URL")]
    recs = []
    for r in view.bank.records.values():
        o = r.org
        recs.append({
            "slug": o.slug, "name": o.name, "aliases": "、".join(o.aliases), "kind": o.kind_label,
            "summary": o.summary, "area": o.area, "fields": "、".join(o.field_labels),
            "founded": o.founded.isoformat() if hasattr(o.founded, "isoformat") else o.founded,
            "website": o.website, "recruiting": o.recruiting.text if o.recruiting else "",
            "cases": len(r.cases), "first_year": r.first_year, "last_year": r.last_year,
            "case_slugs": " ".join(c.slug for c in r.cases),
            "updated": o.updated.isoformat() if o.updated else None, "url": view.site.base_url + o.url,
        })
    return csv_bytes(cols, recs)


def organization_files(view: SiteView) -> list[tuple[str, bytes]]:
    """The FILE_PROVIDERS entry: nothing at all when the site has no organisations."""
    if not view.bank:
        return []
    return [("data/organizations.json", dumps(organizations_json(view))),
            ("data/organizations.csv", organizations_csv(view))]
