"""Build small content folders for tests."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content"

VALID_FIELDS = {
    "title": "テスト事例",
    "summary": "テストのための事例です。",
    "fiscal_year": 2024,
    "partner": "[NPO法人, 区民]",
    "form": "[委託]",
    "domain": "[B]",
    "outcomes": "[事業の充実・拡大]",
    "department": "子ども家庭部",
}


# Another ward's taxonomy and settings (fewer facets and pages than the sample's).
OTHER_TAXONOMY = """\
facets:
  theme:
    label: 分野
    multiple: true
    terms:
      - {slug: welfare, label: 福祉}
      - {slug: disaster, label: 防災, description: 災害への備え}
      - {slug: unused, label: 未使用}
  area:
    label: 地区
    multiple: false
    terms:
      - {slug: north, label: 北部}
      - {slug: south, label: 南部}
"""
OTHER_SITE = "title: 別の区\norganization: 別の区役所\nbase_url: https://other.example.jp/kyodo/\nper_page: 2\n"
OTHER_DROP = ("partner", "form", "domain", "outcomes", "department")   # the sample's fields it does not have


def case_text(body: str = "## 背景\n\n本文です。\n", drop: tuple[str, ...] = (), **fields) -> str:
    """A case file: the valid defaults, overridden by ``fields`` (raw YAML values)."""
    values = {k: v for k, v in VALID_FIELDS.items() if k not in drop}
    values.update(fields)
    front = "\n".join(f"{k}: {v}" for k, v in values.items())
    return f"---\n{front}\n---\n\n{body}"


def without_key(text: str, key: str) -> str:
    """A YAML text without the top-level ``key`` and its indented block."""
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith(f"{key}:"):
            skipping = True
            continue
        if skipping and (line.startswith((" ", "#")) or not line.strip()):
            continue
        skipping = False
        kept.append(line)
    return "".join(kept)


def make_content(dest: Path, cases: dict[str, str | bytes] | None = None, *,
                 taxonomy: str | None = None, site: str | None = None,
                 guideline: dict[str, str] | None = None, images: dict[str, bytes] | None = None) -> Path:
    """A content folder in ``dest`` using the sample site.yml/taxonomy.yml unless given."""
    dest.mkdir(parents=True, exist_ok=True)
    if taxonomy is None:
        shutil.copy(SAMPLE / "taxonomy.yml", dest / "taxonomy.yml")
    else:
        (dest / "taxonomy.yml").write_text(textwrap.dedent(taxonomy), encoding="utf-8")
    if site is None:
        # The sample settings, minus the booklet section (it names sample chapters).
        text = without_key((SAMPLE / "site.yml").read_text(encoding="utf-8"), "booklet")
        (dest / "site.yml").write_text(text, encoding="utf-8")
    else:
        (dest / "site.yml").write_text(textwrap.dedent(site), encoding="utf-8")
    (dest / "cases").mkdir(exist_ok=True)
    (dest / "guideline").mkdir(exist_ok=True)
    for name, text in (cases or {}).items():
        path = dest / "cases" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    for name, text in (guideline or {}).items():
        (dest / "guideline" / name).write_text(text, encoding="utf-8")
    if images:
        (dest / "images").mkdir(exist_ok=True)
        for name, data in images.items():
            (dest / "images" / name).write_bytes(data)
    return dest


# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
