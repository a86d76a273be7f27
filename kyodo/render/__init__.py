"""Jinja2 rendering: every page's HTML lives in templates/."""
