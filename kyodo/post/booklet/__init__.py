"""The printed 協働事例集 booklet: A4 PDF typeset by WeasyPrint, made by ``build --pdf`` and ``pdf``.

Where the parts live, by pipeline stage:

validate/booklet.py        the ``booklet:`` section of site.yml
views/booklet/selection.py which cases a (subset) booklet holds (--year, --filter)
views/booklet/model.py     the booklet's structure: groups, numbered cases, index, stats
views/booklet/layout.py    left-page spreads and notes pages, from a first layout
views/sources/booklet.py   the print page (``booklet/``), a page like every other
post/booklet/make.py       model -> print page -> layout plan -> PDF
post/booklet/typeset.py    HTML -> PDF with WeasyPrint, local files only, written atomically
"""
