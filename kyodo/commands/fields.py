"""Field kinds that more than one form of ``new`` declares: text, optional text,
fiscal year, file name (slug) and taxonomy terms."""

from __future__ import annotations

from typing import Callable

from kyodo.commands.answers import (default_year, parse_optional, parse_slug, parse_terms, parse_text, parse_year,
                                    propose_slug)
from kyodo.commands.ask import Abort, menu
from kyodo.commands.flags import Field
from kyodo.core.taxonomy import Facet


def text(flag: str, key: str, label: str, prompt: str, help: str = "", metavar: str = "") -> Field:
    """Required free text (``parse_text``), asked with ``prompt``."""
    return Field(flag, key, label, metavar or label, help or label,
                 read=lambda f, raw, ctx: parse_text(raw, f.label),
                 ask=lambda f, asker, ctx, a: asker.ask(prompt, lambda r: parse_text(r, f.label)))


def summary(prompt: str) -> Field:
    return text("--summary", "summary", "要約", prompt, help="要約（一覧や検索結果に表示する 1〜2 文）")


def optional_text(flag: str, key: str, label: str, prompt: str, help: str = "", metavar: str = "") -> Field:
    """Free text that may be left empty."""
    return Field(flag, key, label, metavar or label, help or label,
                 read=lambda f, raw, ctx: parse_optional(raw),
                 ask=lambda f, asker, ctx, a: asker.ask(prompt, parse_optional))


def fiscal_year() -> Field:
    def ask(f, asker, ctx, a):
        default = default_year()
        return asker.ask(f"\n年度（西暦の数字。令和6年度なら 2024。Enter だけなら {default}）: ",
                         lambda r: parse_year(r, default))
    return Field("--fiscal-year", "fiscal_year", "年度", "年度", "年度（西暦。令和6 などの和暦も可）",
                 read=lambda f, raw, ctx: parse_year(raw), ask=ask)


def _read_slug(f: Field, raw: str, ctx):
    value, err = parse_slug(raw, ctx.taken)
    if err and raw.strip() in ctx.taken:
        raise Abort(f"{err}。既存のファイルは上書きしません。")
    return value, err


def slug(stem: Callable[[dict], str], page: str, example: str) -> Field:
    """The file name (``ctx.taken``: the names in use). Enter alone takes
    ``stem(answers)-N``; ``page`` is what the name becomes the address of."""
    def ask(f, asker, ctx, a):
        proposal = propose_slug(stem(a), ctx.taken)
        print(f"\nファイル名（スラッグ）を決めます。{page}の URL にもなります。"
              f"英小文字・数字・ハイフンだけが使えます（例: {example}）。")
        return asker.ask(f"ファイル名（Enter だけなら {proposal}）: ",
                         lambda r: parse_slug(r, ctx.taken, proposal, asked=True))
    return Field("--slug", "slug", "ファイル名", "ファイル名", "ファイル名（英小文字・数字・ハイフン。.md は不要）",
                 read=_read_slug, ask=ask)


def ask_terms(asker, facet: Facet, optional: bool = False):
    """Show the facet's menu and ask for numbers (``optional``: Enter alone is none)."""
    print(menu(facet) + ("\n  （Enter だけなら書かない）" if optional else ""))
    return asker.ask("番号: ", lambda r: ([], None) if optional and not r.strip() else parse_terms(r, facet))

