"""``build.py new --organization``: write a new organisation file (団体情報バンク).

Asks in Japanese like ``new`` does for cases (name, summary, kind chosen by
number from the kind facet, 活動分野, area, file name), or takes every answer
as a flag. The file is checked exactly as ``check`` will before it is written,
and an existing file is never overwritten.
"""

from __future__ import annotations

import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kyodo.commands.new import (Abort, Asker, _flag_error, _flag_terms, _menu, existing_slugs, load_vocabulary,
                                parse_slug, parse_terms, parse_text, write_checked, yaml_flow_item, yaml_scalar)
from kyodo.errors import Problems
from kyodo.load import frontmatter
from kyodo.load.content import display_path
from kyodo.load.organizations import FOLDER, load_registry
from kyodo.model.organization import Registry
from kyodo.model.taxonomy import Facet, Term
from kyodo.validate.organization import OrganizationValidator


@dataclass
class Answers:
    name: str | None = None
    summary: str | None = None
    kind: list[Term] | str | None = None
    fields: list[Term] | list[str] | None = None
    area: str | None = None
    slug: str | None = None


def add_arguments(p) -> None:
    """Flags of ``new --organization`` (``--slug`` and ``--summary`` are shared with cases)."""
    p.add_argument("--organization", action="store_true",
                   help="事例ではなく、団体ファイル content/organizations/<スラッグ>.md を作る（団体情報バンク）")
    p.add_argument("--name", metavar="名称", help="（--organization）団体の名称")
    p.add_argument("--kind", metavar="種類", help="（--organization）団体の種類（名前かスラッグ）")
    p.add_argument("--fields", metavar="分野[,分野…]", help="（--organization）活動分野。カンマで区切ります")
    p.add_argument("--area", metavar="地域", help="（--organization）主な活動地域")


def _parse_optional(raw: str) -> tuple[str, None]:
    return " ".join(raw.split()), None


def _parse_free_list(raw: str):
    return [v for v in (x.strip() for x in re.split(r"[,、，]", raw)) if v], None


def _propose_slug(taken: dict[str, Path]) -> str:
    n = 1
    while f"organization-{n}" in taken:
        n += 1
    return f"organization-{n}"


def _from_flags(args, kind: Facet | None, fields: Facet | None, taken) -> Answers:
    for flag, value in (("--title", args.title), ("--fiscal-year", args.fiscal_year), ("--set", args.sets)):
        if value:
            raise Abort(f"{flag} は事例ファイルの項目です。--organization（団体ファイル）では使えません")
    a = Answers()
    if args.name is not None:
        a.name, err = parse_text(args.name, "名称")
        _flag_error("--name", err)
    if args.summary is not None:
        a.summary, err = parse_text(args.summary, "要約")
        _flag_error("--summary", err)
    if args.kind is not None:
        if kind is None:
            a.kind = " ".join(args.kind.split())
        else:
            a.kind, err = _flag_terms(args.kind, kind)
            _flag_error("--kind", err and f"{err}（使える値: {kind.allowed()}）")
            if len(a.kind) > 1:
                raise Abort("--kind: 団体の種類は 1 つだけ書いてください")
    if args.fields is not None:
        if fields is None:
            a.fields = _parse_free_list(args.fields)[0]
        elif args.fields.strip():
            a.fields, err = _flag_terms(args.fields, fields)
            _flag_error("--fields", err and f"{err}（使える値: {fields.allowed()}）")
        else:
            a.fields = []
    if args.area is not None:
        a.area = " ".join(args.area.split())
    if args.slug is not None:
        a.slug, err = parse_slug(args.slug, taken)
        if err and args.slug.strip() in taken:
            raise Abort(f"{err}。既存のファイルは上書きしません。")
        _flag_error("--slug", err)
    return a


def _complete(a: Answers, kind: Facet | None, fields: Facet | None, taken) -> Answers:
    missing = [x is None for x in (a.name, a.summary, a.kind, a.fields, a.area, a.slug)]
    if not any(missing):
        return a
    asker = Asker()
    print("新しい団体ファイル（団体情報バンク）を作ります。質問に順に答えてください（途中でやめるときは Ctrl+C）。")
    if a.name is None:
        a.name = asker.ask("\n団体の名称（正式な名称。例: NPO法人 あおばキッズネット）: ", lambda r: parse_text(r, "名称"))
    if a.summary is None:
        a.summary = asker.ask("\n要約（どんな活動をしている団体か、1〜2 文）: ", lambda r: parse_text(r, "要約"))
    if a.kind is None:
        if kind is None:
            a.kind = asker.ask("\n団体の種類（Enter だけなら書かない）: ", _parse_optional)
        else:
            one = Facet(kind.key, "団体の種類", False, kind.terms)
            print(_menu(one))
            a.kind = asker.ask("番号: ", lambda r: parse_terms(r, one))
    if a.fields is None:
        if fields is None:
            a.fields = asker.ask("\n活動分野（カンマで区切ります。Enter だけなら書かない）: ", _parse_free_list)
        else:
            print(_menu(fields) + "\n  （Enter だけなら書かない）")
            a.fields = asker.ask("番号: ", lambda r: ([], None) if not r.strip() else parse_terms(r, fields))
    if a.area is None:
        a.area = asker.ask("\n主な活動地域（例: 柳原一丁目・二丁目。Enter だけなら書かない）: ", _parse_optional)
    if a.slug is None:
        proposal = _propose_slug(taken)
        print("\nファイル名（スラッグ）を決めます。団体のページの URL にもなります。"
              "英小文字・数字・ハイフンだけが使えます（例: aoba-kids-net）。")
        a.slug = asker.ask(f"ファイル名（Enter だけなら {proposal}）: ",
                           lambda r: parse_slug(r, taken, proposal, asked=True))
    return a


def render_organization(a: Answers, kind: Facet | None) -> str:
    def labels(v):
        return [t.label if isinstance(t, Term) else t for t in (v or [])]
    lines = ["---",
             "# 団体ファイルです。項目の書き方: docs/organizations.md ／ 確かめ方: python3 build.py check",
             "# 「#」から行末まではメモ（コメント）で、サイトには表示されません。",
             f"name: {yaml_scalar(a.name)}"]
    kind_labels = labels(a.kind) if isinstance(a.kind, list) else ([a.kind] if a.kind else [])
    if kind_labels:
        lines.append(f"kind: {yaml_scalar(kind_labels[0])}")
    lines.append(f"summary: {yaml_scalar(a.summary)}")
    fields = labels(a.fields)
    lines.append(f"fields: [{', '.join(yaml_flow_item(x) for x in fields)}]" if fields else "# fields: [活動分野]")
    lines.append(f"area: {yaml_scalar(a.area)}" if a.area else "# area: 主な活動地域")
    lines += [
        "# ↓ ここからは任意の項目です。書くときは行頭の「# 」を消して、例の値を書き換えてください。",
        "# aliases: [略称, 旧名称]   # 事例の organizations にこの名前を書いても、この団体に結び付きます",
        "# founded: 2010   # 設立年（西暦）。日付なら 2010-04-01",
        "# website: https://www.example.jp/",
        "# contact:",
        "#   section: 団体の窓口",
        "#   phone: 03-0000-0000",
        "#   email: info@example.jp",
        "# recruiting:   # 会員やボランティアを募集しているとき",
        "#   what: [ボランティア, 会員]",
        "#   text: 募集の案内（どんな人に、何を手伝ってほしいか）",
        "#   until: 2026-03-31   # 締切があれば",
        "# updated: 2025-04-01",
        "---",
        "",
        "[//]: # (ここに団体の活動内容を書きます。いつから、どこで、どんな活動をしているか。この行はサイトには表示されません)",
        "",
    ]
    return "\n".join(lines)


def self_check(text: str, slug: str, registry: Registry) -> Problems:
    problems = Problems()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{slug}.md"
        path.write_text(text, encoding="utf-8")
        doc = frontmatter.read(path, f"{FOLDER}/{slug}.md", problems)
        if doc is not None:
            OrganizationValidator(registry.vocabulary, registry).validate(doc, problems)
    return problems


def run(args) -> int:
    content_dir = Path(args.content)
    try:
        if not content_dir.is_dir():
            raise Abort(f"コンテンツのフォルダ {content_dir} がありません。--content で指定してください")
        site, taxonomy = load_vocabulary(content_dir)
        tax_path = content_dir / "taxonomy.yml"
        problems = Problems()
        registry = load_registry(content_dir, frontmatter.read_yaml_file(tax_path, display_path(tax_path), problems),
                                 taxonomy, problems)
        if problems:
            raise Abort("\n".join(str(p) for p in problems.sorted())
                        + "\n団体ファイルを読めないため、新しい団体ファイルを作れません。先に上の問題を直してください。")
        folder = content_dir / FOLDER
        taken = existing_slugs(folder)
        vocab = registry.vocabulary
        answers = _complete(_from_flags(args, vocab.kind, vocab.fields, taken), vocab.kind, vocab.fields, taken)
        text = render_organization(answers, vocab.kind)
        path = write_checked(folder / f"{answers.slug}.md", text, self_check(text, answers.slug, registry))
    except Abort as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 1
    shown = display_path(path)
    print(f"\n{shown} を作りました。次にすること:")
    print(f"  1. {shown} を開き、最後の案内の行の下に団体の活動内容を書きます。")
    print("  2. 任意の項目（別名・設立・ウェブサイト・連絡先・募集など）は、行頭の「# 」を消して書き換えます。")
    print("  3. 事例ファイルの organizations に、この団体の名称（または別名・ファイル名）を書くと、団体のページと結び付きます。")
    print("  4. python3 build.py check で確かめます（「問題はありません」と出れば大丈夫です）。")
    return 0
