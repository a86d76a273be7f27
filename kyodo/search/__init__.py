"""Japanese-ready search on Pagefind.

Pagefind's extended build segments Japanese with a dictionary when it
indexes, but the browser segments the query with ``Intl.Segmenter``; the two
disagree, so compounds such as 協働 or 町会 are missed (upstream
Pagefind/pagefind#1237, #993, #1002). Here neither side segments: the
searchable text is NFKC-normalised, lower-cased and cut into overlapping
character bigrams, each written as a token of ASCII digits that every
tokenizer keeps whole. ``assets/search.js`` encodes the query the same way
and asks Pagefind for the exact phrase of bigrams, which is true substring
containment.
"""
