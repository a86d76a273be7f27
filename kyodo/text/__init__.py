"""Small text helpers: Japanese eras, suggestions, normalisation."""
