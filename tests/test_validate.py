"""Every validation error names the file, the line (where it can) and the field."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from kyodo.errors import ContentError
from kyodo.commands.check import validate
from kyodo.model.assemble import load_content
from kyodo.validate.case import last_year
from tests.factory import PNG, ROOT, case_text, make_content


def problems_for(tmp_path, cases=None, **kw):
    content = make_content(tmp_path / "content", cases, **kw)
    with pytest.raises(ContentError) as info:
        validate(content)  # load, validate and render markdown, as `check` does
    return info.value.problems


def only(problems, name):
    found = [p for p in problems if p.path.endswith(name)]
    assert found, f"no problem reported for {name}: {problems}"
    return found


def test_valid_case_loads(tmp_path):
    content = make_content(tmp_path / "c", {"ok.md": case_text()})
    loaded = load_content(content)
    assert [c.slug for c in loaded.cases] == ["ok"]
    case = loaded.cases[0]
    assert [t.slug for t in case.terms["partner"]] == ["resident", "npo"]  # taxonomy order
    assert case.fiscal_year == 2024


def test_values_by_label_slug_alias_and_scalar(tmp_path):
    text = case_text(partner="npo", form="[後援, grant]", domain="c", department="children")
    case = load_content(make_content(tmp_path / "c", {"x.md": text})).cases[0]
    assert [t.label for t in case.terms["partner"]] == ["NPO法人"]
    assert [t.label for t in case.terms["form"]] == ["後援名義の付与", "補助・助成"]
    assert [t.label for t in case.terms["domain"]] == ["C"]


def test_no_front_matter(tmp_path):
    (p,) = only(problems_for(tmp_path, {"a.md": "# 見出しだけ\n"}), "a.md")
    assert (p.line, p.field) == (1, "front matter") and "---" in p.message


def test_unclosed_front_matter(tmp_path):
    (p,) = only(problems_for(tmp_path, {"a.md": "---\ntitle: x\n\n本文\n"}), "a.md")
    assert p.field == "front matter" and "閉じられていません" in p.message


def test_yaml_syntax_error_has_line(tmp_path):
    text = case_text().replace("summary: テストのための事例です。", "summary: 区の目的: 共有")
    (p,) = only(problems_for(tmp_path, {"a.md": text}), "a.md")
    assert p.line == 3 and "引用符" in p.message


def test_not_utf8(tmp_path):
    raw = case_text().encode("utf-8").replace("テストのための".encode(), "テストのための".encode("shift_jis"))
    (p,) = only(problems_for(tmp_path, {"a.md": raw}), "a.md")
    assert p.line == 3 and p.field == "文字コード" and "UTF-8" in p.message


def test_empty_file(tmp_path):
    (p,) = only(problems_for(tmp_path, {"a.md": ""}), "a.md")
    assert "空" in p.message


def test_unsafe_yaml_tag_is_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    text = case_text(summary=f"!!python/object/apply:os.system ['touch {marker}']")
    (p,) = only(problems_for(tmp_path, {"a.md": text}), "a.md")
    assert p.line == 3 and p.field == "summary" and "タグ" in p.message
    assert not marker.exists()


def test_alias_bomb_is_rejected_quickly(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = "---\n" + "\n".join(lines) + "\n---\n"
    started = time.monotonic()
    problems = problems_for(tmp_path, {"bomb.md": text})
    assert time.monotonic() - started < 5  # a billion laughs would take far longer
    assert any("エイリアス" in p.message for p in only(problems, "bomb.md"))


def test_tabs(tmp_path):
    text = case_text(outcomes="\n\t- 事業の充実・拡大")
    (p,) = only(problems_for(tmp_path, {"a.md": text}), "a.md")
    assert p.line == 9 and "タブ" in p.message


def test_missing_required_fields_are_all_reported(tmp_path):
    problems = only(problems_for(tmp_path, {"a.md": case_text(drop=("title", "fiscal_year", "domain"))}), "a.md")
    messages = " ".join(p.message for p in problems)
    assert "「title」は必須" in messages and "「fiscal_year」は必須" in messages
    assert any("「domain」" in p.message and "B、C、D" in p.message for p in problems)


def test_unknown_field_suggests_close_match(tmp_path):
    text = case_text(drop=("partner",), partnr="[区民]")
    problems = only(problems_for(tmp_path, {"a.md": text}), "a.md")
    unknown = next(p for p in problems if p.field == "partnr")
    assert unknown.line == 9 and "「partner」の書き間違い" in unknown.message


def test_japanese_field_name_points_to_key(tmp_path):
    text = case_text(drop=("form",), **{"協働の形態": "[委託]"})
    problems = only(problems_for(tmp_path, {"a.md": text}), "a.md")
    assert any(p.field == "協働の形態" and "「form」" in p.message for p in problems)


def test_unknown_term_suggests_close_match(tmp_path):
    taxonomy = """\
    facets:
      partner:
        label: 協働の主体
        terms:
          - {slug: nonprofit, label: NPO法人}
          - {slug: resident, label: 区民}
    """
    text = case_text(drop=("form", "domain", "outcomes", "department"), partner="[NPO]")
    (p,) = only(problems_for(tmp_path, {"a.md": text}, taxonomy=taxonomy,
                             site="title: t\norganization: o\nbase_url: https://example.jp/\n"), "a.md")
    assert (p.line, p.field) == (5, "partner[1]")
    assert "「NPO法人」のことですか" in p.message and "使える値: NPO法人、区民" in p.message


def test_domain_outside_taxonomy(tmp_path):
    problems = only(problems_for(tmp_path, {"a.md": case_text(domain="[A]"), "e.md": case_text(domain="[Z]")}), ".md")
    a = next(p for p in problems if p.path.endswith("a.md"))
    assert a.field == "domain[1]" and "領域 A" in a.message and "協働に含めない" in a.message
    z = next(p for p in problems if p.path.endswith("e.md"))
    assert "「Z」は協働の領域の値にありません" in z.message and "B、C、D" in z.message


def test_single_valued_facet_rejects_two_values(tmp_path):
    (p,) = only(problems_for(tmp_path, {"a.md": case_text(department="[福祉部, 健康部]")}), "a.md")
    assert p.field == "department" and "1 つだけ" in p.message


@pytest.mark.parametrize("value,hint", [
    ('"2024"', "数字だけで、次のように書いてください: fiscal_year: 2024"),
    ("令和6年度", "令和6年度 なら、次のように書いてください: fiscal_year: 2024"),
    ("2024.5", "例: fiscal_year: 2024"),
])
def test_non_integer_year(tmp_path, value, hint):
    (p,) = only(problems_for(tmp_path, {"a.md": case_text(fiscal_year=value)}), "a.md")
    assert (p.line, p.field) == (4, "fiscal_year") and hint in p.message


@pytest.mark.parametrize("year", [1988, 1200, "NEXT2"])
def test_out_of_range_year(tmp_path, year):
    value = last_year() + 1 if year == "NEXT2" else year
    (p,) = only(problems_for(tmp_path, {"a.md": case_text(fiscal_year=value)}), "a.md")
    assert p.field == "fiscal_year" and "範囲外" in p.message and str(last_year()) in p.message


def test_bad_file_name_suggests_one(tmp_path):
    (p,) = only(problems_for(tmp_path, {"Kosodate_Hiroba.md": case_text()}), "Kosodate_Hiroba.md")
    assert p.field == "ファイル名" and "kosodate-hiroba.md" in p.message


def test_file_with_other_extension(tmp_path):
    (p,) = only(problems_for(tmp_path, {"a.markdown": case_text()}), "a.markdown")
    assert ".md" in p.message


def test_duplicate_slugs_across_folders(tmp_path):
    problems = problems_for(tmp_path, {"2023/x.md": case_text(), "2024/x.md": case_text()})
    (p,) = [p for p in problems if p.field == "ファイル名"]
    assert "重複" in p.message and "2023" in p.message


@pytest.mark.parametrize("src,words", [
    ("../site.yml", "外を指して"),
    ("/etc/passwd", "の形式は使えません"),
    ("https://example.com/a.png", "外部の URL"),
    ("missing.png", "ありません"),
    ("photo.svg", "形式"),
])
def test_image_outside_content_images(tmp_path, src, words):
    text = case_text(image=f"{{src: '{src}', alt: 写真}}")
    (p,) = only(problems_for(tmp_path, {"a.md": text}, images={"ok.png": PNG}), "a.md")
    assert p.field == "image.src" and words in p.message


def test_image_needs_alt(tmp_path):
    (p,) = only(problems_for(tmp_path, {"a.md": case_text(image="{src: ok.png}")}, images={"ok.png": PNG}), "a.md")
    assert p.field == "image.alt" and "alt" in p.message


def test_optional_fields_are_checked(tmp_path):
    text = case_text(
        status="進行中", budget="120万円", principles="[対等, 平等]", links="[{title: x, url: 'javascript:alert(1)'}]",
        indicators="[{name: 参加者数}]", process="{実施: 行った, 準備: した}", updated="昨日", draft="はい")
    problems = only(problems_for(tmp_path, {"a.md": text}), "a.md")
    fields = {p.field for p in problems}
    assert {"status", "budget", "principles[2]", "links[1].url", "indicators[1].value", "process.準備",
            "updated", "draft"} <= fields, problems
    assert all(p.line > 1 for p in problems)


def test_duplicate_key(tmp_path):
    text = case_text() .replace("department: 子ども家庭部", "department: 子ども家庭部\ntitle: もう一つ")
    (p,) = only(problems_for(tmp_path, {"a.md": text}), "a.md")
    assert p.field == "title" and "2 回" in p.message


def test_every_problem_is_reported_at_once(tmp_path):
    problems = problems_for(tmp_path, {"a.md": "", "b.md": "no front matter", "c.md": case_text(domain="[A]"),
                                       "ok.md": case_text()})
    assert {p.path.rsplit("/", 1)[-1] for p in problems} == {"a.md", "b.md", "c.md"}


def test_guideline_term_reference_must_exist(tmp_path):
    chapter = "---\ntitle: 形態\norder: 1\n---\n\n## 共催\n\n説明 [[form:共済]] です。\n"
    problems = problems_for(tmp_path, {"a.md": case_text()}, guideline={"forms.md": chapter})
    (p,) = problems
    assert p.path.endswith("forms.md") and p.line == 8 and p.field == "本文" and "[[form:共済]]" in p.message


def test_taxonomy_errors_are_reported(tmp_path):
    taxonomy = "facets:\n  cases:\n    label: x\n    terms: [{slug: A, label: a}]\n  Bad: {}\n"
    problems = problems_for(tmp_path, {}, taxonomy=taxonomy)
    assert all(p.path.endswith("taxonomy.yml") for p in problems)
    assert {p.line for p in problems} == {2, 5}


def run_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)


def test_check_command_lines_and_exit_codes(tmp_path):
    content = make_content(tmp_path / "content", {"ok.md": case_text(), "bad.md": case_text(partner="[NPO団体]")})
    proc = run_cli("check", "--content", str(content))
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    lines = [l for l in proc.stdout.splitlines() if re.match(r"^\S+:\d+: ", l)]
    assert len(lines) == 1
    path, line, field, message = lines[0].split(":", 3)
    assert path.endswith("bad.md") and line == "5" and field == " partner[1]"
    assert message.startswith(" 「NPO団体」は協働の主体の値にありません。「NPO法人」のことですか。使える値: 区民、")
    (content / "cases" / "bad.md").unlink()
    ok = run_cli("check", "--content", str(content))
    assert ok.returncode == 0 and "問題はありません" in ok.stdout


def test_shipped_content_is_valid():
    proc = run_cli("check")
    assert proc.returncode == 0, proc.stdout


def test_settings_naming_missing_chapters_fail_check_not_only_build(tmp_path):
    site = ("title: t\norganization: o\nbase_url: https://example.jp/\n"
            "booklet:\n  guideline: [about, nothere]\n  intro_chapter: gone\n")
    chapter = "---\ntitle: 協働とは\norder: 1\n---\n\n本文\n"
    problems = problems_for(tmp_path, {"a.md": case_text()}, site=site, guideline={"about.md": chapter})
    assert [(p.line, p.field) for p in problems] == [(5, "booklet.guideline[2]"), (6, "booklet.intro_chapter")]
    assert all(p.path.endswith("site.yml") and "guideline/ にある章: about" in p.message for p in problems)


def test_a_value_written_again_in_other_files_is_judged_the_same_every_time(tmp_path):
    """Facet values are remembered once they validated (kyodo/validate/case.py): a
    wrong value is still reported in every file, on its own line, and a good one
    gives the same terms in every file."""
    bad = case_text(partner="[区民, 宇宙人]")
    cases = {"a.md": bad, "b.md": case_text(partner="[区民, NPO法人]"), "c.md": bad.replace("---\n", "---\n# 1 行ずれる\n", 1),
             "d.md": case_text(partner="[区民, NPO法人]")}
    problems = problems_for(tmp_path, cases)
    (a,) = only(problems, "a.md")
    (c,) = only(problems, "c.md")
    assert "宇宙人" in a.message and "宇宙人" in c.message and c.line == a.line + 1
    assert not [p for p in problems if p.path.endswith(("b.md", "d.md"))]
    good = load_content(make_content(tmp_path / "ok", {k: v for k, v in cases.items() if k in ("b.md", "d.md")}))
    assert [[t.slug for t in c.terms["partner"]] for c in good.cases] == [["resident", "npo"]] * 2
