"""Every fenced example in README, CONTRIBUTING and docs/ that is a case file or a
command still works: cases pass ``check``, commands parse (and the quick ones run)."""

from __future__ import annotations

import io
import re
import shlex
import shutil
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from kyodo import cli
from kyodo.commands.check import validate
from kyodo.errors import ContentError
from kyodo.load.images import IMAGE_TYPES
from tests.factory import PNG, ROOT, make_content

DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[\w-]*)\n(?P<body>.*?)^(?P=indent)```", re.S | re.M)


def blocks():
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            line = text[: m.start()].count("\n") + 1
            yield f"{path.relative_to(ROOT)}:{line}", m["lang"], textwrap.dedent(m["body"])


def front_matter_examples():
    return [(where, body) for where, lang, body in blocks() if body.startswith("---\n")]


def command_lines():
    """Every ``python3 build.py …`` / ``bash scripts/…`` line of a shell block (with ``\\`` joined)."""
    out = []
    for where, lang, body in blocks():
        if lang not in ("sh", "powershell", ""):
            continue
        for line in body.replace("\\\n", " ").splitlines():
            line = line.strip()
            for part in (p.strip() for p in re.split(r"&&|;", line.split("  #")[0].split(" # ")[0])):
                if re.match(r"(python3 build\.py|py build\.py|bash |powershell |\.venv/bin/python )", part):
                    out.append((where, part))
    # Commands quoted inline (`python3 build.py check`) in tables and text.
    for path in DOCS:
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for code in re.findall(r"`((?:python3|py) build\.py[^`…]*)`", line):
                out.append((f"{path.relative_to(ROOT)}:{i}", code))
    seen: dict[str, str] = {}
    for where, command in out:
        seen.setdefault(command, where)
    return [(where, command) for command, where in seen.items()]


def test_the_docs_have_examples_to_check():
    assert len(front_matter_examples()) >= 3
    assert sum(1 for _, c in command_lines() if c.startswith("python3 build.py")) >= 10


@pytest.mark.parametrize("where,body", front_matter_examples(), ids=[w for w, _ in front_matter_examples()])
def test_front_matter_example_passes_check(tmp_path, where, body):
    images = {name: PNG for name in re.findall(r"src: *(\S+)", body) if name.lower().endswith(IMAGE_TYPES)}
    is_case = re.search(r"^fiscal_year:", body, re.M) is not None
    is_org = not is_case and re.search(r"^name:", body, re.M) is not None   # content/organizations/
    content = make_content(tmp_path / "content", {"example.md": body} if is_case else {},
                           guideline=None if is_case or is_org else {"example.md": body}, images=images or None)
    if is_org:
        (content / "organizations").mkdir()
        (content / "organizations" / "example.md").write_text(body, encoding="utf-8")
    elif not is_case:   # a guideline chapter links terms of the sample taxonomy; give it cases to count
        shutil.copytree(ROOT / "content" / "cases", content / "cases", dirs_exist_ok=True)
        shutil.copytree(ROOT / "content" / "images", content / "images", dirs_exist_ok=True)
    try:
        view = validate(content)
    except ContentError as exc:
        pytest.fail(f"{where}: the example fails check:\n" + "\n".join(map(str, exc.problems)))
    if is_case:
        assert [c.slug for c in view.cases] == ["example"]
    if is_org:
        assert [o.slug for o in view.content.organizations] == ["example"]


@pytest.mark.parametrize("where,command", command_lines(), ids=[f"{w} {c}" for w, c in command_lines()])
def test_command_example_works(tmp_path, monkeypatch, where, command):
    words = shlex.split(command.replace("\\", "/")) if not command.startswith("powershell") else command.split()
    if words[0] == "bash" or words[0] == "powershell":
        script = words[-1] if words[0] == "bash" else words[words.index("-File") + 1]
        assert (ROOT / script.replace("\\", "/")).is_file(), f"{where}: {script} does not exist"
        return
    if words[0] == ".venv/bin/python":
        target = next(w for w in words[1:] if not w.startswith("-"))
        assert target in ("pip", "-m") or (ROOT / target).exists(), f"{where}: {target} does not exist"
        return
    argv = words[2:]
    err = io.StringIO()
    with redirect_stderr(err):
        try:
            command_name, args = cli.parse(argv)
        except SystemExit as exc:
            if exc.code == 0:   # --help
                return
            pytest.fail(f"{where}: `{command}` is refused ({exc.code}): {err.getvalue()}")
    # The quick ones run for real, on a copy of the sample content.
    if command_name in ("check", "new"):
        work = tmp_path / "repo"
        shutil.copytree(ROOT / "content", work / "content")
        monkeypatch.chdir(work)
        out = io.StringIO()
        with redirect_stdout(out), redirect_stderr(out):
            if command_name == "new" and (args.title is None or args.slug is None):
                return   # the interactive form (tests/test_new.py answers its questions)
            code = cli.main(argv)
        assert code == 0, f"{where}: `{command}` failed:\n{out.getvalue()}"
        if command_name == "new":
            with redirect_stdout(io.StringIO()):
                assert cli.main(["check"]) == 0, f"{where}: the file `{command}` writes fails check"


def test_the_check_output_shown_in_contributing_is_what_check_prints(tmp_path):
    """CONTRIBUTING shows one line of ``check`` output for the template case with 令和6年度."""
    shown = next(body.strip() for _, lang, body in blocks() if lang == "" and body.startswith("content/cases/"))
    template = next(body for where, body in front_matter_examples() if where.startswith("CONTRIBUTING"))
    path, line, field = shown.split(": ")[0].split(":") + [shown.split(": ")[1]]
    lines = template.splitlines()
    key = field.split(".")[0]
    assert lines[int(line) - 1].startswith(f"{key}:")
    written = re.search(r"いまは文字列「(.+?)」", shown)[1]
    lines[int(line) - 1] = f"{key}: {written}"
    content = make_content(tmp_path / "content", {Path(path).name: "\n".join(lines) + "\n"})
    with pytest.raises(ContentError) as exc:
        validate(content)
    (p,) = exc.value.problems
    assert f"{Path(path).name}:{p.line}: {p.field}: {p.message}" == shown.split("/")[-1]


def test_the_mistakes_table_in_case_fields_is_what_check_says(tmp_path):
    """docs/case-fields.md lists everyday mistakes and the line check tells to write instead."""
    from kyodo.validate.case import CONTACT_FIELDS
    from tests.factory import case_text
    text = (ROOT / "docs" / "case-fields.md").read_text(encoding="utf-8")
    rows = [line for line in text.split("## よくある書き間違い")[1].split("\n## ")[0].splitlines()
            if line.startswith("| `") or line.startswith("| 字下げ")]
    assert len(rows) >= 6
    for i, row in enumerate(rows):
        wrong_cell, right_cell = row.strip("|").split(" | ")[:2]
        right = re.findall(r"`([^`]+)`", right_cell)[0]
        key = right.strip().split(":")[0]
        for n, wrong in enumerate(re.findall(r"`([^`]+)`", wrong_cell)):
            line = wrong if (":" in wrong or "：" in wrong or " " in wrong) else f"{key}: {wrong}"
            fields = {}
            if key in CONTACT_FIELDS:
                nested = line if line.startswith("\u3000") else f"  {line}"
                fields["contact"] = f"\n{nested}"
                text_ = case_text(**fields)
            else:
                text_ = case_text(drop=(key,)).replace("---\n\n", f"{line}\n---\n\n", 1)
            content = make_content(tmp_path / f"c{i}-{n}", {"a.md": text_})
            with pytest.raises(ContentError) as exc:
                validate(content)
            (p,) = exc.value.problems
            assert p.field.split(".")[-1] == key, (row, p)
            assert p.message.endswith((f"次のように書いてください: {right}", f"次のように書いてください:「{right}」")), (row, p)
