"""The types every stage shares: cases, terms, the taxonomy, site settings, chapters, organisations.

Plain data with small helpers; they import nothing from the pipeline stages
(load, validate, model, views, render, write, post), so every stage can use them.
"""
