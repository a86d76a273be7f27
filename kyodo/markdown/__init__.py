"""Markdown for cases and guideline chapters (untrusted input)."""
