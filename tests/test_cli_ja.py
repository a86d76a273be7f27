"""The command line speaks Japanese: --help, argument errors, wrong folder, typos."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from kyodo import launcher
from kyodo.cli import COMMANDS
from tests.factory import ROOT

ENGLISH = re.compile(r"usage:|options:|positional arguments|show this help|error:|unrecognized|expected|"
                     r"invalid|required|argument|choose from|ambiguous|not allowed", re.I)


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=120)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_japanese(command):
    proc = run(command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("使い方: python3 build.py")
    assert "この使い方を表示して終わる" in proc.stdout and "オプション:" in proc.stdout
    assert not ENGLISH.search(proc.stdout), proc.stdout
    # No English metavars (DIR, YEAR, SLUG …) either.
    assert not re.search(r"--[a-z-]+ [A-Z]{2,}", proc.stdout), proc.stdout


def test_help_columns_line_up():
    """Japanese metavars take two columns a character; the help column still lines up."""
    from kyodo.argparse_ja import width
    out = run("new", "--help").stdout
    block = out.split("オプション:\n")[1].split("\n\n")[0].splitlines()
    starts = {width(line[:line.index("  ", 4)]) + len(line[line.index("  ", 4):]) - len(line[line.index("  ", 4):].lstrip())
              for line in block if re.match(r"  -", line) and "  " in line[4:].rstrip()}
    assert len(starts) == 1, block


@pytest.mark.parametrize("args, says", [
    (["--bogus"], "知らない引数があります: --bogus"),
    (["serve", "--port", "abc"], "--port: 「abc」はポート番号として読めません"),
    (["pdf", "--year"], "--year: 値を 1 つ書いてください"),
    (["check", "--content"], "--content: 値を 1 つ書いてください"),
])
def test_argument_errors_are_japanese(args, says):
    proc = run(*args)
    assert proc.returncode == 2 and says in proc.stderr, proc.stderr
    assert proc.stderr.startswith("使い方: python3 build.py") and "--help で使い方を表示します" in proc.stderr
    assert not ENGLISH.search(proc.stderr), proc.stderr


def test_misspelt_command_is_named_with_the_right_one():
    proc = run("chek")
    assert proc.returncode == 2
    assert "「chek」というコマンドはありません。「check」のことですか（python3 build.py check）" in proc.stderr


@pytest.mark.parametrize("command", ["check", "build", "serve", "new", "pdf"])
def test_wrong_folder_names_the_folder_and_where_to_run(command):
    """`cd content/cases` then `python3 ../../build.py check`: no fake line number."""
    cwd = ROOT / "content" / "cases"
    proc = run(*([] if command == "build" else [command]), cwd=cwd)
    assert proc.returncode == 1
    line = proc.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert f"探した場所: {cwd / 'content'}" in line
    assert f"build.py のあるフォルダ {ROOT} で実行してください" in line
    again = "python3 build.py" + ("" if command == "build" else f" {command}")
    assert line.endswith(f"cd {ROOT} としてから {again}")
    assert not re.search(r"content:\d+:", line)


def test_wrong_content_option_says_to_check_it(tmp_path):
    proc = run("check", "--content", "mine", cwd=tmp_path)
    assert proc.returncode == 1
    assert f"「mine」が見つかりません（探した場所: {tmp_path / 'mine'}）" in proc.stderr
    assert "--content で指定したフォルダの名前と場所を確かめてください" in proc.stderr


def test_build_py_hands_over_to_the_projects_venv(tmp_path, monkeypatch):
    exe = tmp_path / ".venv" / "bin" / "python"
    exe.parent.mkdir(parents=True)
    exe.write_text("")
    monkeypatch.setattr(sys, "prefix", sys.base_prefix)
    monkeypatch.delenv(launcher.OPT_OUT, raising=False)
    monkeypatch.setattr(launcher, "WINDOWS", False)
    assert launcher.venv_python(tmp_path) == exe
    monkeypatch.setenv(launcher.OPT_OUT, "1")
    assert launcher.venv_python(tmp_path) is None
    monkeypatch.delenv(launcher.OPT_OUT)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "other-venv"))   # already in a virtual environment
    assert launcher.venv_python(tmp_path) is None


def test_missing_libraries_say_which_command_installs_them(monkeypatch):
    monkeypatch.setattr(launcher, "NEEDED", ("yaml", "no_such_module_for_kyodo"))
    message = launcher.missing_message()
    assert "no_such_module_for_kyodo" in message and launcher.SETUP in message and str(launcher.ROOT) in message


def test_a_command_leaves_at_once_with_all_it_printed(tmp_path):
    """build.py and ``python3 -m kyodo`` leave through kyodo.cli.run (os._exit, no
    object-by-object teardown): everything printed still arrives, and the exit code
    is the command's. 300 problems are far more than one pipe buffer of output."""
    from tests.factory import case_text, make_content

    content = make_content(tmp_path / "c", {f"a{i:03}.md": case_text(status=f'"bad {i}"') for i in range(300)})
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}   # buffered, as usual in a pipe
    for head in ([str(ROOT / "build.py")], ["-m", "kyodo"]):
        proc = subprocess.run([sys.executable, *head, "check", "--content", str(content)], cwd=ROOT, env=env,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
        problems = [line for line in proc.stdout.splitlines() if ": status:" in line]
        assert proc.returncode == 1 and len(problems) == 300, proc.stderr
        assert proc.stdout.rstrip().endswith("を見て直してください。")
    ok = subprocess.run([sys.executable, "-m", "kyodo", "check", "--content", str(ROOT / "content")],
                        cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert ok.returncode == 0 and ok.stdout.startswith("問題はありません"), ok.stderr


def test_run_flushes_the_streams_and_exits_with_the_code(monkeypatch):
    from kyodo import cli

    class Stream:
        def __init__(self):
            self.flushed = 0

        def flush(self):
            self.flushed += 1

    class Gone(Stream):
        def flush(self):
            raise BrokenPipeError   # a reader that has gone: still leaves with the code

    out, err, left = Stream(), Gone(), []
    monkeypatch.setattr(cli, "main", lambda argv=None: 3)
    monkeypatch.setattr(cli.os, "_exit", left.append)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    cli.run([])
    assert left == [3] and out.flushed == 1
