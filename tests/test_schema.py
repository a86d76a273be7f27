"""The JSON Schema of the front matter agrees with ``check``."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest

from kyodo.commands.new import load_vocabulary
from kyodo.errors import Problems
from kyodo.load import frontmatter
from kyodo.validate.case import OPTIONAL, REQUIRED, CaseValidator, last_year
from kyodo.views.schema import SCHEMA_PATH, case_schema
from tests.factory import SAMPLE, case_text, make_content


def as_json(value):
    """Front matter as a YAML language server sees it (dates are strings)."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return value


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary(SAMPLE)


@pytest.fixture(scope="module")
def validator(vocabulary):
    site, taxonomy = vocabulary
    schema = case_schema(site, taxonomy)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def schema_errors(validator, meta: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(as_json(meta))]


def read(tmp_path, text: str, name: str = "case.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    doc = frontmatter.read(path, name, problems)
    assert doc is not None, problems.items
    return doc


def check_problems(vocabulary, doc) -> list:
    site, taxonomy = vocabulary
    problems = Problems()
    CaseValidator(site, taxonomy, SAMPLE / "images").validate(doc, problems)
    return problems.items


def test_published_with_the_site(sample_site):
    published = json.loads((sample_site / SCHEMA_PATH).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(published)
    assert published["additionalProperties"] is False
    assert set(published["required"]) >= set(REQUIRED)


def test_every_sample_case_validates(validator):
    paths = sorted((SAMPLE / "cases").rglob("*.md"))
    assert len(paths) > 10
    for path in paths:
        doc = frontmatter.read(path, path.name, Problems())
        assert doc is not None
        assert schema_errors(validator, doc.meta) == [], path.name


def test_fields_come_from_the_taxonomy_and_the_constants(vocabulary, validator):
    site, taxonomy = vocabulary
    props = validator.schema["properties"]
    assert list(props) == list(REQUIRED) + list(taxonomy.facets) + list(OPTIONAL)
    assert validator.schema["required"] == list(REQUIRED) + list(taxonomy.facets)
    for facet in taxonomy:
        names = props[facet.key]["anyOf"][0]["enum"]
        for term in facet.terms:
            assert {term.label, term.slug, *term.aliases} <= set(names)
    assert props["fiscal_year"]["maximum"] == last_year()
    assert props["principles"]["anyOf"][1]["items"]["enum"] == site.principles


def test_a_new_facet_in_taxonomy_yml_appears_in_the_schema(tmp_path):
    extra = (SAMPLE / "taxonomy.yml").read_text(encoding="utf-8") + (
        "  theme:\n    label: 分野\n    multiple: true\n    terms:\n"
        "      - slug: bosai\n        label: 防災\n        aliases: [防災・減災]\n"
        "      - slug: kosodate\n        label: 子育て\n")
    content = make_content(tmp_path / "content", taxonomy=extra)
    site, taxonomy = load_vocabulary(content)
    schema = case_schema(site, taxonomy)
    assert "theme" in schema["required"]
    assert schema["properties"]["theme"]["anyOf"][0]["enum"] == ["防災", "bosai", "防災・減災", "子育て", "kosodate"]


GOOD = {
    "labels": {},
    "slugs": {"partner": "[npo, resident]", "department": "children"},
    "aliases": {"partner": "[NPO, 町会]", "form": "補助"},
    "a single value for a multiple facet": {"partner": "NPO法人"},
    "a one-item list for a single facet": {"department": "[子ども家庭部]"},
    "every optional field": {
        "organizations": "[NPO法人 あおば, 三丁目町会]", "period": "2024年4月〜2025年3月", "budget": 1200000,
        "status": "終了", "principles": "[対等, 目的の共有]",
        "process": "{企画段階への参画: 前年度から話し合った。, evaluation: アンケートを行った。}",
        "indicators": "[{name: 参加者数, value: 120, unit: 人, target: 100}, {name: 満足度, value: 高い}]",
        "contact": "{section: 子ども家庭部 子育て支援課, phone: 03-0000-0000, url: 'https://example.jp/'}",
        "links": "[{title: 案内, url: 'https://example.jp/a'}]", "updated": "2025-03-31", "draft": "false",
    },
    "contact as one line": {"contact": "子ども家庭部 子育て支援課"},
    "contact as written in Japan": {"contact": "{phone: 03-1234-5678（内線 123）, email: kodomo@city.example.jp}"},
    "mobile and free-dial numbers": {"contact": "{phone: '0120-123-456'}"},
}


@pytest.mark.parametrize("fields", GOOD.values(), ids=GOOD.keys())
def test_good_front_matter_passes_both(tmp_path, vocabulary, validator, fields):
    doc = read(tmp_path, case_text(**fields))
    assert check_problems(vocabulary, doc) == []
    assert schema_errors(validator, doc.meta) == []


BAD = {
    "unknown field": ({"author": "山田"}, ()),
    "misspelt field": ({"summery": "要約"}, ("summary",)),
    "unknown term": ({"partner": "[NPO法人, 市民団体]"}, ()),
    "rejected term (domain A)": ({"domain": "[A]"}, ()),
    "two values for a single facet": ({"department": "[福祉部, 健康部]"}, ()),
    "empty facet": ({"form": "[]"}, ()),
    "missing facet": ({}, ("outcomes",)),
    "missing title": ({}, ("title",)),
    "missing fiscal_year": ({}, ("fiscal_year",)),
    "blank summary": ({"summary": "''"}, ()),
    "year as text": ({"fiscal_year": "令和6年度"}, ()),
    "year as a quoted number": ({"fiscal_year": "'2024'"}, ()),
    "year out of range (low)": ({"fiscal_year": 1970}, ()),
    "year out of range (high)": ({"fiscal_year": last_year() + 1}, ()),
    "bad status": ({"status": "完了"}, ()),
    "bad principle": ({"principles": "[平等]"}, ()),
    "unknown process stage": ({"process": "{準備: 話し合った}"}, ()),
    "negative budget": ({"budget": -5}, ()),
    "budget as text": ({"budget": "120万円"}, ()),
    "indicator without value": ({"indicators": "[{name: 参加者数}]"}, ()),
    "indicator with unknown field": ({"indicators": "[{name: 参加者数, value: 3, memo: x}]"}, ()),
    "link with javascript: scheme": ({"links": "[{title: x, url: 'javascript:alert(1)'}]"}, ()),
    "link without url": ({"links": "[{title: x}]"}, ()),
    "contact url scheme": ({"contact": "{url: 'ftp://example.jp/'}"}, ()),
    "contact unknown field": ({"contact": "{fax: 03-0000-0000}"}, ()),
    "contact e-mail with a full-width ＠": ({"contact": "{email: kodomo＠city.example.jp}"}, ()),
    "contact e-mail without a domain": ({"contact": "{email: kodomo}"}, ()),
    "contact phone in full-width digits": ({"contact": "{phone: ０３−１２３４−５６７８}"}, ()),
    "contact phone too short": ({"contact": "{phone: 03-1234-567}"}, ()),
    "year in full-width digits": ({"fiscal_year": "２０２４"}, ()),
    "year in 和暦": ({"fiscal_year": "R6"}, ()),
    "a list written with 、": ({"outcomes": "地域のネットワークづくり、区民満足度の向上"}, ()),
    "image as text": ({"image": "photo.jpg"}, ()),
    "image of a bad type": ({"image": "{src: photo.bmp, alt: 写真}"}, ()),
    "image without alt": ({"image": "{src: photo.jpg}"}, ()),
    "updated not a date": ({"updated": "昨年"}, ()),
    "draft not a boolean": ({"draft": "はい"}, ()),
}


@pytest.mark.parametrize("fields,drop", BAD.values(), ids=BAD.keys())
def test_bad_front_matter_fails_both(tmp_path, vocabulary, validator, fields, drop):
    doc = read(tmp_path, case_text(drop=drop, **fields))
    assert check_problems(vocabulary, doc), "check accepts it: not a bad input"
    assert schema_errors(validator, doc.meta), "the schema accepts what check rejects"
