"""Japanese search on a static index of kyodo's own (see index.py for its files).

Exact substring search uses positional character-bigram postings, so every
record containing the typed string is found, and only those; the records that
contain the same word spelt another way or read the same are found through a
lexicon made with the shared analyser (kyodo/text/analysis.py, SudachiPy).
The browser side is assets/search.js; it loads only the shards a query needs.
"""
