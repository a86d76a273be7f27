"""One table-driven reader for the flags and questions of ``new``.

A kind of file that ``new`` writes (a case, an organisation) is a ``Form``:
its fields, each declared once as a ``Field`` — the flag, the front-matter
field it fills, the Japanese label, metavar and help, how a flag value is read
and checked, and the question asked when the flag is absent. This module
registers the flags, turns them into answers (``--flag: message`` on a bad
value), refuses a flag of another form, and asks for what is missing — or,
with no standard input to answer from, names the flags still needed.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any, Callable

from kyodo.commands.ask import Abort, Asker, can_ask


def _lacks_whole(field: "Field", ctx, value) -> list[str]:
    return [f"{field.flag}（{field.label}）"] if value is None else []


@dataclass(frozen=True)
class Field:
    flag: str                 # "--title"
    key: str                  # the front-matter field it fills ("slug": the file name)
    label: str                # what messages call it: 題名
    metavar: str
    help: str
    # (field, flag value, context) -> (value, None) or (None, message); may raise Abort
    read: Callable[["Field", Any, Any], tuple[Any, str | None]]
    # (field, asker, context, answers so far) -> the value, asked until valid
    ask: Callable[["Field", Asker, Any, dict], Any]
    # (field, context, value) -> the flags still missing in a value ("--title（題名）")
    lacks: Callable[["Field", Any, Any], list[str]] = _lacks_whole
    repeat: bool = False      # the flag may be given more than once (a list of values)
    dest: str = ""            # the argparse name; default: the flag without dashes

    @property
    def name(self) -> str:
        return self.dest or self.flag.lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Form:
    fields: tuple[Field, ...]
    intro: str                # printed once before the first question
    foreign: str              # refusal of another form's flag, with "{flag}"
    switch: str = ""          # the flag that selects this form ("--organization")
    switch_help: str = ""


def add_arguments(p: argparse.ArgumentParser, *forms: Form) -> None:
    """Register every form's flags once, in order (a shared flag keeps the first help)."""
    seen: set[str] = set()
    for form in forms:
        if form.switch:
            p.add_argument(form.switch, action="store_true", help=form.switch_help)
        for f in form.fields:
            if f.flag in seen:
                continue
            seen.add(f.flag)
            more = {"action": "append"} if f.repeat else {}
            note = f"（{form.switch}）" if form.switch else ""
            p.add_argument(f.flag, dest=f.name, metavar=f.metavar, help=note + f.help, **more)


def given(args, f: Field) -> bool:
    value = getattr(args, f.name, None)
    return value is not None and value != []


def read(args, form: Form, ctx, others: tuple[Form, ...] = ()) -> dict[str, Any]:
    """The answers given as flags (None where absent); stop at the first bad one."""
    own = {f.flag for f in form.fields}
    for other in others:
        for f in other.fields:
            if f.flag not in own and given(args, f):
                raise Abort(form.foreign.format(flag=f.flag))
    answers: dict[str, Any] = {f.key: None for f in form.fields}
    for f in form.fields:
        if given(args, f):
            value, err = f.read(f, getattr(args, f.name), ctx)
            if err:
                raise Abort(f"{f.flag}: {err}")
            answers[f.key] = value
    return answers


def complete(form: Form, ctx, answers: dict[str, Any]) -> dict[str, Any]:
    """Ask, in order, for every field still missing; with no standard input to
    answer from, stop and name their flags instead (nothing is guessed)."""
    todo = [f for f in form.fields if f.lacks(f, ctx, answers[f.key])]
    if not todo:
        return answers
    if not can_ask():
        need = [name for f in todo for name in f.lacks(f, ctx, answers[f.key])]
        raise Abort(f"標準入力がないため、質問できません。次の項目をフラグで指定してください: {'、'.join(need)}。"
                    "ファイルは作っていません。")
    asker = Asker()
    print(form.intro)
    for f in todo:
        answers[f.key] = f.ask(f, asker, ctx, answers)
    return answers
