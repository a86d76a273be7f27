"""``build.py new``: write a new case file, asking in Japanese or taking flags.

Every facet of ``taxonomy.yml`` is asked for (terms chosen by number), so a
ward that adds a facet gets it in the scaffold without touching this file.
With every answer given as a flag nothing is asked (for scripts and tests).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kyodo.errors import Problems
from kyodo.load import frontmatter, yamlsafe
from kyodo.launcher import RUN
from kyodo.load.content import display_path
from kyodo.model.site import Site
from kyodo.model.taxonomy import Facet, Taxonomy, Term
from kyodo.validate.case import (CONTACT_FIELDS, FIRST_YEAR, INDICATOR_FIELDS, OPTIONAL, STATUSES,
                                 CaseValidator, last_year, slug_problem)
from kyodo.validate.site import build_site
from kyodo.validate.taxonomy import build_taxonomy
from kyodo.validate.terms import resolve as resolve_term

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
SPLIT = re.compile(r"[\s,、，]+")


class Abort(Exception):
    """Stop without writing; the message is shown to the user."""


@dataclass
class Answers:
    title: str | None = None
    summary: str | None = None
    fiscal_year: int | None = None
    slug: str | None = None
    terms: dict[str, list[Term]] = field(default_factory=dict)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--slug", metavar="ファイル名", help="ファイル名（英小文字・数字・ハイフン。.md は不要）")
    p.add_argument("--title", metavar="題名", help="題名")
    p.add_argument("--summary", metavar="要約", help="要約（一覧や検索結果に表示する 1〜2 文）")
    p.add_argument("--fiscal-year", dest="fiscal_year", metavar="年度", help="年度（西暦。令和6 などの和暦も可）")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="分類=値[,値…]",
                   help="分類の値（名称かスラッグ）。分類ごとに 1 回。例: --set partner=NPO法人,区民")
    from kyodo.commands import new_organization   # new --organization: a 団体情報バンク file
    new_organization.add_arguments(p)


# -- answers: each parser returns (value, None) or (None, message) ----------------

def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def current_fiscal_year(today: dt.date | None = None) -> int:
    today = today or dt.date.today()
    return today.year if today.month >= 4 else today.year - 1


def parse_text(raw: str, what: str):
    text = " ".join(raw.split())
    if not text:
        return None, f"{what}を入力してください（空にはできません）"
    return text, None


def parse_year(raw: str, default: int | None = None):
    from kyodo.text.wareki import parse_wareki

    text = _nfkc(raw)
    if not text and default is not None:
        return default, None
    m = re.fullmatch(r"(\d{4})\s*(年度?)?", text)
    year = int(m.group(1)) if m else parse_wareki(text)
    if year is None:
        return None, f"「{raw.strip()}」は年度として読めません。西暦の数字で入力してください（例: 2024。令和6 も使えます）"
    hi = last_year()
    if not FIRST_YEAR <= year <= hi:
        return None, f"年度 {year} は範囲外です。{FIRST_YEAR} から {hi} までの西暦で入力してください"
    return year, None


def parse_terms(raw: str, facet: Facet):
    """Numbers (1-based, as listed) or names (label, slug or alias)."""
    tokens = [t for t in SPLIT.split(_nfkc(raw)) if t]
    # A label may itself contain a separator (町会・自治会): try the whole answer first.
    whole = facet.resolve(raw) if raw.strip() else None
    if whole is not None:
        tokens = [raw.strip()]
    if not tokens:
        how = "1 つ以上" if facet.multiple else "1 つ"
        return None, f"{facet.label}を{how}選んでください（番号を入力します）"
    found: list[Term] = []
    count = len(facet.terms)
    for token in tokens:
        if token.isdigit():
            n = int(token)
            if not 1 <= n <= count:
                return None, f"「{token}」という番号はありません。1 から {count} までの番号で選んでください"
            term = facet.terms[n - 1]
        else:
            term, why = resolve_term(facet, token)
            if term is None:
                return None, why if facet.rejection(token) else why + "番号で選んでください"
        if term not in found:
            found.append(term)
    if not facet.multiple and len(found) > 1:
        return None, f"{facet.label}は 1 つだけ選んでください"
    return sorted(found, key=lambda t: t.order), None


def parse_slug(raw: str, taken: dict[str, Path], default: str | None = None, asked: bool = False):
    text = _nfkc(raw)
    if text.endswith(".md"):
        text = text[:-3]
    if not text and default:
        text = default
    if not text:
        return None, "ファイル名を入力してください"
    if asked and text.isdigit():   # most likely a menu number typed one question too late
        return None, (f"数字だけのファイル名（{text}）では内容が分かりません。英小文字を入れてください"
                      f"（例: kosodate-hiroba。Enter だけなら {default}）")
    bad = slug_problem(text)
    if bad:
        return None, bad
    if text in taken:
        return None, f"「{text}」はすでに使われています（{display_path(taken[text])}）。別のファイル名にしてください"
    return text, None


# -- the file -----------------------------------------------------------------------

def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that reads back the same, else quoted."""
    loaded = yamlsafe.load(f"k: {text}")
    if not loaded.issues and loaded.data == {"k": text} and "#" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)   # a JSON string is a YAML double-quoted scalar


def yaml_flow_item(text: str) -> str:
    loaded = yamlsafe.load(f"[{text}]")
    return text if not loaded.issues and loaded.data == [text] else json.dumps(text, ensure_ascii=False)


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


def render_case(answers: Answers, site: Site, taxonomy: Taxonomy) -> str:
    lines = [
        "---",
        "# 事例ファイルです。項目の書き方: docs/case-fields.md ／ 確かめ方: python3 build.py check",
        "# 「#」から行末まではメモ（コメント）で、サイトには表示されません。",
        f"title: {yaml_scalar(answers.title)}",
        f"summary: {yaml_scalar(answers.summary)}",
        f"fiscal_year: {answers.fiscal_year}",
    ]
    for facet in taxonomy:
        labels = [t.label for t in answers.terms[facet.key]]
        if facet.multiple:
            lines.append(f"{facet.key}: [{', '.join(yaml_flow_item(x) for x in labels)}]")
        else:
            lines.append(f"{facet.key}: {yaml_scalar(labels[0])}")
    lines.append("# ↓ ここからは任意の項目です。書くときは行頭の「# 」を消して、例の値を書き換えてください。")
    examples = _optional_examples(site, answers.fiscal_year)
    for key in OPTIONAL:
        for line in examples.get(key, [f"{key}: "]):
            lines.append(f"# {line}")
    lines.append("---")
    lines.append("")
    for heading, guidance in OUTLINE:
        lines += [f"## {heading}", "", f"[//]: # ({guidance})", ""]
    return "\n".join(lines)


# -- the conversation -------------------------------------------------------------

class Asker:
    """``input()``-based questions that ask again until the answer is valid."""

    def __init__(self):
        self.echo = not sys.stdin.isatty()   # piped answers: show them, so the transcript reads well

    def ask(self, prompt: str, parse):
        while True:
            try:
                raw = input(prompt)
            except EOFError:
                print()
                raise Abort("入力が終わったため、中止しました。ファイルは作っていません。") from None
            if self.echo:
                print(raw)
            value, error = parse(raw)
            if error is None:
                return value
            print(f"  → {error}")


def _from_flags(args, taxonomy: Taxonomy, taken: dict[str, Path]) -> Answers:
    a = Answers()
    if args.title is not None:
        a.title, err = parse_text(args.title, "題名")
        _flag_error("--title", err)
    if args.summary is not None:
        a.summary, err = parse_text(args.summary, "要約")
        _flag_error("--summary", err)
    if args.fiscal_year is not None:
        a.fiscal_year, err = parse_year(args.fiscal_year)
        _flag_error("--fiscal-year", err)
    if args.slug is not None:
        a.slug, err = parse_slug(args.slug, taken)
        if err and args.slug.strip() in taken:
            raise Abort(f"{err}。既存のファイルは上書きしません。")
        _flag_error("--slug", err)
    for item in args.sets:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in taxonomy:
            raise Abort(f"--set {item}: 「分類=値」の形で書いてください。分類: {'、'.join(taxonomy.facets)}")
        if key in a.terms:
            raise Abort(f"--set {key}=… が 2 回あります。値はカンマで区切って 1 回で書いてください（例: --set {key}=値1,値2）")
        facet = taxonomy[key]
        terms, err = _flag_terms(value, facet)
        _flag_error(f"--set {key}", err and f"{err}（使える値: {facet.allowed()}）")
        a.terms[key] = terms
    return a


def _flag_terms(value: str, facet: Facet):
    # Flags take names, separated by commas: a number would be ambiguous in scripts.
    names = [v.strip() for v in re.split(r"[,、，]", value) if v.strip()]
    found: list[Term] = []
    for name in names:
        term, why = resolve_term(facet, name)
        if term is None:
            return None, why
        if term not in found:
            found.append(term)
    if not found:
        return None, f"{facet.label}の値を書いてください"
    if not facet.multiple and len(found) > 1:
        return None, f"{facet.label}は 1 つだけ書いてください"
    return sorted(found, key=lambda t: t.order), None


def _flag_error(flag: str, err: str | None) -> None:
    if err:
        raise Abort(f"{flag}: {err}")


def _menu(facet: Facet) -> str:
    how = "番号で選びます。複数あるときは「1 3」のように空白かカンマで区切ります" if facet.multiple else "番号で 1 つ選びます"
    lines = [f"\n{facet.label}（{how}）"]
    if facet.description:
        lines.append(f"  {facet.description}")
    width = len(str(len(facet.terms)))
    for i, term in enumerate(facet.terms, start=1):
        extra = f"　{term.title}" if term.title else ""
        lines.append(f"  {i:>{width}}. {term.label}{extra}")
    return "\n".join(lines)


def _propose_slug(year: int, taken: dict[str, Path]) -> str:
    n = 1
    while f"case-{year}-{n}" in taken:
        n += 1
    return f"case-{year}-{n}"


def _complete(a: Answers, taxonomy: Taxonomy, taken: dict[str, Path]) -> Answers:
    missing = (a.title is None or a.summary is None or a.fiscal_year is None or a.slug is None
               or any(f.key not in a.terms for f in taxonomy))
    if not missing:
        return a
    asker = Asker()
    print("新しい事例ファイルを作ります。質問に順に答えてください（途中でやめるときは Ctrl+C）。")
    if a.title is None:
        a.title = asker.ask("\n題名: ", lambda r: parse_text(r, "題名"))
    if a.summary is None:
        a.summary = asker.ask("\n要約（一覧や検索結果に表示する 1〜2 文）: ", lambda r: parse_text(r, "要約"))
    if a.fiscal_year is None:
        default = min(current_fiscal_year(), last_year())
        a.fiscal_year = asker.ask(f"\n年度（西暦の数字。令和6年度なら 2024。Enter だけなら {default}）: ",
                                  lambda r: parse_year(r, default))
    for facet in taxonomy:
        if facet.key not in a.terms:
            print(_menu(facet))
            a.terms[facet.key] = asker.ask("番号: ", lambda r, f=facet: parse_terms(r, f))
    if a.slug is None:
        proposal = _propose_slug(a.fiscal_year, taken)
        print("\nファイル名（スラッグ）を決めます。ページの URL にもなります。"
              "英小文字・数字・ハイフンだけが使えます（例: kosodate-hiroba）。")
        a.slug = asker.ask(f"ファイル名（Enter だけなら {proposal}）: ",
                           lambda r: parse_slug(r, taken, proposal, asked=True))
    return a


# -- running ----------------------------------------------------------------------

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


def existing_slugs(cases_dir: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted(cases_dir.rglob("*.md"))} if cases_dir.is_dir() else {}


def self_check(text: str, slug: str, site: Site, taxonomy: Taxonomy, content_dir: Path) -> Problems:
    """Validate the file before writing it, exactly as ``check`` will."""
    problems = Problems()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{slug}.md"
        path.write_text(text, encoding="utf-8")
        doc = frontmatter.read(path, f"{slug}.md", problems)
        if doc is not None:
            CaseValidator(site, taxonomy, content_dir / "images").validate(doc, problems)
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


def run(args) -> int:
    if getattr(args, "organization", False):
        from kyodo.commands import new_organization
        return new_organization.run(args)
    content_dir = Path(args.content)
    try:
        if not content_dir.is_dir():
            raise Abort(f"コンテンツのフォルダ {content_dir} がありません。--content で指定してください")
        site, taxonomy = load_vocabulary(content_dir)
        cases_dir = content_dir / "cases"
        taken = existing_slugs(cases_dir)
        answers = _complete(_from_flags(args, taxonomy, taken), taxonomy, taken)
        text = render_case(answers, site, taxonomy)
        problems = self_check(text, answers.slug, site, taxonomy, content_dir)
        path = write_checked(cases_dir / f"{answers.slug}.md", text, problems)
    except Abort as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 1
    shown = display_path(path)
    print(f"\n{shown} を作りました。次にすること:")
    print(f"  1. {shown} を開き、本文の見出しの下に内容を書きます。")
    print("     「[//]: # (…)」の行は書き方の案内です。サイトには表示されないので、消しても残してもかまいません。")
    print("  2. 任意の項目（団体名・期間・事業費・指標・問い合わせ先など）は、行頭の「# 」を消して書き換えます。")
    print(f"  3. {RUN} check で確かめます（「問題はありません」と出れば大丈夫です）。")
    print(f"  4. {RUN} serve で、ブラウザで見た目を確かめられます。")
    return 0
