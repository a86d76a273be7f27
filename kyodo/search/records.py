"""What is searchable about a case, and the record Pagefind indexes for it.

Exactly four fields are searched: title, summary, organisations and the body
(the text of the rendered markdown). Searching more fields would let a case
match on text a resident cannot see in those four, and rank it among the
cases that contain the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from kyodo.model.case import Case
from kyodo.search.ngram import char_text, token_text

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


def searchable(case: Case, body_html: str) -> dict[str, str]:
    """The four searched fields, as readable text."""
    return {
        "title": case.title,
        "summary": case.summary,
        "organizations": "\n".join(case.organizations),
        "body": html_text(body_html),
    }


@dataclass
class Record:
    """One case as Pagefind sees it (rendered by templates/search_record.html)."""
    case: Case
    rank: int                       # position in the catalogue (newest first)
    tokens: dict[str, str]          # field -> n-gram token text; "chars": distinct characters

    @property
    def url(self) -> str:
        return "/" + self.case.url


def record(case: Case, rank: int, body_html: str) -> Record:
    fields = searchable(case, body_html)
    tokens = {k: token_text(v) for k, v in fields.items()}
    tokens["chars"] = char_text(*fields.values())
    return Record(case, rank, tokens)
