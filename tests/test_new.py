"""``build.py new``: flags, prompts, refusals; the file passes check and builds."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from kyodo.cli import main
from kyodo.commands import check
from kyodo.commands.build import build
from kyodo.commands.new import OUTLINE
from kyodo.validate.case import last_year
from tests.factory import ROOT, SAMPLE, make_content

FLAGS = ["--title", "子ども食堂: 立ち上げ支援", "--summary", "地域の団体が開く子ども食堂を区が支えた。",
         "--fiscal-year", "2024", "--set", "partner=NPO法人,resident", "--set", "form=補助・助成",
         "--set", "domain=d", "--set", "outcomes=地域のネットワークづくり", "--set", "department=子ども家庭部"]


GUIDELINE = {p.name: p.read_text(encoding="utf-8") for p in sorted((SAMPLE / "guideline").glob("*.md"))}


@pytest.fixture
def content(tmp_path):
    return make_content(tmp_path / "content", guideline=GUIDELINE)


def flags(**sets: str) -> list[str]:
    """FLAGS with some ``--set`` values replaced (or added)."""
    out, seen = [], set()
    for i in range(0, len(FLAGS), 2):
        name, value = FLAGS[i], FLAGS[i + 1]
        key = value.split("=", 1)[0]
        if name == "--set" and key in sets:
            value, seen = f"{key}={sets[key]}", seen | {key}
        out += [name, value]
    for key in sets.keys() - seen:
        out += ["--set", f"{key}={sets[key]}"]
    return out


def run_new(capsys, monkeypatch, args: list[str], answers: str = "") -> tuple[int, str, str]:
    """Run ``build.py new`` in-process with ``answers`` as stdin."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    code = main(["new", *args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_builds(content, tmp_path, slug: str, title: str) -> str:
    assert check.run(content) == 0
    out = tmp_path / "site"
    build(content, out, with_search=False)
    html = (out / "cases" / slug / "index.html").read_text(encoding="utf-8")
    assert title in html
    for heading, guidance in OUTLINE:
        assert f">{heading}</h2>" in html
        assert guidance not in html          # the guidance never reaches the site
    assert "[//]" not in html
    return html


def test_flags_write_a_valid_case_without_asking(content, tmp_path, capsys, monkeypatch):
    code, out, err = run_new(capsys, monkeypatch, ["--content", str(content), "--slug", "kodomo-shokudo", *FLAGS])
    assert code == 0, err
    assert "題名" not in out and "番号" not in out          # nothing was asked
    path = content / "cases" / "kodomo-shokudo.md"
    assert "kodomo-shokudo.md を作りました" in out
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    assert 'title: "子ども食堂: 立ち上げ支援"' in text    # quoted: it contains ": "
    assert "partner: [区民, NPO法人]" in text               # labels, in taxonomy order
    assert "domain: [D]" in text
    assert "department: 子ども家庭部" in text
    html = assert_builds(content, tmp_path, "kodomo-shokudo", "子ども食堂: 立ち上げ支援")
    assert "補助・助成" in html


def test_uncommented_optional_examples_still_pass_check(content, capsys, monkeypatch):
    code, _, err = run_new(capsys, monkeypatch, ["--content", str(content), "--slug", "full", *FLAGS])
    assert code == 0, err
    path = content / "cases" / "full.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("# ↓"))
    end = lines.index("---", 1)
    skip = {"image:", "  src:", "  alt:", "draft:"}     # the image file does not exist; keep it published
    for i in range(start + 1, end):
        uncommented = lines[i][2:]
        if not uncommented.startswith(tuple(skip)):
            lines[i] = uncommented
    path.write_text("\n".join(lines), encoding="utf-8")
    assert check.run(content) == 0


def test_prompts_ask_again_until_the_answers_are_valid(content, tmp_path, capsys, monkeypatch):
    answers = "\n".join([
        "",                        # title: empty -> asked again
        "川辺の清掃活動",
        "町会と区が一緒に川辺を清掃した。",
        "令和九十",                 # not a year
        str(last_year() + 5),      # out of range
        "令和6",                    # accepted as 2024
        "9",                       # partner: no such number
        "2 x",                     # unknown name
        "2 3",
        "1",                       # form
        "A",                       # domain: rejected by taxonomy.yml
        "2",
        "1, 3",                    # outcomes
        "4 5",                     # department: only one allowed
        "環境部",                   # by name
        "Kawabe_Seiso",            # bad slug
        "7",                       # a number: most likely meant for the menu
        "kawabe-seiso",
    ]) + "\n"
    code, out, err = run_new(capsys, monkeypatch, ["--content", str(content)], answers)
    assert code == 0, err
    assert "題名を入力してください" in out
    assert "「令和九十」は年度として読めません" in out
    assert f"年度 {last_year() + 5} は範囲外です" in out
    assert "「9」という番号はありません。1 から 8 までの番号で選んでください" in out
    assert "「x」は協働の主体の値にありません" in out
    assert "領域 A（区が単独で行う事業）は協働に含めない" in out
    assert "担当部署は 1 つだけ選んでください" in out
    assert "ファイル名「Kawabe_Seiso」は使えません" in out
    assert "数字だけのファイル名（7）では内容が分かりません" in out
    assert out.count("題名: ") == 2 and out.count("ファイル名（Enter だけなら") == 3
    for label in ("協働の主体", "協働の形態", "協働の領域", "主な成果", "担当部署", "町会・自治会", "教育委員会事務局"):
        assert label in out                   # every facet and its terms are listed
    text = (content / "cases" / "kawabe-seiso.md").read_text(encoding="utf-8")
    assert "fiscal_year: 2024" in text
    assert "partner: [町会・自治会, NPO法人]" in text
    assert "domain: [C]" in text
    assert "department: 環境部" in text
    assert_builds(content, tmp_path, "kawabe-seiso", "川辺の清掃活動")


def test_prompts_follow_taxonomy_yml(tmp_path, capsys, monkeypatch):
    extra = (SAMPLE / "taxonomy.yml").read_text(encoding="utf-8") + (
        "  theme:\n    label: 分野\n    multiple: false\n    terms:\n"
        "      - slug: bosai\n        label: 防災\n      - slug: kosodate\n        label: 子育て\n")
    content = make_content(tmp_path / "content", taxonomy=extra)
    answers = "防災訓練\n合同で訓練した。\n2023\n1\n1\n1\n1\n1\n2\n\n"
    code, out, err = run_new(capsys, monkeypatch, ["--content", str(content)], answers)
    assert code == 0, err
    assert "分野（番号で 1 つ選びます）" in out and "2. 子育て" in out
    assert "（Enter だけなら case-2023-1）" in out
    text = (content / "cases" / "case-2023-1.md").read_text(encoding="utf-8")
    assert "theme: 子育て" in text
    assert check.run(content) == 0


def test_only_missing_fields_are_asked(content, capsys, monkeypatch):
    args = ["--content", str(content), *FLAGS[:-2]]            # no department, no slug
    code, out, err = run_new(capsys, monkeypatch, args, "6\n\n")
    assert code == 0, err
    assert "題名: " not in out and "協働の主体（" not in out
    assert "担当部署（" in out
    assert (content / "cases" / "case-2024-1.md").is_file()


def test_end_of_input_stops_cleanly(content, capsys, monkeypatch):
    code, out, err = run_new(capsys, monkeypatch, ["--content", str(content)], "題名だけ\n")
    assert code == 1
    assert "入力が終わったため、中止しました。ファイルは作っていません。" in err
    assert "Traceback" not in out + err
    assert list((content / "cases").iterdir()) == []


def test_refuses_to_overwrite(content, capsys, monkeypatch):
    path = content / "cases" / "mine.md"
    path.write_text("大事な原稿", encoding="utf-8")
    code, out, err = run_new(capsys, monkeypatch, ["--content", str(content), "--slug", "mine", *FLAGS])
    assert code == 1
    assert "上書きしません" in err
    assert path.read_text(encoding="utf-8") == "大事な原稿"


def test_refuses_a_slug_used_in_a_subfolder(content, capsys, monkeypatch):
    (content / "cases" / "2023").mkdir()
    (content / "cases" / "2023" / "mine.md").write_text("x", encoding="utf-8")
    code, _, err = run_new(capsys, monkeypatch, ["--content", str(content), "--slug", "mine", *FLAGS])
    assert code == 1 and "すでに使われています" in err
    assert not (content / "cases" / "mine.md").exists()


@pytest.mark.parametrize("args,message", [
    (flags(partner="市民団体"), "「市民団体」は協働の主体の値にありません"),
    (flags(domain="A"), "領域 A（区が単独で行う事業）は協働に含めない"),
    (flags(colour="red"), "「分類=値」の形で書いてください。分類: partner、form、domain、outcomes、department"),
    (flags(department="福祉部,健康部"), "担当部署は 1 つだけ書いてください"),
    (FLAGS + ["--set", "form=委託"], "--set form=… が 2 回あります"),
    (FLAGS + ["--fiscal-year", "来年"], "--fiscal-year: 「来年」は年度として読めません"),
    (FLAGS + ["--slug", "Bad Name"], "--slug: ファイル名「Bad Name」は使えません"),
    (FLAGS + ["--title", "  "], "--title: 題名を入力してください"),
])
def test_bad_flags_are_refused(content, capsys, monkeypatch, args, message):
    code, _, err = run_new(capsys, monkeypatch, ["--content", str(content), "--slug", "x", *args])
    assert code == 1
    assert message in err
    assert list((content / "cases").iterdir()) == []


def test_command_line_with_piped_answers(content):
    answers = "公園の花壇づくり\n町会が花壇を育てた。\n2022\n2\n1\n3\n3\n8\nkadan\n"
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "new", "--content", str(content)],
                          input=answers, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "kadan.md を作りました" in proc.stdout
    assert "題名: 公園の花壇づくり" in proc.stdout       # piped answers are echoed
    assert check.run(content) == 0
