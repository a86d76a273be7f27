"""The content model: site settings, taxonomy, cases, guideline chapters."""
