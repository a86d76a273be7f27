"""Derived views of the model: indexes, relations, counts, pagination."""
