"""Asking in Japanese on the terminal: questions, numbered menus, and when not to ask."""

from __future__ import annotations

import io
import os
import sys

from kyodo.core.taxonomy import Facet


class Abort(Exception):
    """Stop without writing; the message is shown to the user."""


def can_ask() -> bool:
    """False when there is no standard input to answer from (closed, or the null
    device as CI runners and cron give): then nothing is asked and every missing
    answer must come as a flag. A pipe or a terminal can answer."""
    stdin = sys.stdin
    if stdin is None or stdin.closed:
        return False
    try:
        fd = stdin.fileno()
    except (OSError, ValueError, io.UnsupportedOperation):
        return True             # an in-memory stream (tests): it answers or says end of input
    try:
        return not os.path.samestat(os.fstat(fd), os.stat(os.devnull))
    except OSError:
        return True             # no null device to compare with (or fstat refused): try asking


class Asker:
    """``input()``-based questions that ask again until the answer is valid."""

    def __init__(self):
        self.echo = not sys.stdin.isatty()   # piped answers: show them, so the transcript reads well

    def ask(self, prompt: str, parse):
        """``parse(raw)`` returns (value, None) or (None, message)."""
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


def menu(facet: Facet) -> str:
    """The numbered list of a facet's terms, with how to choose."""
    how = "番号で選びます。複数あるときは「1 3」のように空白かカンマで区切ります" if facet.multiple else "番号で 1 つ選びます"
    lines = [f"\n{facet.label}（{how}）"]
    if facet.description:
        lines.append(f"  {facet.description}")
    width = len(str(len(facet.terms)))
    for i, term in enumerate(facet.terms, start=1):
        extra = f"　{term.title}" if term.title else ""
        lines.append(f"  {i:>{width}}. {term.label}{extra}")
    return "\n".join(lines)
