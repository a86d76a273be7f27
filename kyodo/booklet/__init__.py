"""The printed 協働事例集 booklet (A4 PDF typeset by WeasyPrint).

config    -> the ``booklet:`` section of site.yml
selection -> which cases a (subset) booklet holds (--year, --filter)
model     -> the booklet's structure: groups, numbered cases, index, stats
page      -> the print HTML page (``booklet/``) planned like every other page
typeset   -> HTML -> PDF with WeasyPrint, local files only, written atomically
"""
