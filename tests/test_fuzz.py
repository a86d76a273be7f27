"""Property-based fuzzing of a case file (hypothesis).

A valid case file with every field is mutated (bytes, lines, Unicode
including control and bidi characters, every YAML type for every field,
deep nesting). Whatever the file says:

* ``check`` and ``build`` exit 0 or 1 and never raise (no traceback);
* every problem line starts with the file's path and a line number;
* a failed build leaves the output folder byte-identical;
* a passing check builds, and every JSON file parses strictly.

CI runs a bounded, reproducible number of examples in this process;
``python3 bench/fuzz.py`` runs many more with fresh random seeds.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyodo.cli import main
from kyodo.paths import display_path
from tests.factory import PNG, make_content

EXAMPLES = int(os.environ.get("KYODO_FUZZ_EXAMPLES", "40"))
RANDOM = bool(os.environ.get("KYODO_FUZZ_RANDOM"))
# A passing example is built too; a whole build takes seconds on a busy
# machine, so CI builds only the first few of them (the benchmark builds all).
SUCCESSFUL_BUILDS = int(os.environ.get("KYODO_FUZZ_BUILDS", "3"))
_built = []

VALID = """\
---
title: 空き家を改修した地域の茶の間
summary: 空き家をNPO法人と町会がサロンに改修しました。
fiscal_year: 2023
partner: [NPO法人, 町会・自治会]
form: [補助・助成]
domain: [D]
outcomes: [地域のネットワークづくり]
department: 都市整備部
organizations: [NPO法人 あおばまちづくりラボ, 南桜町会]
period: 2019年6月〜2020年3月
budget: 2500000
status: 実施中
principles: [自主性の尊重, 目的の共有]
process:
  企画段階への参画: NPOと町会が持ち主と話し合いました。
  実施: 10月から週4日の開所を始めました。
indicators:
  - name: 延べ利用者数
    value: 2310
    unit: 人
    target: 1500
contact:
  section: 住宅課 空き家対策係
  phone: 03-5000-4330
links:
  - title: 空き家地域活用助成制度
    url: https://www.city.example.jp/akiya/
image: {src: photo.png, alt: 改修した茶の間, caption: 開所の日}
updated: 2020-05-28
draft: false
---

## 背景

区内の空き家が増え、[[form:補助・助成]] を使って改修しました。

![茶の間の様子](photo.png)

## 成果[^1]

[^1]: 2020 年度の集計です。
"""
FIELDS = [line.split(":")[0] for line in VALID.split("---")[1].split("\n") if re.match(r"[a-z_]+:", line)]

SPECIAL = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\r", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029",
           "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
           "\u2069", "\ufeff", "\ufffe", "\uffff", "\t", "\n", " ", "\u3000", "😀", "\u0301", "＝", "：", "－",
           "\\", '"', "'", ":", "#", "&", "*", "!", "|", ">", "%", "@", "`", "[", "]", "{", "}", "-", "?", ",",
           "---", "...", "\n---\n", "\\u2028", "\\x0b", "\\ud800", "\\0", "\\N", "\\L", "\\P"]

YAML_VALUES = st.one_of(
    st.sampled_from([
        "0", "-1", "2024", "99999999999999999999999", "9" * 5000, "1.5", "-.5", ".nan", ".NaN", ".inf", "-.inf",
        "1e400", "true", "false", "yes", "no", "on", "null", "~", "", "2024-02-30", "2024-13-01", "0000-01-01",
        "2024-01-01T25:00:00", "2024-01-01 10:00:00+09:00", "!!timestamp x", "!!bool maybe", "!!int ''",
        "!!float abc", "!!null x", "!!str [1]", "!!map x", "!!seq x", "!!binary aGk=", "!!python/object:os.system x",
        "!foo bar", "&a x", "*a", "[1, *b]", "{<<: {a: 1}}", "[]", "{}", "[[]]", "{a: {b: {c: []}}}", "|\n  block\n  text",
        ">-\n  folded", '"\\x0b\\0"', '"\\u202e"', '"\\ud800"', '"\\U0001F600"', "'it''s'", '"a\\nb"',
        '"\\n::error file=README.md,line=1::x\\n/etc/passwd:1: f: y"', "- a\n- b", "\n  - x\n  - [y]",
        "? complex\n: key", "@x", "`x`", "=1+1", "%TAG", "x: y", "[a, b", "{a: 1", '"open', "'open",
    ]),
    st.text(max_size=30),
    st.integers().map(str),
    st.floats().map(repr),
    st.lists(st.text(max_size=8), max_size=4).map(json.dumps),
    st.integers(min_value=1, max_value=300).map(lambda n: "[" * n + "]" * n),
    st.integers(min_value=1, max_value=300).map(lambda n: "{a: " * n + "1" + "}" * n),
    st.integers(min_value=1, max_value=300).map(lambda n: "\n" + "".join("  " * i + "- \n" for i in range(n))),
)


@st.composite
def mutated(draw) -> bytes:
    text = VALID
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["field", "field", "insert", "lines", "bytes"]))
        if kind == "field":
            field = draw(st.sampled_from(FIELDS))
            value = draw(YAML_VALUES)
            text = re.sub(rf"^{field}:.*(\n  .*)*", lambda m: f"{field}: {value}", text, count=1, flags=re.M)
        elif kind == "insert":
            at = draw(st.integers(min_value=0, max_value=len(text)))
            piece = draw(st.one_of(st.sampled_from(SPECIAL), st.text(min_size=1, max_size=5)))
            text = text[:at] + piece + text[at:]
        elif kind == "lines":
            lines = text.split("\n")
            i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            op = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "swap"]))
            if op == "delete":
                del lines[i]
            elif op == "duplicate":
                lines.insert(i, lines[i])
            elif op == "indent":
                lines[i] = " " * draw(st.integers(min_value=1, max_value=5)) + lines[i]
            elif op == "dedent":
                lines[i] = lines[i].lstrip()
            else:
                j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        else:
            data = bytearray(text.encode("utf-8"))
            at = draw(st.integers(min_value=0, max_value=len(data)))
            new = draw(st.binary(min_size=0, max_size=4))
            cut = draw(st.integers(min_value=0, max_value=3))
            data[at:at + cut] = new
            return bytes(data)
    return text.encode("utf-8")


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def tree(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def strict_json(path: Path) -> None:
    def refuse(constant):
        raise ValueError(f"{path}: {constant} is not JSON")
    json.loads(path.read_bytes().decode("utf-8"), parse_constant=refuse)


@pytest.fixture(scope="module")
def fuzz_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    content = make_content(root / "content", {"case.md": VALID}, images={"photo.png": PNG})
    out = root / "site"
    code, stdout, stderr = run(["build", "--content", str(content), "--out", str(out), "--no-search"])
    assert code == 0, stdout + stderr
    return content, out


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(data=mutated())
def test_any_mutation_of_a_case_file_gives_one_line_messages(fuzz_site, data):
    content, out = fuzz_site
    case = content / "cases" / "case.md"
    case.write_bytes(data)
    prefix = re.escape(display_path(case)) + r":\d+: "
    code, stdout, stderr = run(["check", "--content", str(content)])
    assert code in (0, 1), (code, stdout, stderr)
    assert "Traceback" not in stdout + stderr
    if code == 1:
        problems = stdout.split("\n\n")[0].split("\n")
        assert problems and all(re.match(prefix, line) for line in problems), stdout
        assert re.fullmatch(r"\d+ 件の問題があります。.*\n", stdout.split("\n\n", 1)[1]), stdout
        before = tree(out)
        code, stdout, stderr = run(["build", "--content", str(content), "--out", str(out), "--no-search"])
        assert code == 1 and tree(out) == before, (stdout, stderr)
        assert all(re.match(prefix, line) for line in stderr.split("\n\n")[0].split("\n")), stderr
    elif len(_built) < SUCCESSFUL_BUILDS:
        assert stdout.startswith("問題はありません") and not stderr
        _built.append(data)
        code, stdout, stderr = run(["build", "--content", str(content), "--out", str(out), "--no-search"])
        assert code == 0, (stdout, stderr)
        for path in out.rglob("*.json"):
            strict_json(path)
