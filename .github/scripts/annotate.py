"""Show `python3 build.py check` problems on the pull request.

Reads the saved output of ``check`` (lines ``path:line: field: message``) and
prints GitHub Actions annotations, so each problem appears on the changed
line in the pull request's "Files changed" tab, and writes a short summary in
Japanese for the check's page. Usage: python .github/scripts/annotate.py check.log
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

LINE = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+)$")


def escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def repository_path(path: str, root: Path) -> str | None:
    """``path`` relative to the repository, or None when it points outside it.

    A file name or value can never make an annotation on /etc/passwd or on a
    file reached through ``..`` or a link.
    """
    if not path or "\\" in path or any(ord(ch) < 0x20 for ch in path):
        return None
    candidate = Path(path)
    full = candidate if candidate.is_absolute() else root / candidate
    real = Path(os.path.realpath(full))
    if real != root and real.is_relative_to(root):
        return real.relative_to(root).as_posix()
    return None


def main(log_path: str) -> int:
    root = Path(os.path.realpath(os.environ.get("GITHUB_WORKSPACE") or os.getcwd()))
    with open(log_path, encoding="utf-8") as f:
        # split("\n") only: str.splitlines() would also break at U+2028, \x0b, \x1c ...
        matches = [m for m in map(LINE.match, f.read().split("\n")) if m]
    problems = []
    for m in matches:
        rel = repository_path(m["path"], root)
        if rel is None:
            print(f"annotate: リポジトリの外のパスは注釈にしません: {escape(m['path'])[:200]}", file=sys.stderr)
            continue
        problems.append({"path": rel, "line": m["line"], "field": m["field"], "message": m["message"]})
    for m in problems:
        title = escape(f"{m['field']} の問題", prop=True)
        print(f"::error file={escape(m['path'], True)},line={m['line']},title={title}::{escape(m['message'])}")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary and problems:
        with open(summary, "a", encoding="utf-8") as out:
            out.write(f"## 事例ファイルに {len(problems)} 件の問題があります\n\n"
                      "ファイル名と行の番号、項目名を見て直してください。直してコミットすると、もう一度検査します。"
                      "詳しくは CONTRIBUTING.md の「検査の結果を読む」を見てください。\n\n"
                      "| ファイル | 行 | 項目 | 内容 |\n| --- | --- | --- | --- |\n")
            for m in problems:
                cells = [m["path"], m["line"], m["field"], m["message"]]
                out.write("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
