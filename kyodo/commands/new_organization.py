"""``build.py new --organization``: write a new organisation file (団体情報バンク).

Asks in Japanese like ``new`` does for cases (name, summary, kind chosen by
number from the kind facet, 活動分野, area, file name), or takes every answer
as a flag. The file is checked exactly as ``check`` will before it is written,
and an existing file is never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kyodo.commands import fields, flags, scaffold
from kyodo.commands.answers import flag_terms, parse_free_list, parse_optional
from kyodo.commands.ask import Abort
from kyodo.commands.scaffold import (check_text, existing_slugs, load_vocabulary, write_checked, yaml_flow_item,
                                     yaml_scalar)
from kyodo.errors import Problems
from kyodo.load import frontmatter
from kyodo.paths import display_path
from kyodo.model.organizations import FOLDER, load_registry
from kyodo.core.taxonomy import Facet, Term
from kyodo.validate.organization import OrganizationValidator


@dataclass
class Context:
    kind: Facet | None          # the facet of kinds; None: the kind is free text
    fields: Facet | None        # the 活動分野 vocabulary; None: free text
    taken: dict[str, Path]      # file names in use under organizations/


# -- kind and 活動分野: terms of the vocabulary when it has them, else free text ----

def _read_kind(f: flags.Field, raw: str, ctx: Context):
    if ctx.kind is None:
        return parse_optional(raw)
    terms, err = flag_terms(raw, ctx.kind)
    if not err and len(terms) > 1:
        err = "団体の種類は 1 つだけ書いてください"
    return terms, err


def _ask_kind(f: flags.Field, asker, ctx: Context, a: dict):
    if ctx.kind is None:
        return asker.ask("\n団体の種類（Enter だけなら書かない）: ", parse_optional)
    return fields.ask_terms(asker, Facet(ctx.kind.key, "団体の種類", False, ctx.kind.terms))


def _read_fields(f: flags.Field, raw: str, ctx: Context):
    if ctx.fields is None:
        return parse_free_list(raw)
    return flag_terms(raw, ctx.fields) if raw.strip() else ([], None)


def _ask_fields(f: flags.Field, asker, ctx: Context, a: dict):
    if ctx.fields is None:
        return asker.ask("\n活動分野（カンマで区切ります。Enter だけなら書かない）: ", parse_free_list)
    return fields.ask_terms(asker, ctx.fields, optional=True)


FORM = flags.Form(
    fields=(
        fields.text("--name", "name", "名称", "\n団体の名称（正式な名称。例: NPO法人 あおばキッズネット）: ",
                    help="団体の名称"),
        fields.summary("\n要約（どんな活動をしている団体か、1〜2 文）: "),
        flags.Field("--kind", "kind", "団体の種類", "種類", "団体の種類（名前かスラッグ）", read=_read_kind, ask=_ask_kind),
        flags.Field("--fields", "fields", "活動分野", "分野[,分野…]", "活動分野。カンマで区切ります",
                    read=_read_fields, ask=_ask_fields),
        fields.optional_text("--area", "area", "主な活動地域",
                             "\n主な活動地域（例: 柳原一丁目・二丁目。Enter だけなら書かない）: ", metavar="地域"),
        fields.slug(lambda a: "organization", "団体のページ", "aoba-kids-net"),
    ),
    intro="新しい団体ファイル（団体情報バンク）を作ります。質問に順に答えてください（途中でやめるときは Ctrl+C）。",
    foreign="{flag} は事例ファイルの項目です。--organization（団体ファイル）では使えません",
    switch="--organization",
    switch_help="事例ではなく、団体ファイル content/organizations/<スラッグ>.md を作る（団体情報バンク）",
)

STEPS = (
    "{shown} を開き、最後の案内の行の下に団体の活動内容を書きます。",
    "任意の項目（別名・設立・ウェブサイト・連絡先・募集など）は、行頭の「# 」を消して書き換えます。",
    "事例ファイルの organizations に、この団体の名称（または別名・ファイル名）を書くと、団体のページと結び付きます。",
    "{run} check で確かめます（「問題はありません」と出れば大丈夫です）。",
)


def render_organization(a: dict) -> str:
    """The organisation file: ``a`` holds name, summary, kind, fields, area (terms or free text)."""
    def labels(v):
        return [t.label if isinstance(t, Term) else t for t in (v or [])]
    lines = ["---",
             "# 団体ファイルです。項目の書き方: docs/organizations.md ／ 確かめ方: python3 build.py check",
             "# 「#」から行末まではメモ（コメント）で、サイトには表示されません。",
             f"name: {yaml_scalar(a['name'])}"]
    kind_labels = labels(a["kind"]) if isinstance(a["kind"], list) else ([a["kind"]] if a["kind"] else [])
    if kind_labels:
        lines.append(f"kind: {yaml_scalar(kind_labels[0])}")
    lines.append(f"summary: {yaml_scalar(a['summary'])}")
    field_labels = labels(a["fields"])
    lines.append(f"fields: [{', '.join(yaml_flow_item(x) for x in field_labels)}]" if field_labels else "# fields: [活動分野]")
    lines.append(f"area: {yaml_scalar(a['area'])}" if a['area'] else "# area: 主な活動地域")
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


def _make(args, content_dir: Path, others: tuple[flags.Form, ...]) -> Path:
    site, taxonomy = load_vocabulary(content_dir)
    tax_path = content_dir / "taxonomy.yml"
    problems = Problems()
    registry = load_registry(content_dir, frontmatter.read_yaml_file(tax_path, display_path(tax_path), problems),
                             taxonomy, problems)
    if problems:
        raise Abort("\n".join(str(p) for p in problems.sorted())
                    + "\n団体ファイルを読めないため、新しい団体ファイルを作れません。先に上の問題を直してください。")
    folder = content_dir / FOLDER
    ctx = Context(registry.vocabulary.kind, registry.vocabulary.fields, existing_slugs(folder))
    answers = flags.complete(FORM, ctx, flags.read(args, FORM, ctx, others))
    text = render_organization(answers)
    slug = answers["slug"]
    validator = OrganizationValidator(registry.vocabulary, registry)
    return write_checked(folder / f"{slug}.md", text, check_text(text, f"{FOLDER}/{slug}.md", validator.validate))


def run(args, others: tuple[flags.Form, ...] = ()) -> int:
    """``others``: the forms whose flags are refused here (the case form)."""
    return scaffold.run(args.content, lambda content_dir: _make(args, content_dir, others), STEPS)
