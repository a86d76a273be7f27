"""The pages of the 団体情報バンク (only when content/organizations/ has organisations).

    organizations/                    every organisation, grouped by kind
    organizations/fields/<slug>/      the organisations of one 活動分野
    organizations/<slug>/             profile, recruiting notice, record of collaboration
    stats/organizations/              organisations by kind, cases per organisation
"""

from __future__ import annotations

from kyodo.views.page import HOME, Crumb, Page, last_updated
from kyodo.views.counts import percent_text, tenths_text
from kyodo.views.model import SiteView
from kyodo.views.organizations import INDEX_URL, term_counts
from kyodo.views.tables import organization_tables

INDEX = Crumb("協働団体", INDEX_URL)
STATS_URL = "stats/organizations/"


def organization_pages(view: SiteView) -> list[Page]:
    bank = view.bank
    if not bank:
        return []
    site = view.site

    def lastmod(orgs, cases):   # the sitemap's <lastmod>: the newest `updated` the page shows
        dates = [d for d in (last_updated(cases), *(o.updated for o in orgs)) if d]
        return max(dates, default=None)

    newest = lastmod(bank.registry.organizations, view.cases)
    helpers = {"term_counts": term_counts}
    pages = [Page(INDEX_URL, "organizations.html", "協働団体", "organizations",
                  f"{site.title}の事例で区と協働した団体の一覧です。活動内容・募集・区との協働の記録を見られます。",
                  [HOME], {"groups": bank.kinds}, lastmod=newest)]
    for g in bank.fields:
        pages.append(Page(g.url, "organizations_field.html", f"{bank.fields_facet.label}: {g.label}",
                          "organizations_field",
                          g.description or f"{bank.fields_facet.label}が「{g.label}」の団体の一覧です。",
                          [HOME, INDEX], {"group": g},
                          lastmod=lastmod(g.organizations, [c for o in g.organizations for c in bank.records[o.slug].cases])))
    for record in bank.records.values():
        org = record.org
        pages.append(Page(org.url, "organization.html", org.name, "organization", org.summary, [HOME, INDEX],
                          dict(helpers, record=record, org=org, body=view.organization_html[org.slug]),
                          lastmod=lastmod([org], record.cases)))
    pages.append(Page(STATS_URL, "stats/organizations.html", "協働団体の統計", "stats_organizations",
                      "区と協働した団体を、種類と協働した事例の数で集計した統計です。", [HOME, Crumb("統計", "stats/")],
                      {"o": view.stats.extra["organizations"], "tenths": tenths_text, "pct": percent_text,
                       "tables": organization_tables(view.stats.extra["organizations"]),
                       "s": view.stats, "year": None, "base": "stats/"}, lastmod=newest))
    pages.append(Page("assets/organizations.css", "organizations.css", "", "asset", in_sitemap=False))
    return pages


pages = organization_pages


def nav(view, item) -> list:
    return [item("協働団体", INDEX_URL, ("organizations", "organization", "organizations_field"))]
