"""``build.py new``: write a new case file, asking in Japanese or taking flags.

Every facet of ``taxonomy.yml`` is asked for (terms chosen by number), so a
ward that adds a facet gets it in the scaffold without touching this file.
With every answer given as a flag nothing is asked (for scripts and tests).
``new --organization`` writes an organisation file instead (new_organization.py);
both forms are read by the one flag table reader in flags.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kyodo.commands import fields, flags, new_organization, scaffold
from kyodo.commands.answers import flag_terms
from kyodo.commands.ask import Abort
from kyodo.commands.scaffold import (check_text, existing_slugs, load_vocabulary, write_checked, yaml_flow_item,
                                     yaml_scalar)
from kyodo.core.site import Site
from kyodo.core.taxonomy import Taxonomy
from kyodo.validate.case import CONTACT_FIELDS, INDICATOR_FIELDS, OPTIONAL, STATUSES, CaseValidator

# The body outline: (heading, what to write). The guidance is a markdown link
# reference definition ("[//]: # (…)"), which renders to nothing, so a line the
# author forgets to delete never shows on the site. No ASCII parentheses inside.
OUTLINE = (
    ("背景", "どんな地域の課題や区民の声、区の計画から始まったのかを書きます。この行は書き方の案内で、サイトには表示されません"),
    ("取組内容", "何を、いつ、どこで、誰と、どのくらい行ったのかを書きます。箇条書きも使えます"),
    ("役割分担", "区と協働の相手が、それぞれ何を受け持ったのかを書きます"),
    ("成果", "参加者数などの数字や参加者の声など、協働で得られたことを書きます"),
    ("課題と今後", "見えてきた課題と、これからの予定を書きます"),
    ("評価と振り返り", "協働の進め方そのものを振り返り、よかった点と次に生かしたい点を書きます"),
)


@dataclass
class Context:
    taxonomy: Taxonomy
    taken: dict[str, Path]      # file names in use under cases/


# -- the fields: --set gives one facet's terms a time -------------------------------

def _read_sets(f: flags.Field, items: list[str], ctx: Context):
    terms = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in ctx.taxonomy:
            raise Abort(f"--set {item}: 「分類=値」の形で書いてください。分類: {'、'.join(ctx.taxonomy.facets)}")
        if key in terms:
            raise Abort(f"--set {key}=… が 2 回あります。値はカンマで区切って 1 回で書いてください（例: --set {key}=値1,値2）")
        terms[key], err = flag_terms(value, ctx.taxonomy[key])
        if err:
            raise Abort(f"--set {key}: {err}")
    return terms, None


def _ask_sets(f: flags.Field, asker, ctx: Context, answers: dict):
    terms = dict(answers["terms"] or {})
    for facet in ctx.taxonomy:
        if facet.key not in terms:
            terms[facet.key] = fields.ask_terms(asker, facet)
    return terms


def _lacking_sets(f: flags.Field, ctx: Context, terms) -> list[str]:
    return [f"--set {facet.key}=…（{facet.label}）" for facet in ctx.taxonomy if facet.key not in (terms or {})]


CASE = flags.Form(
    fields=(
        fields.text("--title", "title", "題名", "\n題名: "),
        fields.summary("\n要約（一覧や検索結果に表示する 1〜2 文）: "),
        fields.fiscal_year(),
        flags.Field("--set", "terms", "分類", "分類=値[,値…]",
                    "分類の値（名称かスラッグ）。分類ごとに 1 回。例: --set partner=NPO法人,区民",
                    read=_read_sets, ask=_ask_sets, lacks=_lacking_sets, repeat=True, dest="sets"),
        fields.slug(lambda a: f"case-{a['fiscal_year']}", "ページ", "kosodate-hiroba"),
    ),
    intro="新しい事例ファイルを作ります。質問に順に答えてください（途中でやめるときは Ctrl+C）。",
    foreign="{flag} は団体ファイルの項目です。--organization を付けたときだけ使えます",
)

STEPS = (
    "{shown} を開き、本文の見出しの下に内容を書きます。\n"
    "「[//]: # (…)」の行は書き方の案内です。サイトには表示されないので、消しても残してもかまいません。",
    "任意の項目（団体名・期間・事業費・指標・問い合わせ先など）は、行頭の「# 」を消して書き換えます。",
    "{run} check で確かめます（「問題はありません」と出れば大丈夫です）。",
    "{run} serve で、ブラウザで見た目を確かめられます。",
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    flags.add_arguments(p, CASE, new_organization.FORM)


# -- the file -----------------------------------------------------------------------

def _optional_examples(site: Site, year: int) -> dict[str, list[str]]:
    """Commented-out examples for the optional fields (keys from ``OPTIONAL``)."""
    principles = site.principles[:2] or ["対等"]
    indicator = {"name": "延べ参加者数", "value": "100", "unit": "人", "target": "120", "note": "補足があれば"}
    contact = {"section": "〇〇部 〇〇課 〇〇係", "phone": "03-0000-0000", "email": "kyodo@example.jp",
               "url": "https://www.example.jp/"}
    ind_lines = [f"  {'- ' if i == 0 else '  '}{f}: {indicator.get(f, '…')}" for i, f in enumerate(INDICATOR_FIELDS)]
    stages = [f"  {s.label}: この段階で行ったこと" for s in site.process_stages] or ["  段階の名前: この段階で行ったこと"]
    allowed = f"   # 使える値: {'、'.join(site.principles)}" if site.principles else ""
    return {
        "organizations": ["organizations: [団体の名称, もう一つの団体の名称]"],
        "period": [f"period: {year}年4月〜{year + 1}年3月"],
        "budget": ["budget: 1200000   # 事業費（円）。数字だけで書きます"],
        "status": [f"status: {STATUSES[0]}   # {'・'.join(STATUSES)} のどれか"],
        "principles": [f"principles: [{', '.join(principles)}]{allowed}"],
        "process": ["process:   # 書かない段階の行は消してください"] + stages,
        "indicators": ["indicators:"] + ind_lines,
        "contact": ["contact:"] + [f"  {f}: {contact.get(f, '…')}" for f in CONTACT_FIELDS],
        "links": ["links:", "  - title: 関連ページの名前", "    url: https://www.example.jp/"],
        "image": ["image:   # 画像は content/images/ に置きます",
                  "  src: ファイル名.jpg", "  alt: 画像の内容を説明する文章"],
        "updated": [f"updated: {dt.date.today().isoformat()}"],
        "draft": ["draft: true   # 下書きにして公開サイトに出さないとき"],
    }


def render_case(answers: dict, site: Site, taxonomy: Taxonomy) -> str:
    """The case file: ``answers`` holds title, summary, fiscal_year and terms (facet key -> terms)."""
    lines = [
        "---",
        "# 事例ファイルです。項目の書き方: docs/case-fields.md ／ 確かめ方: python3 build.py check",
        "# 「#」から行末まではメモ（コメント）で、サイトには表示されません。",
        f"title: {yaml_scalar(answers['title'])}",
        f"summary: {yaml_scalar(answers['summary'])}",
        f"fiscal_year: {answers['fiscal_year']}",
    ]
    for facet in taxonomy:
        labels = [t.label for t in answers["terms"][facet.key]]
        if facet.multiple:
            lines.append(f"{facet.key}: [{', '.join(yaml_flow_item(x) for x in labels)}]")
        else:
            lines.append(f"{facet.key}: {yaml_scalar(labels[0])}")
    lines.append("# ↓ ここからは任意の項目です。書くときは行頭の「# 」を消して、例の値を書き換えてください。")
    examples = _optional_examples(site, answers["fiscal_year"])
    for key in OPTIONAL:
        for line in examples.get(key, [f"{key}: "]):
            lines.append(f"# {line}")
    lines.append("---")
    lines.append("")
    for heading, guidance in OUTLINE:
        lines += [f"## {heading}", "", f"[//]: # ({guidance})", ""]
    return "\n".join(lines)


# -- running ----------------------------------------------------------------------

def _make_case(args, content_dir: Path) -> Path:
    site, taxonomy = load_vocabulary(content_dir)
    cases_dir = content_dir / "cases"
    ctx = Context(taxonomy, existing_slugs(cases_dir))
    answers = flags.complete(CASE, ctx, flags.read(args, CASE, ctx, others=(new_organization.FORM,)))
    text = render_case(answers, site, taxonomy)
    slug = answers["slug"]
    validator = CaseValidator(site, taxonomy, content_dir / "images")
    return write_checked(cases_dir / f"{slug}.md", text, check_text(text, f"{slug}.md", validator.validate))


def run(args) -> int:
    if getattr(args, "organization", False):
        return new_organization.run(args, others=(CASE,))
    return scaffold.run(args.content, lambda content_dir: _make_case(args, content_dir), STEPS)
