"""Read ``content/organizations/*.md`` into a :class:`Registry` (団体情報バンク).

The folder is optional: without it the registry is empty and the site is
built exactly as without the feature.
"""

from __future__ import annotations

from pathlib import Path

from kyodo.errors import Problems
from kyodo.load import frontmatter
from kyodo.load.content import discover
from kyodo.load.frontmatter import Document
from kyodo.paths import display_path
from kyodo.core.organization import Registry
from kyodo.core.taxonomy import Taxonomy
from kyodo.validate.organization import OrganizationValidator, vocabulary

FOLDER = "organizations"


def load_registry(root: Path, tax_doc: Document | None, taxonomy: Taxonomy, problems: Problems,
                  docs: list[Document] | None = None) -> Registry:
    """The registry; ``docs`` (if given) receives every organisation document read."""
    registry = Registry(vocabulary=vocabulary(tax_doc, taxonomy, problems))
    folder = Path(root) / FOLDER
    if not folder.is_dir():
        return registry
    validator = OrganizationValidator(registry.vocabulary, registry)
    for path in discover(folder, problems):
        display = display_path(path)
        doc = frontmatter.read(path, display, problems)
        if doc is not None:
            validator.validate(doc, problems)
            if docs is not None:
                docs.append(doc)
    registry.organizations.sort(key=lambda o: o.slug)
    return registry
