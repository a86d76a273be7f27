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
from html.parser import HTMLParser

FIELDS = ("title", "summary", "organizations", "body")

# Elements whose boundaries separate words: text on either side never forms
# one run (like a browser's innerText).
BLOCK = frozenset("""address article aside blockquote br caption dd div dl dt figcaption figure
footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead
tr ul""".split())


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_text(html: str) -> str:
    """The readable text of an HTML fragment, with block boundaries as new lines."""
    parser = _Text()
    parser.feed(str(html))
    parser.close()
    return "".join(parser.parts)


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
