"""Find the content folder's files and read its settings files (no validation here)."""

from __future__ import annotations

from pathlib import Path

from kyodo.errors import Problems
from kyodo.load import frontmatter
from kyodo.paths import display_path, inside



LINK_OUT = ("content/ の外を指すリンク（シンボリックリンク）なので読み込みません。"
            "リンクではなくファイルそのものを置いてください")


def discover(folder: Path, problems: Problems) -> list[Path]:
    """Every ``*.md`` below ``folder`` (sorted); other files are reported.

    A link that leads out of the content folder is reported and never read.
    """
    if not folder.is_dir():
        return []
    if not inside(folder, folder.parent):
        problems.add(display_path(folder), 1, "フォルダ", LINK_OUT)
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        if path.is_symlink() and not inside(path, folder.parent):
            problems.add(display_path(path), 1, "ファイル", LINK_OUT)
            continue
        if path.is_dir():
            continue
        if path.suffix == ".md":
            found.append(path)
        elif path.name.lower() != "readme.md":
            problems.add(display_path(path), 1, "ファイル名",
                         "事例・章のファイルは拡張子 .md にしてください（このファイルは読み込まれません）")
    return found


def read_settings(root: Path, name: str, problems: Problems) -> frontmatter.Document | None:
    path = root / name
    if path.is_symlink() and not inside(path, root):
        problems.add(display_path(path), 1, "ファイル", LINK_OUT)
        return None
    return frontmatter.read_yaml_file(path, display_path(path), problems)


def optional_yaml(path: Path, problems: Problems) -> frontmatter.Document | None:
    """An optional YAML mapping file; None when absent or holding only comments."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        text = "x"   # let the shared reader report it
    if all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        return None
    return frontmatter.read_yaml_file(path, display_path(path), problems)
