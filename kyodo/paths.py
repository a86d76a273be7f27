"""Where the project's templates and assets are."""

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "templates"
ASSETS = PROJECT / "assets"
