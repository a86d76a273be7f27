"""Steps after the pages are written: search index, PDF."""
