"""Where to run the commands: the message when the content folder is not found."""

from __future__ import annotations

import os
from pathlib import Path

from kyodo.launcher import ROOT, RUN

MARKERS = ("taxonomy.yml", "site.yml")


def _is_content(folder: Path) -> bool:
    return folder.is_dir() and any((folder / m).is_file() for m in MARKERS)


def project_folder(content: Path, cwd: Path | None = None) -> Path | None:
    """The nearest folder, from the working folder upwards and then build.py's
    own, where ``content`` (as written) is a content folder."""
    cwd = (cwd or Path.cwd()).resolve()
    if content.is_absolute():
        return None
    for folder in (cwd, *cwd.parents, ROOT):
        if _is_content(folder / content):
            return folder
    return None


def _quote(path: Path) -> str:
    text = str(path)
    return f'"{text}"' if any(c.isspace() for c in text) else text


def missing_content(content: Path, command: str, cwd: Path | None = None) -> str:
    """One Japanese message: which folder was looked for, and where to run the command."""
    cwd = (cwd or Path.cwd()).resolve()
    looked = cwd / content if not content.is_absolute() else content
    text = f"エラー: コンテンツのフォルダ「{content}」が見つかりません（探した場所: {os.path.normpath(looked)}）。"
    home = project_folder(content, cwd)
    again = RUN if command == "build" else f"{RUN} {command}"
    if home is not None and home != cwd:
        return (text + f"コマンドは build.py のあるフォルダ {home} で実行してください。"
                f"例: cd {_quote(home)} としてから {again}")
    if content != Path("content"):
        return text + "--content で指定したフォルダの名前と場所を確かめてください"
    return (text + f"コマンドは、content フォルダと build.py のあるフォルダ（リポジトリのいちばん上のフォルダ）で"
            f"実行してください。例: {again}")
