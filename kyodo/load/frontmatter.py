"""Split a content file into YAML front matter and a markdown body."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from kyodo.errors import Problems
from kyodo.load import hints, yamlsafe

FENCE = "---"
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class Document:
    path: Path
    display: str        # path as shown in messages
    meta: dict
    lines: yamlsafe.Loaded
    body: str
    body_line: int      # line of the file where the body starts
    digest: str = ""    # of the file's bytes: what an incremental build compares
    meta_digest: str = ""   # of the front matter alone (lists and data files show only that)

    def line(self, *path) -> int:
        return self.lines.line(*path, default=1)

    def packed(self) -> tuple:
        """What a worker process sends back for this document (kyodo.model.assemble):
        plain values only, without the file's name, which the receiver knows
        (pickling both ways: 37 instead of 66 microseconds a file)."""
        return (self.meta, self.lines.lines, self.lines.issues, self.body, self.body_line, self.digest,
                self.meta_digest)

    @classmethod
    def unpacked(cls, path: Path, display: str, packed: tuple) -> "Document":
        meta, lines, issues, body, body_line, digest, meta_digest = packed
        return cls(path, display, meta, yamlsafe.Loaded(meta, lines, issues), body, body_line, digest, meta_digest)


def decode(raw: bytes, display: str, problems: Problems, what: str = "文字コード") -> str | None:
    """UTF-8 (with or without BOM) text with LF line ends, or None."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(display, line, what,
                     "UTF-8 ではない文字があります。ファイルを UTF-8 で保存し直してください（Shift_JIS などは使えません）")
        return None
    if "\x00" in text:
        problems.add(display, text[: text.index("\x00")].count("\n") + 1, what, "NUL 文字が含まれています。テキストファイルではないようです")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = yamlsafe.FORBIDDEN.search(text)
    if bad:
        problems.add(display, text.count("\n", 0, bad.start()) + 1, what,
                     yamlsafe.bad_character_message(f"U+{ord(bad.group()):04X}"))
        return None
    return text


def read(path: Path, display: str, problems: Problems) -> Document | None:
    """Read ``path``; on any problem add it to ``problems`` and return None."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.add(display, 1, "ファイル", f"読み込めません（{exc.strerror}）")
        return None
    if len(raw) > MAX_BYTES:
        problems.add(display, 1, "ファイル", f"ファイルが大きすぎます（{MAX_BYTES // 1024 // 1024} MB まで）")
        return None
    text = decode(raw, display, problems)
    if text is None:
        return None
    if not text.strip():
        problems.add(display, 1, "ファイル", "ファイルが空です。--- で囲んだ front matter と本文を書いてください")
        return None
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        problems.add(display, 1, "front matter",
                     "front matter がありません。1 行目を --- だけの行にし、項目を書いたあと --- の行で閉じてください")
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if end is None:
        problems.add(display, 1, "front matter",
                     "front matter が閉じられていません。項目の後に --- だけの行を入れてください")
        return None
    ok = True
    for i in range(1, end):
        stripped = lines[i].lstrip(" ")
        if stripped.startswith("\t"):
            problems.add(display, i + 1, "front matter",
                         "行頭にタブ文字があります。字下げには半角スペースを使ってください")
            ok = False
    if not ok:
        return None
    front = "\n".join(lines[1:end])
    loaded = yamlsafe.load(front, first_line=2)
    issues = hints.explain(lines[1:end], 2, loaded) or loaded.issues
    for issue in issues:
        problems.add(display, issue.line, issue.field, issue.message)
    if issues:
        return None
    meta = loaded.data
    if meta is None:
        problems.add(display, 1, "front matter", "front matter に項目がありません")
        return None
    if not isinstance(meta, dict):
        problems.add(display, 2, "front matter", "front matter は「項目名: 値」の形で書いてください")
        return None
    body = "\n".join(lines[end + 1:])
    return Document(path, display, meta, loaded, body, end + 2, hashlib.blake2b(raw, digest_size=16).hexdigest(),
                    hashlib.blake2b(front.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest())


def read_yaml_file(path: Path, display: str, problems: Problems) -> Document | None:
    """A whole-file YAML mapping (site.yml, taxonomy.yml) as a Document."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.add(display, 1, "ファイル", "ファイルがありません")
        return None
    except OSError as exc:
        problems.add(display, 1, "ファイル", f"読み込めません（{exc.strerror}）")
        return None
    text = decode(raw, display, problems)
    if text is None:
        return None
    for i, line in enumerate(text.split("\n"), start=1):
        if line.lstrip(" ").startswith("\t"):
            problems.add(display, i, "YAML", "行頭にタブ文字があります。字下げには半角スペースを使ってください")
            return None
    loaded = yamlsafe.load(text, first_line=1)
    issues = hints.explain(text.split("\n"), 1, loaded) or loaded.issues
    for issue in issues:
        problems.add(display, issue.line, issue.field, issue.message)
    if issues:
        return None
    if not isinstance(loaded.data, dict):
        problems.add(display, 1, "YAML", "「項目名: 値」の形で書いてください")
        return None
    return Document(path, display, loaded.data, loaded, "", 1, hashlib.blake2b(raw, digest_size=16).hexdigest())
