"""The README's quick start: two commands that work on a stock Debian 12 Python.

Debian's ``/usr/bin/python3`` refuses ``pip install`` (PEP 668), so the commands
make the virtual environment ``.venv``. In CI, ``.ci/run`` runs the README's test
command, which makes ``.venv`` from ``/usr/bin/python3`` and runs this suite in it:
then this module checks that environment and runs ``bash scripts/serve.sh`` for
real. Run any other way in CI (or with ``KYODO_QUICKSTART=1``), it makes a clean virtual
environment from ``/usr/bin/python3`` in a temporary folder with the same script
(pip's cache keeps that to about a minute); elsewhere that part is skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import IN_CI, require
from tests.factory import ROOT

SYSTEM_PYTHON = Path("/usr/bin/python3")
README = ROOT / "README.md"


def fenced(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced block in a markdown text."""
    return [(m["lang"], m["body"]) for m in re.finditer(
        r"^(?P<indent> *)```(?P<lang>[\w-]*)\n(?P<body>.*?)^(?P=indent)```", text, re.S | re.M)]


def commands(body: str) -> list[str]:
    return [line.split(" #")[0].strip() for line in body.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def quickstart_blocks() -> dict[str, list[str]]:
    text = README.read_text(encoding="utf-8")
    first = text.split("\n## ")[1]   # the section right after the title
    assert first.startswith("はじめに"), "README must open with the quick start"
    return {lang: commands(body) for lang, body in fenced(first)[:2]}


def test_readme_opens_with_two_commands_for_linux_and_windows():
    blocks = quickstart_blocks()
    assert blocks["sh"] == ["bash scripts/serve.sh", "bash scripts/test.sh"]
    assert blocks["powershell"] == [r"powershell -ExecutionPolicy Bypass -File scripts\serve.ps1",
                                    r"powershell -ExecutionPolicy Bypass -File scripts\test.ps1"]
    for name in ("serve", "test", "setup"):
        assert (ROOT / "scripts" / f"{name}.sh").is_file() or name == "setup" and (ROOT / "scripts/setup.sh").is_file()
        ps1 = (ROOT / "scripts" / f"{name}.ps1").read_bytes()
        # Windows PowerShell 5.1 reads a BOM-less script in the ANSI code page (garbled Japanese).
        assert ps1.startswith(b"\xef\xbb\xbf"), f"{name}.ps1 must be UTF-8 with BOM"
        assert ps1.count(b"\n") == ps1.count(b"\r\n") > 0, f"{name}.ps1 must end every line with CRLF (Windows)"
        assert b"Scripts\\python.exe" in ps1 or name != "setup"
    assert "bash scripts/test.sh" in (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "python3-venv" in README.read_text(encoding="utf-8")


def _texts():
    paths = [README, ROOT / "CONTRIBUTING.md", ROOT / ".github/pull_request_template.md",
             ROOT / ".pre-commit-config.yaml", *sorted((ROOT / "docs").rglob("*.md")),
             *sorted((ROOT / ".github").rglob("*.yml")), *sorted((ROOT / "kyodo").rglob("*.py")),
             *sorted((ROOT / "templates").rglob("*.*")), *sorted((ROOT / "bench").rglob("*.py"))]
    for path in paths:
        yield path, path.read_text(encoding="utf-8")


def test_one_spelling_of_the_commands():
    """``python3 build.py`` everywhere (Windows: ``py``); never a bare ``python`` (Debian has
    none) and never a system-wide ``pip install`` (PEP 668 refuses it)."""
    bare = re.compile(r"(?<![\w./\\-])python (?=build\.py|-m |bench/|\.github/)")
    system_pip = re.compile(r"(?:(?<![\w./\\-])python3? -m pip|(?<![\w./\\-])(?<!-m )pip3?) install +[-.\w'\[]")
    for path, text in _texts():
        for i, line in enumerate(text.splitlines(), 1):
            assert not bare.search(line), f"{path.relative_to(ROOT)}:{i}: use python3 build.py: {line}"
            assert not system_pip.search(line), f"{path.relative_to(ROOT)}:{i}: system-wide pip: {line}"
    helped = subprocess.run([sys.executable, str(ROOT / "build.py"), "--help"], capture_output=True, text=True,
                            cwd=ROOT, stdin=subprocess.DEVNULL)
    assert "python3 build.py check" in helped.stdout


# -- the real thing: a clean virtual environment from Debian's Python -----------------

def _cfg(venv: Path) -> dict[str, str]:
    lines = (venv / "pyvenv.cfg").read_text(encoding="utf-8").splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition("=") for line in lines)}


def _from_system_python(venv: Path) -> bool:
    if not (venv / "pyvenv.cfg").is_file() or not (venv / ".kyodo-installed").is_file():
        return False
    cfg = _cfg(venv)
    return cfg.get("home") == str(SYSTEM_PYTHON.parent) and cfg.get("include-system-site-packages") == "false"


def _system_python_usable() -> bool:
    return SYSTEM_PYTHON.exists() and subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))"],
        capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory):
    """(venv, env): the environment the README's commands made from /usr/bin/python3."""
    if not _system_python_usable():
        if IN_CI:
            pytest.fail("CI needs /usr/bin/python3 (3.11+) with python3-venv for the quick-start test")
        pytest.skip("no Debian /usr/bin/python3 with venv here")
    here = ROOT / ".venv"
    if Path(sys.prefix).resolve() == here.resolve() and _from_system_python(here):
        # .ci/run: `bash scripts/test.sh` made it, and this suite runs in it.
        return here, dict(os.environ, PYTHON=str(SYSTEM_PYTHON))
    if not IN_CI and not os.environ.get("KYODO_QUICKSTART"):
        pytest.skip("the clean-install run takes a minute: it runs in CI (or set KYODO_QUICKSTART=1)")
    venv = tmp_path_factory.mktemp("quickstart") / "venv"
    env = dict(os.environ, PYTHON=str(SYSTEM_PYTHON), KYODO_VENV=str(venv))
    env.pop("VIRTUAL_ENV", None)
    made = subprocess.run(["bash", "scripts/setup.sh", "--test"], cwd=ROOT, env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=600)
    assert made.returncode == 0, made.stdout + made.stderr
    assert _from_system_python(venv), (venv / "pyvenv.cfg").read_text(encoding="utf-8")
    return venv, env


def test_quickstart_step1_installs_and_serves_the_sample(quickstart, tmp_path):
    venv, env = quickstart
    proc = subprocess.Popen(["bash", "scripts/serve.sh", "--port", "0", "--no-search", "--out", str(tmp_path / "site")],
                            cwd=ROOT, env=dict(env, PYTHONUNBUFFERED="1"), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                            start_new_session=True)
    out = []
    try:
        end = time.monotonic() + 120
        url = None
        while url is None and time.monotonic() < end:
            line = proc.stdout.readline()
            if not line:
                break
            out.append(line)
            m = re.search(r"http://127\.0\.0\.1:\d+/", line)
            url = m.group(0) if m else None
        assert url, "".join(out)
        with urllib.request.urlopen(url, timeout=30) as r:
            page = r.read().decode("utf-8")
        assert r.status == 200 and "<html" in page
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            rest, _ = proc.communicate()
        out.append(rest or "")
    text = "".join(out)
    assert "準備" in text and "Traceback" not in text, text   # setup.sh ran (and found or made .venv)
    assert "終了しました" in text, text


def test_quickstart_step2_environment_runs_the_suite(quickstart):
    venv, env = quickstart
    python = venv / "bin" / "python"
    # Run again, it finds .venv ready and compiles kyodo's modules (a build then starts
    # without compiling them, even where Python is told not to write its caches).
    shutil.rmtree(ROOT / "kyodo" / "__pycache__", ignore_errors=True)
    again = subprocess.run(["bash", "scripts/setup.sh", "--test"], cwd=ROOT, env=dict(env, PYTHONDONTWRITEBYTECODE="1"),
                           capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)
    assert again.returncode == 0 and "準備できています" in again.stdout, again.stdout + again.stderr
    compiled = subprocess.run([str(python), "-c", "import importlib.util as u, os; "
                               "print(os.path.isfile(u.cache_from_source('kyodo/cli.py')))"],
                              cwd=ROOT, capture_output=True, text=True)
    assert compiled.stdout.strip() == "True", compiled.stdout + compiled.stderr
    where = subprocess.run([str(python), "-c", "import kyodo, pytest, playwright, jsonschema; print(kyodo.__file__)"],
                           capture_output=True, text=True, cwd="/")
    assert where.returncode == 0 and Path(where.stdout.strip()).parent.parent == ROOT, where.stderr
    collected = subprocess.run([str(python), "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                                "tests/test_text.py"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert collected.returncode == 0 and "test_text.py::" in collected.stdout, collected.stdout + collected.stderr
    # Without a virtual environment, build.py hands over to .venv (no activate needed).
    if venv == ROOT / ".venv":
        ran = subprocess.run([str(SYSTEM_PYTHON), "build.py", "check"], cwd=ROOT, capture_output=True, text=True)
        assert ran.returncode == 0 and "問題はありません" in ran.stdout, ran.stderr


def test_missing_python3_venv_names_the_debian_package(tmp_path):
    """A Debian Python without python3-venv (no ensurepip): say which package and how."""
    fake = tmp_path / "python3"
    fake.write_text(f'#!/bin/sh\ncase "$*" in *ensurepip*) exit 1;; esac\nexec "{sys.executable}" "$@"\n')
    fake.chmod(0o755)
    env = dict(os.environ, PYTHON=str(fake), KYODO_VENV=str(tmp_path / "venv"))
    proc = subprocess.run(["bash", "scripts/setup.sh"], cwd=ROOT, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 1
    assert "python3-venv" in proc.stderr and "sudo apt-get install python3-venv" in proc.stderr
    assert not (tmp_path / "venv").exists()
