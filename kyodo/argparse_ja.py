"""argparse in Japanese: usage, the -h help line and every error message.

argparse looks its texts up through the module-level ``_``/``ngettext``
(gettext). :func:`japanese` swaps them for this table only while one of our
parsers formats or parses, so other parsers in the process (pytest's) keep
theirs. A text missing here (a newer Python's) stays English rather than breaking.
"""

from __future__ import annotations

import argparse
import contextlib
import threading
import unicodedata

TEXTS = {
    "usage: ": "使い方: ",
    "positional arguments": "引数",
    "options": "オプション",
    "optional arguments": "オプション",
    "show this help message and exit": "この使い方を表示して終わる",
    "show program's version number and exit": "バージョンを表示して終わる",
    "unrecognized arguments: %s": "知らない引数があります: %s",
    "the following arguments are required: %s": "次の引数が必要です: %s",
    "one of the arguments %s is required": "次の引数のどれかが必要です: %s",
    "expected one argument": "値を 1 つ書いてください",
    "expected at most one argument": "値は 1 つまでです",
    "expected at least one argument": "値を 1 つ以上書いてください",
    "invalid %(type)s value: %(value)r": "「%(value)s」は%(type)sとして読めません",
    "invalid choice: %(value)r (choose from %(choices)s)": "「%(value)s」は使えません（使えるもの: %(choices)s）",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "%(option)s だけではどれか決まりません（候補: %(matches)s）",
    "not allowed with argument %s": "%s と一緒には使えません",
    "ignored explicit argument %r": "%r は値を取りません",
    "unexpected option string: %s": "思いがけないオプションです: %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: エラー: %(message)s\n",
    "can't open '%(filename)s': %(error)s": "「%(filename)s」を開けません: %(error)s",
}
PLURALS = {
    "expected %s argument": "値を %s 個書いてください",
    "conflicting option string: %s": "オプションが重なっています: %s",
}

_lock = threading.RLock()


def _gettext(text: str) -> str:
    return TEXTS.get(text, text)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return PLURALS.get(singular, singular if n == 1 else plural)


@contextlib.contextmanager
def japanese():
    with _lock:
        saved = argparse._, argparse.ngettext
        argparse._, argparse.ngettext = _gettext, _ngettext
        try:
            yield
        finally:
            argparse._, argparse.ngettext = saved


def typed(func, name: str):
    """``func`` as an argparse type whose name (in error messages) is Japanese."""
    def convert(text):
        return func(text)
    convert.__name__ = name
    return convert


def width(text: str) -> int:
    """Columns on a terminal: full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Aligns the help column by display width (Japanese metavars take two columns a character)."""

    def add_argument(self, action):
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(action)]
            invocations += [self._format_action_invocation(a) for a in self._iter_indented_subactions(action)]
            self._action_max_length = max(self._action_max_length,
                                          max(map(width, invocations)) + self._current_indent)
            self._add_item(self._format_action, [action])

    def _format_action(self, action):
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent = " " * self._current_indent
        if not action.help:
            parts = [f"{indent}{header}\n"]
        else:
            if width(header) <= action_width:
                parts = [indent + header + " " * (action_width - width(header) + 2)]
                indent_first = 0
            else:
                parts = [f"{indent}{header}\n"]
                indent_first = help_position
            lines = self._split_lines(self._expand_help(action), help_width) if action.help.strip() else []
            if lines:
                parts.append(" " * indent_first + lines[0] + "\n")
                parts += [" " * help_position + line + "\n" for line in lines[1:]]
            elif not parts[0].endswith("\n"):
                parts.append("\n")
        for sub in self._iter_indented_subactions(action):
            parts.append(self._format_action(sub))
        return self._join_parts(parts)


class JapaneseParser(argparse.ArgumentParser):
    """An ArgumentParser whose every text is Japanese."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        with japanese():
            super().__init__(*args, **kwargs)

    def parse_args(self, args=None, namespace=None):
        with japanese():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        with japanese():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with japanese():
            return super().format_usage()

    def format_help(self) -> str:
        with japanese():
            return super().format_help()
