"""The one reader of ``new``'s flags and questions (kyodo/commands/flags.py), on a form of its own.

The forms of ``new`` (cases, organisations) are tested end to end in test_new.py
and test_organizations.py; here the shared reader is tested with a made-up
vocabulary, so nothing depends on the sample taxonomy.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kyodo.cli import main
from kyodo.commands import fields, flags
from kyodo.commands.answers import flag_terms
from kyodo.commands.ask import Abort, can_ask
from kyodo.core.taxonomy import Facet, Term
from tests.factory import ROOT, make_content

COLOURS = Facet("colour", "色", True, [Term("colour", "aka", "赤", aliases=("レッド",), order=1),
                                      Term("colour", "ao", "青", aliases=("ブルー",), order=2),
                                      Term("colour", "midori", "緑", order=3)])


@dataclass
class Ctx:
    facet: Facet = field(default_factory=lambda: COLOURS)
    taken: dict[str, Path] = field(default_factory=dict)


def _ask_colour(f, asker, ctx, answers):
    return fields.ask_terms(asker, ctx.facet)


FORM = flags.Form(
    fields=(
        fields.text("--label", "label", "見出し", "見出し: "),
        fields.fiscal_year(),
        flags.Field("--colour", "colour", "色", "色[,色…]", "色の名前",
                    read=lambda f, raw, ctx: flag_terms(raw, ctx.facet), ask=_ask_colour),
        fields.slug(lambda answers: "item", "ページ", "my-item"),
    ),
    intro="品物のファイルを作ります。",
    foreign="{flag} は別のファイルの項目です",
)
OTHER = flags.Form(
    fields=(fields.text("--name", "name", "名称", "名称: "), fields.slug(lambda answers: "other", "ページ", "x")),
    intro="", foreign="{flag} は品物の項目です", switch="--other", switch_help="別のファイルを作る",
)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser()
    flags.add_arguments(p, FORM, OTHER)
    return p


def read(*argv: str, ctx: Ctx | None = None) -> dict:
    return flags.read(parser().parse_args(argv), FORM, ctx or Ctx(), others=(OTHER,))


def refusal(*argv: str, ctx: Ctx | None = None) -> str:
    with pytest.raises(Abort) as exc:
        read(*argv, ctx=ctx)
    return str(exc.value)


def test_flags_become_answers_and_absent_ones_stay_none():
    got = read("--label", " 春の  会 ", "--fiscal-year", "令和6", "--colour", "レッド、青,赤", "--slug", "haru.md")
    assert got == {"label": "春の 会", "fiscal_year": 2024, "colour": [COLOURS.terms[0], COLOURS.terms[1]],
                   "slug": "haru"}
    assert read("--label", "x") == {"label": "x", "fiscal_year": None, "colour": None, "slug": None}


def test_each_flag_is_registered_once_with_its_form_named():
    text = parser().format_help()
    assert text.count("--slug") == 2                      # usage line and one option line
    assert "（--other）名称" in text and "別のファイルを作る" in text
    assert "（--other）ファイル名" not in text               # a shared flag keeps the first form's help


@pytest.mark.parametrize("argv, message", [
    (("--fiscal-year", "来年"), "--fiscal-year: 「来年」は年度として読めません。西暦の数字で入力してください"),
    (("--fiscal-year", "1800"), "--fiscal-year: 年度 1800 は範囲外です"),
    (("--label", "  "), "--label: 見出しを入力してください（空にはできません）"),
    (("--slug", "Bad Name"), "--slug: ファイル名「Bad Name」は使えません"),
    (("--colour", " , "), "--colour: 色の値を書いてください（使える値: 赤、青、緑）"),
])
def test_a_bad_value_names_its_flag(argv, message):
    assert refusal(*argv).startswith(message)


def test_an_unknown_term_names_the_flag_the_closest_term_and_the_allowed_values():
    assert refusal("--colour", "赤,レッッド") == \
        "--colour: 「レッッド」は色の値にありません。「赤」のことですか。（使える値: 赤、青、緑）"
    assert refusal("--colour", "紫") == "--colour: 「紫」は色の値にありません。（使える値: 赤、青、緑）"


def test_a_taken_file_name_is_never_overwritten(tmp_path):
    ctx = Ctx(taken={"haru": tmp_path / "haru.md"})
    assert refusal("--slug", "haru", ctx=ctx).endswith("別のファイル名にしてください。既存のファイルは上書きしません。")


def test_a_flag_of_another_form_is_refused_but_a_shared_one_is_not():
    assert refusal("--label", "x", "--name", "n") == "--name は別のファイルの項目です"
    assert read("--slug", "ok")["slug"] == "ok"


def test_only_missing_fields_are_asked_in_order(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("9\n2\n\n"))
    answers = flags.complete(FORM, Ctx(), read("--label", "x", "--fiscal-year", "2024"))
    assert answers["colour"] == [COLOURS.terms[1]] and answers["slug"] == "item-1"
    out = capsys.readouterr().out
    assert out.count("品物のファイルを作ります。") == 1 and "見出し: " not in out
    assert "「9」という番号はありません。1 から 3 までの番号で選んでください" in out
    assert out.index("色（番号で選びます") < out.index("ファイル名（Enter だけなら item-1）")


@pytest.mark.parametrize("stdin", ["devnull", "closed", "none"])
def test_missing_required_fields_without_stdin_name_their_flags(monkeypatch, capsys, stdin):
    handle = open(os.devnull, encoding="utf-8")
    if stdin == "closed":
        handle.close()
    monkeypatch.setattr(sys, "stdin", None if stdin == "none" else handle)
    try:
        assert not can_ask()
        with pytest.raises(Abort) as exc:
            flags.complete(FORM, Ctx(), read("--label", "x"))
    finally:
        handle.close()
    assert str(exc.value) == ("標準入力がないため、質問できません。次の項目をフラグで指定してください: "
                              "--fiscal-year（年度）、--colour（色）、--slug（ファイル名）。ファイルは作っていません。")
    assert capsys.readouterr().out == ""                 # nothing was asked


def test_a_pipe_or_a_stream_can_answer(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert can_ask()
    r, w = os.pipe()
    with os.fdopen(r, encoding="utf-8") as pipe, os.fdopen(w, "w"):
        monkeypatch.setattr(sys, "stdin", pipe)
        assert can_ask()


def test_ci_with_no_stdin_stops_with_the_missing_flags_and_writes_nothing(tmp_path, monkeypatch, capsys):
    content = make_content(tmp_path / "content")
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(sys, "stdin", None)
    assert main(["new", "--content", str(content), "--title", "t", "--set", "domain=C"]) == 1
    out, err = capsys.readouterr()
    assert "エラー: 標準入力がないため、質問できません。" in err and "--summary（要約）" in err
    assert "--set partner=…（協働の主体）" in err and "--set domain" not in err and "--title" not in err
    assert "Traceback" not in out + err and list((content / "cases").iterdir()) == []
    # The same from a real process whose standard input is the null device, as CI runners give.
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "new", "--organization", "--content", str(content),
                           "--name", "n"], stdin=subprocess.DEVNULL, capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "CI": "true"}, timeout=120)
    assert proc.returncode == 1 and proc.stdout == "", proc.stdout
    assert "--summary（要約）" in proc.stderr and "ファイルは作っていません" in proc.stderr and "Traceback" not in proc.stderr
    assert not (content / "organizations").exists()
