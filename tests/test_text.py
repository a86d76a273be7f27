import pytest

from kyodo.text.normalize import fold
from kyodo.text.suggest import closest
from kyodo.text.wareki import fiscal_year_label, fiscal_year_short, parse_wareki, wareki


@pytest.mark.parametrize("year,expected", [
    (1988, "昭和63"), (1989, "平成元"), (1990, "平成2"), (2018, "平成30"),
    (2019, "令和元"), (2020, "令和2"), (2024, "令和6"), (2025, "令和7"),
])
def test_wareki_at_era_boundaries(year, expected):
    assert wareki(year) == expected


def test_fiscal_year_labels():
    assert fiscal_year_label(2024) == "令和6年度（2024年度）"
    assert fiscal_year_label(2019) == "令和元年度（2019年度）"
    assert fiscal_year_short(2018) == "平成30年度"


@pytest.mark.parametrize("text,year", [
    ("令和6年度", 2024), ("令和元年度", 2019), ("R6", 2024), ("平成31", 2019), ("H30年度", 2018),
    ("令和６", 2024), ("2024", None), ("来年度", None),
])
def test_parse_wareki(text, year):
    assert parse_wareki(text) == year


def test_fold_normalises_width_and_case():
    assert fold("ＮＰＯ法人") == fold("npo法人")
    assert fold(" ｶﾞｯｺｳ ") == fold("ガッコウ")


def test_closest_prefers_containment_then_similarity():
    assert closest("NPO", ["区民", "NPO法人", "その他"]) == "NPO法人"
    assert closest("partnr", ["partner", "form", "domain"]) == "partner"
    assert closest("まったく違う", ["partner", "form"]) is None
