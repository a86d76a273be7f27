"""Everyday mistakes: each is told on one line where it is and exactly what to write.

Each test asserts the file, the line, the field and the corrected text.
"""

from __future__ import annotations

import pytest

from kyodo.commands.check import validate
from kyodo.errors import ContentError
from tests.factory import case_text, make_content

HEAD = ("---\ntitle: 子育てひろばの共同運営\nsummary: 親子が集う場を運営しました。\nfiscal_year: 2024\n"
        "partner: [NPO法人, 区民]\nform: [委託]\ndomain: [B]\noutcomes: [事業の充実・拡大]\n"
        "department: 子ども家庭部\n")


def problems(tmp_path, text: str, name: str = "a.md", **kwargs):
    content = make_content(tmp_path / "content", {name: text}, **kwargs)
    with pytest.raises(ContentError) as exc:
        validate(content)
    found = exc.value.problems
    for p in found:
        assert "\n" not in str(p) and p.field, p
    return found


def one(tmp_path, text: str, **kwargs):
    found = problems(tmp_path, text, **kwargs)
    assert len(found) == 1, found
    p = found[0]
    assert p.path.endswith("a.md")
    return p


# -- fiscal_year ------------------------------------------------------------------

@pytest.mark.parametrize("written", ["２０２４", "２０２４年度", "'２０２４'"])
def test_full_width_year_says_write_it_in_half_width(tmp_path, written):
    p = one(tmp_path, case_text(fiscal_year=written))
    assert (p.line, p.field) == (4, "fiscal_year")
    assert "半角の数字で、次のように書いてください: fiscal_year: 2024" in p.message


@pytest.mark.parametrize("written,year", [("令和6", 2024), ("R6", 2024), ("令和6年度", 2024), ("令和元年度", 2019),
                                          ("平成30年度", 2018), ("Ｒ６", 2024)])
def test_wareki_year_says_the_western_year(tmp_path, written, year):
    p = one(tmp_path, case_text(fiscal_year=written))
    assert (p.line, p.field) == (4, "fiscal_year")
    assert p.message.endswith(f"次のように書いてください: fiscal_year: {year}")


# -- colons and indentation ----------------------------------------------------------

def test_key_without_colon_is_named_on_its_own_line(tmp_path):
    text = case_text().replace("title: テスト事例", "title 子育てひろば")
    p = one(tmp_path, text)
    assert (p.line, p.field) == (2, "title")
    assert "「title」のあとにコロン（:）がありません" in p.message
    assert p.message.endswith("次のように書いてください: title: 子育てひろば")
    assert "引用符" not in p.message


def test_key_without_colon_on_the_last_line(tmp_path):
    text = HEAD.replace("department: 子ども家庭部", "department 福祉部") + "---\n本文\n"
    p = one(tmp_path, text)
    assert (p.line, p.field) == (9, "department")
    assert p.message.endswith("次のように書いてください: department: 福祉部")


def test_key_without_colon_after_a_blank_line(tmp_path):
    text = HEAD.replace("summary: 親子が集う場を運営しました。\n", "summary 親子が集う場を運営しました。\n\n") + "---\n"
    p = one(tmp_path, text)
    assert (p.line, p.field) == (3, "summary")
    assert p.message.endswith("summary: 親子が集う場を運営しました。")


def test_key_without_colon_in_a_nested_field(tmp_path):
    text = HEAD + "contact:\n  section: 子育て支援課\n  phone 03-1234-5678\n---\n"
    p = one(tmp_path, text)
    assert (p.line, p.field) == (12, "phone")
    assert p.message.endswith("次のように書いてください: phone: 03-1234-5678")


@pytest.mark.parametrize("line", ["title：子育てひろば", "title ： 子育てひろば", "title：　子育てひろば"])
def test_full_width_colon_is_named(tmp_path, line):
    text = case_text().replace("title: テスト事例", line)
    p = one(tmp_path, text)
    assert (p.line, p.field) == (2, "title")
    assert "全角の「：」" in p.message and p.message.endswith("次のように書いてください: title: 子育てひろば")


def test_full_width_space_indentation_is_named(tmp_path):
    text = HEAD + "contact:\n\u3000section: 子育て支援課\n---\n"
    p = one(tmp_path, text)
    assert (p.line, p.field) == (11, "section")
    assert "行頭に全角スペースが 1 個あります" in p.message
    assert p.message.endswith("次のように書いてください:「  section: 子育て支援課」")


def test_full_width_space_indentation_in_a_list(tmp_path):
    text = HEAD + "indicators:\n  - name: 参加者数\n\u3000\u3000value: 120\n---\n"
    found = problems(tmp_path, text)
    p = next(p for p in found if "全角スペース" in p.message)
    assert (p.line, p.field) == (12, "value")
    assert "全角スペースが 2 個" in p.message and p.message.endswith("「    value: 120」")


def test_full_width_characters_inside_text_are_fine(tmp_path):
    text = HEAD + "period: 2024年4月〜\nprocess:\n  実施: |\n    時間：10時から\n    \u3000段落の字下げ\n---\n"
    content = make_content(tmp_path / "content", {"a.md": text})
    view = validate(content)
    assert view.cases[0].process[0][1].startswith("時間：10時から")


def test_full_width_colon_in_site_yml_is_named(tmp_path):
    from tests.factory import SAMPLE
    site = (SAMPLE / "site.yml").read_text(encoding="utf-8").split("\nbooklet:")[0]
    site = site.replace("per_page:", "per_page：", 1) if "per_page:" in site else site.replace("title:", "title：", 1)
    key = "per_page" if "per_page：" in site else "title"
    line = next(i for i, text in enumerate(site.splitlines(), 1) if text.startswith(f"{key}："))
    content = make_content(tmp_path / "content", {"a.md": case_text()}, site=site)
    with pytest.raises(ContentError) as exc:
        validate(content)
    (p,) = exc.value.problems
    assert p.path.endswith("site.yml") and (p.line, p.field) == (line, key) and "全角の「：」" in p.message


# -- lists ---------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["地域のネットワークづくり、区民満足度の向上",
                                     "地域のネットワークづくり，区民満足度の向上",
                                     "地域のネットワークづくり, 区民満足度の向上",
                                     "[地域のネットワークづくり、区民満足度の向上]"])
def test_list_written_with_commas_shows_the_corrected_line(tmp_path, written):
    p = one(tmp_path, case_text(outcomes=written))
    assert (p.line, p.field) == (8, "outcomes")
    assert p.message.endswith("次のように書いてください: outcomes: [地域のネットワークづくり, 区民満足度の向上]")


def test_list_with_an_unknown_item_keeps_both_and_names_the_unknown(tmp_path):
    p = one(tmp_path, case_text(outcomes="地域のネットワークづくり、区民満足の向上"))
    assert p.field == "outcomes"
    assert "outcomes: [地域のネットワークづくり, 区民満足の向上]" in p.message
    assert "「区民満足の向上」は主な成果の値にありません。「区民満足度の向上」のことですか" in p.message


def test_list_for_a_single_value_facet_says_one(tmp_path):
    p = one(tmp_path, case_text(department="子ども家庭部、福祉部"))
    assert (p.line, p.field) == (9, "department") and "1 つだけ" in p.message


def test_a_label_with_a_middle_dot_is_not_a_list(tmp_path):
    content = make_content(tmp_path / "content", {"a.md": case_text(partner="[町会・自治会]")})
    assert validate(content).cases[0].terms["partner"][0].label == "町会・自治会"


def test_principles_written_with_commas(tmp_path):
    p = one(tmp_path, case_text(principles="対等、目的の共有"))
    assert p.field == "principles" and p.message.endswith("principles: [対等, 目的の共有]")


# -- missing fields --------------------------------------------------------------------

@pytest.mark.parametrize("field", ["title", "summary", "fiscal_year", "partner", "department"])
def test_missing_required_field_names_it(tmp_path, field):
    p = one(tmp_path, case_text(drop=(field,)))
    assert p.field == field and f"「{field}」" in p.message and "必須" in p.message


def test_missing_indicator_value_names_its_field(tmp_path):
    p = one(tmp_path, case_text(indicators="[{name: 参加者数}]"))
    assert p.field == "indicators[1].value"


# -- contact -------------------------------------------------------------------------

@pytest.mark.parametrize("field,written,fixed", [
    ("email", "kodomo＠city.example.jp", "kodomo@city.example.jp"),
    ("email", "ｋｏｄｏｍｏ＠ｃｉｔｙ．ｅｘａｍｐｌｅ．ｊｐ", "kodomo@city.example.jp"),
    ("phone", "０３−１２３４−５６７８", "03-1234-5678"),
    ("phone", "03ー1234ー5678", "03-1234-5678"),
    ("phone", "０９０－１２３４－５６７８", "090-1234-5678"),
])
def test_full_width_contact_is_reported_with_the_half_width_text(tmp_path, field, written, fixed):
    p = one(tmp_path, case_text(contact=f"\n  section: 子育て支援課\n  {field}: {written}"))
    assert (p.line, p.field) == (12, f"contact.{field}")
    assert "全角の文字があります" in p.message and p.message.endswith(f"次のように書いてください: {field}: {fixed}")


@pytest.mark.parametrize("field,written", [("email", "kodomo"), ("email", "kodomo@"), ("phone", "1234"),
                                           ("phone", "03-1234-567"), ("phone", "電話してください"),
                                           ("email", 'x@example.jp" onmouseover="alert(1)'),
                                           ("phone", '"><svg onload=alert(1)>')])
def test_broken_contact_is_reported(tmp_path, field, written):
    quoted = "'" + written.replace("'", "''") + "'"
    p = one(tmp_path, case_text(contact=f"{{{field}: {quoted}}}"))
    assert p.field == f"contact.{field}" and f"「{written}」の形が正しくありません" in p.message


@pytest.mark.parametrize("phone", ["03-1234-5678", "03(1234)5678", "0120-123-456", "090-1234-5678",
                                   "+81-3-1234-5678", "03-1234-5678（内線 123）"])
def test_usual_phone_numbers_pass(tmp_path, phone):
    content = make_content(tmp_path / "content",
                           {"a.md": case_text(contact=f"{{phone: '{phone}', email: kodomo@city.example.jp}}")})
    assert validate(content).cases[0].contact.phone == phone


def test_text_that_is_no_field_is_not_taken_for_a_missing_colon(tmp_path):
    """A YAML error after running text keeps YAML's own message (no invented field)."""
    text = HEAD + "period: 2024年4月から\n  NPO 法人と協働\n  note: x\n---\n"
    found = problems(tmp_path, text)
    assert all(p.field != "NPO" and "コロン（:）がありません" not in p.message for p in found), found
