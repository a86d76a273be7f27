"""The booklet of the booklet tests typeset in a process of its own (tests/conftest.py,
``sample_booklet_job``): ``python -m tests.booklet_job CONTENT REPORT.json``.

It runs the command's own ``make_pdf`` on the folder (the layout plan it makes lands
in the folder's build cache, as on any run) and reports the final typesetting: the
SHA-256 of the page it typeset, the PDF (written beside the report), the page count,
the warnings and the layout. tests/test_booklet.py then runs ``make_pdf`` on the same
folder and takes this typesetting for a byte-identical page instead of typesetting
it a second time.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from kyodo.commands.check import validate
from kyodo.post.booklet.make import make_pdf


def page_digest(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def main(content: Path, report: Path) -> None:
    made = make_pdf(validate(content))
    pdf = report.with_suffix(".pdf")
    pdf.write_bytes(made.result.pdf)
    data = {"html": page_digest(made.html), "pdf": pdf.name, "pages": made.result.pages,
            "warnings": made.result.warnings,
            "layout": [[info.blank, sorted(info.anchors)] for info in made.result.layout]}
    partial = report.with_name(report.name + ".part")
    partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    partial.replace(report)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
