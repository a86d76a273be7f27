"""Command line: ``python3 build.py [command] [options]`` (Windows: ``py build.py``)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from typing import NoReturn

from kyodo.argparse_ja import JapaneseParser, typed
from kyodo.launcher import RUN
from kyodo.text.suggest import closest

DESCRIPTION = """\
協働事例集（kyodo）: content/ の事例と協働指針から、検索できるウェブサイトを作ります。

コマンド:
  （なし）/ build   サイトを作る（content/ → site/）
  check            事例ファイルを検査するだけ（問題を 1 行ずつ表示）
  serve            サイトを作り、http://127.0.0.1:8000 で表示する（保存すると作り直して再読み込み）
  new              新しい事例ファイルを、質問に答えて作る
  pdf              印刷用の冊子（A4 の PDF）を作る（site/booklet.pdf）

コマンドは build.py のあるフォルダ（content フォルダのあるところ）で実行します。
"""

EPILOG = """\
例:
  {run}                         content/ から site/ を作る
  {run} --content mine --out public
  {run} --no-search             検索インデックスを省いて速く作る
  {run} check                   事例ファイルを検査する
  {run} serve --port 8080       作って http://127.0.0.1:8080 で表示する
  {run} new                     質問に答えて content/cases/ に事例ファイルを作る
  {run} pdf                     冊子 site/booklet.pdf を作る
  {run} pdf --year 2024         令和6年度の事例だけの冊子 site/booklet-2024.pdf を作る
  {run} pdf --filter domain=c   分類で絞った冊子を作る（分類=値のスラッグか名前）
  {run} --pdf                   サイトと冊子 booklet.pdf をまとめて作る
""".format(run=RUN)

COMMANDS = ("build", "check", "serve", "new", "pdf")


class Parser(JapaneseParser):
    def error(self, message: str):  # Japanese, and no traceback
        self.print_usage(sys.stderr)
        print(f"エラー: 引数が正しくありません（{message}）。{self.prog} --help で使い方を表示します", file=sys.stderr)
        raise SystemExit(2)


def _parser(command: str) -> Parser:
    p = Parser(prog=f"{RUN} {command}" if command != "build" else RUN,
               description=DESCRIPTION, epilog=EPILOG)
    p.add_argument("--content", type=Path, default=Path("content"), metavar="フォルダ",
                   help="コンテンツのフォルダ（既定: content）")
    if command in ("build", "serve"):
        p.add_argument("--out", type=Path, default=Path("site"), metavar="フォルダ",
                       help="出力先のフォルダ（既定: site）")
        p.add_argument("--no-search", action="store_true", help="検索インデックスを作らない（確認用・計測用）")
    if command == "build":
        p.add_argument("--pdf", action="store_true", help="印刷用の冊子 booklet.pdf も作る（WeasyPrint を使います）")
    if command == "pdf":
        p.add_argument("--out", type=Path, default=Path("site"), metavar="フォルダ",
                       help="冊子の PDF を書き出すフォルダ（既定: site）")
        p.add_argument("--year", action="append", default=[], metavar="年度",
                       help="この年度の事例だけの冊子にする（2024・令和6 など。くり返し指定できます）")
        p.add_argument("--filter", action="append", default=[], metavar="分類=値",
                       help="分類で絞った冊子にする（例: domain=c。くり返し指定できます）")
    if command == "serve":
        p.add_argument("--host", default="127.0.0.1", metavar="アドレス", help="待ち受けるアドレス（既定: 127.0.0.1）")
        p.add_argument("--port", type=typed(int, "ポート番号"), default=8000, metavar="番号", help="ポート番号（既定: 8000）")
    if command == "new":
        from kyodo.commands import new
        new.add_arguments(p)
    return p


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _prepare_console() -> None:
    """Messages never fail to print: a console that cannot show a character
    (cp932 and an emoji) gets an escape instead; SIGTERM stops like Ctrl+C."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)


def parse(argv: list[str]) -> tuple[str, argparse.Namespace]:
    """(command, options) from the words after ``build.py``; exits 2 on a mistake."""
    argv = list(argv)
    command = argv.pop(0) if argv and argv[0] in COMMANDS else "build"
    if command == "build" and argv and not argv[0].startswith("-"):
        raise SystemExit(_unknown_command(argv[0]))
    return command, _parser(command).parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    _prepare_console()
    command, args = parse(sys.argv[1:] if argv is None else argv)
    if not args.content.is_dir():
        from kyodo.commands.where import missing_content
        print(missing_content(args.content, command), file=sys.stderr)
        return 1
    try:
        if command == "check":
            from kyodo.commands import check
            return check.run(args.content)
        if command == "new":
            from kyodo.commands import new
            return new.run(args)
        if command == "serve":
            from kyodo.commands import serve
            return serve.run(args.content, args.out, args.host, args.port, not args.no_search)
        if command == "pdf":
            from kyodo.commands import pdf
            return pdf.run(args.content, args.out, args.year, args.filter)
        from kyodo.commands import build
        return build.run(args.content, args.out, not args.no_search, with_pdf=args.pdf)
    except KeyboardInterrupt:
        print("\n中断しました", file=sys.stderr)
        return 130
    except BrokenPipeError:   # `check | head -1`: the reader has gone; say so where it can be seen
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        print("出力の読み手（パイプの先）が先に終了したため、途中で止めました", file=sys.stderr)
        return 1


def run(argv: list[str] | None = None) -> NoReturn:
    """``main`` for a process of its own (build.py, ``python3 -m kyodo``, the ``kyodo``
    command): its exit code, without tearing down what the command made object
    by object (half a second after a build of 10,000 cases). Every file is
    closed by then and nothing is left running (a build waits for its children);
    only the standard streams still need flushing."""
    code = main(argv)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a reader that has gone, a stream closed
            pass
    os._exit(code if isinstance(code, int) else 1)


def _unknown_command(word: str) -> int:
    near = closest(word, COMMANDS, cutoff=0.5)
    hint = f"「{near}」のことですか（{RUN} {near}）。" if near else ""
    print(f"エラー: 「{word}」というコマンドはありません。{hint}"
          f"使えるコマンド: {'、'.join(COMMANDS)}。{RUN} --help で使い方を表示します", file=sys.stderr)
    return 2
