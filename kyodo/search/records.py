"""What is searchable: a list of records, each a page with text fields.

A record is generic — a case page, an organisation page of the 団体情報バンク,
any other page family tomorrow (a guideline chapter): give it a URL, a title,
its searched fields and its ``kind``. Cases are the main list (filters and
counts apply to them); records of other kinds form their own small groups.
Exactly the fields in :data:`FIELDS` are searched, in that order of weight
(a word in the title ranks above one in the body only). Searching text a
resident cannot see in these fields would rank a page among those that
contain the words; the one exception is deliberate: a case is searched by the
registered name and aliases of each organisation it names (it is about that
organisation, whichever name it wrote), and its result says which one matched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from html import unescape

from kyodo.search.ngram import normalize

FIELDS = ("title", "summary", "organizations", "body")

# Elements whose boundaries separate words: text on either side never forms
# one run (like a browser's innerText).
BLOCK = frozenset("""address article aside blockquote br caption dd div dl dt figcaption figure
footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead
tr ul""".split())


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*>|<!--.*?-->", re.S)


def _tag(m: re.Match) -> str:
    return "\n" if m.group(2) and m.group(2).lower() in BLOCK else ""


def html_text(html: str) -> str:
    """The readable text of an HTML fragment (as the renderer writes it: attribute values
    escaped), with block boundaries as new lines."""
    return unescape(_TAG.sub(_tag, str(html)))


@dataclass
class Record:
    """One searchable page. ``fields`` maps names of :data:`FIELDS` to readable text."""
    url: str                                   # site-relative, e.g. "cases/kosodate/"
    title: str
    summary: str = ""
    organizations: tuple[str, ...] = ()
    body: str = ""
    other_names: tuple[str, ...] = ()          # also searched in the organisations field, not shown as such
    year: int | None = None                    # fiscal year, for the year filter
    terms: dict[str, list[str]] = field(default_factory=dict)   # facet key -> term slugs
    kind: str = "case"                         # "case" or another page family ("organization")
    display: tuple = ()                        # what a result shows besides url, title, summary, organisations

    @property
    def fields(self) -> list[str]:
        return [self.title, self.summary, "\n".join(self.organizations + self.other_names), self.body]


def case_record(case, body_html: str, registered=None) -> Record:
    """A case page. ``registered`` (with a 団体情報バンク) is aligned with
    ``case.organizations``: the registered organisation each name resolves to, or None.

    A registered organisation is searched by its name and every alias, whichever
    one the case wrote: those names join the case's organisations field
    (``other_names``), and a result shows the one that matched beside the name
    as written (``display``: ``[[i, name, [aliases]], …]``).
    """
    names = []
    refs = []
    if registered:
        seen = {normalize(n) for n in case.organizations}
        for i, org in enumerate(registered):
            if org is None:
                continue
            refs.append([i, org.name, list(org.aliases)])
            for other in (org.name, *org.aliases):
                if normalize(other) not in seen:
                    seen.add(normalize(other))
                    names.append(other)
    return Record(url=case.url, title=case.title, summary=case.summary,
                  organizations=tuple(case.organizations), other_names=tuple(names), body=html_text(body_html),
                  year=case.fiscal_year,
                  terms={key: [t.slug for t in terms] for key, terms in case.terms.items()},
                  display=(refs,) if refs else ())


def organization_record(org, body_html: str, cases: int) -> Record:
    """An organisation page (``organizations/<slug>/``): its name is the title, its
    aliases the organisations field; kind, area and 活動分野 lead the body.
    ``display``: ``[kind, number of cases, area, [活動分野]]``."""
    about = [t for t in (org.kind_label, org.area, *org.field_labels) if t]
    return Record(url=org.url, title=org.name, summary=org.summary, organizations=tuple(org.aliases),
                  body="\n".join(about + [html_text(body_html)]), kind="organization",
                  display=(org.kind_label, cases, org.area, list(org.field_labels)))
