"""What is searchable: a list of records, each a page with text fields.

A record is generic — a case page today, any other page family tomorrow (an
organisation page, a guideline chapter): give it a URL, a title and its
searched fields. Exactly the fields in :data:`FIELDS` are searched, in that
order of weight (a word in the title ranks above one in the body only).
Searching text a resident cannot see in these fields would rank a page among
those that contain the words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from html import unescape

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
    year: int | None = None                    # fiscal year, for the year filter
    terms: dict[str, list[str]] = field(default_factory=dict)   # facet key -> term slugs

    @property
    def fields(self) -> list[str]:
        return [self.title, self.summary, "\n".join(self.organizations), self.body]


def case_record(case, body_html: str) -> Record:
    return Record(url=case.url, title=case.title, summary=case.summary,
                  organizations=tuple(case.organizations), body=html_text(body_html),
                  year=case.fiscal_year,
                  terms={key: [t.slug for t in terms] for key, terms in case.terms.items()})
