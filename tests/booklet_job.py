"""The booklets of the booklet tests typeset in a process of its own (tests/conftest.py,
``sample_booklet_job``): ``python -m tests.booklet_job FOLDER[=YEAR,…] … REPORT.json``.

For each content folder (and years, for a year edition) it runs the command's own
``make_pdf`` (the layout plan it makes lands in the folder's build cache, as on any
run) and reports the final typesetting by the SHA-256 of the page it typeset: the PDF
(written beside the report), the page count, the warnings and the layout.
tests/test_booklet.py then runs the commands on the same folders and, for a page
byte-identical to one typeset here, takes this typesetting instead of doing it again
(``reuse``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from pathlib import Path


def page_digest(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def main(specs: list[str], report: Path) -> None:
    from kyodo.commands.check import validate
    from kyodo.post.booklet.make import make_pdf
    from kyodo.views.booklet.selection import parse_selection

    done = {}
    for n, spec in enumerate(specs):
        folder, _, years = spec.partition("=")
        view = validate(Path(folder))
        selection = parse_selection(years.split(","), [], view.taxonomy) if years else None
        made = make_pdf(view, selection)
        pdf = report.with_name(f"{report.stem}-{n}.pdf")
        pdf.write_bytes(made.result.pdf)
        done[page_digest(made.html)] = {"pdf": pdf.name, "pages": made.result.pages, "warnings": made.result.warnings,
                                        "layout": [[info.blank, sorted(info.anchors)] for info in made.result.layout]}
    partial = report.with_name(report.name + ".part")
    partial.write_text(json.dumps(done, ensure_ascii=False), encoding="utf-8")
    partial.replace(report)


@contextlib.contextmanager
def reuse(job):
    """Within: a typesetting of a page the job typeset (byte for byte) is taken from the job.
    Yields the list of the pages so taken."""
    import pytest
    from kyodo.post.booklet import make
    from kyodo.post.booklet.typeset import Typeset
    from kyodo.views.booklet.layout import PageInfo

    done = job.result()
    real = make.typeset
    reused: list[str] = []

    def typeset(html, root, base, write=True):
        found = done.get(page_digest(html)) if write else None
        if found is None:
            return real(html, root, base, write=write)
        reused.append(html)
        return Typeset(job.report.with_name(found["pdf"]).read_bytes(), found["pages"], list(found["warnings"]),
                       [PageInfo(blank, frozenset(anchors)) for blank, anchors in found["layout"]])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(make, "typeset", typeset)
        yield reused


if __name__ == "__main__":
    main(sys.argv[1:-1], Path(sys.argv[-1]))
