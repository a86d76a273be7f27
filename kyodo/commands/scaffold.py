"""Writing the file ``new`` made: YAML scalars, the check before writing, never
overwriting, and the closing message with the next steps."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Callable

from kyodo.commands.ask import Abort
from kyodo.errors import Problems
from kyodo.launcher import RUN
from kyodo.load import frontmatter, yamlsafe
from kyodo.paths import display_path
from kyodo.core.site import Site
from kyodo.core.taxonomy import Taxonomy
from kyodo.validate.site import build_site
from kyodo.validate.taxonomy import build_taxonomy


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that reads back the same, else quoted."""
    loaded = yamlsafe.load(f"k: {text}")
    if not loaded.issues and loaded.data == {"k": text} and "#" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)   # a JSON string is a YAML double-quoted scalar


def yaml_flow_item(text: str) -> str:
    loaded = yamlsafe.load(f"[{text}]")
    return text if not loaded.issues and loaded.data == [text] else json.dumps(text, ensure_ascii=False)


def load_vocabulary(content_dir: Path) -> tuple[Site, Taxonomy]:
    problems = Problems()
    tax_path, site_path = content_dir / "taxonomy.yml", content_dir / "site.yml"
    tax_doc = frontmatter.read_yaml_file(tax_path, display_path(tax_path), problems)
    taxonomy = build_taxonomy(tax_doc, problems) if tax_doc else None
    site_doc = frontmatter.read_yaml_file(site_path, display_path(site_path), problems)
    site = build_site(site_doc, taxonomy, problems) if site_doc else None
    if problems or taxonomy is None or site is None:
        text = "\n".join(str(p) for p in problems.sorted())
        raise Abort(f"{text}\ntaxonomy.yml・site.yml を読めないため、事例ファイルを作れません。先に上の問題を直してください。")
    return site, taxonomy


def existing_slugs(folder: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted(folder.rglob("*.md"))} if folder.is_dir() else {}


def check_text(text: str, shown: str, validate: Callable) -> Problems:
    """Validate the file before writing it, exactly as ``check`` will: ``shown`` is
    the name problems give, ``validate(doc, problems)`` the validator."""
    problems = Problems()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(shown).name
        path.write_text(text, encoding="utf-8")
        doc = frontmatter.read(path, shown, problems)
        if doc is not None:
            validate(doc, problems)
    return problems


def write_checked(path: Path, text: str, problems: Problems) -> Path:
    """Write a new file unless the self-check found problems; never overwrite."""
    if problems:
        raise Abort("\n".join(str(p) for p in problems.sorted()) + "\n作ろうとしたファイルに問題があるため、書き出していません。")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as f:
            f.write(text)
    except FileExistsError:
        raise Abort(f"{display_path(path)} はすでにあります。既存のファイルは上書きしません。") from None
    return path


def run(content: Path, make: Callable[[Path], Path], steps: tuple[str, ...]) -> int:
    """``make(content_dir)`` writes the file and returns its path; then the numbered
    ``steps`` are shown ("{shown}": the file, "{run}": how to run build.py;
    a line break continues a step). An ``Abort`` is one Japanese error, exit 1."""
    content_dir = Path(content)
    try:
        if not content_dir.is_dir():
            raise Abort(f"コンテンツのフォルダ {content_dir} がありません。--content で指定してください")
        path = make(content_dir)
    except Abort as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 1
    shown = display_path(path)
    print(f"\n{shown} を作りました。次にすること:")
    for i, step in enumerate(steps, start=1):
        print(f"  {i}. " + step.format(shown=shown, run=RUN).replace("\n", "\n     "))
    return 0
