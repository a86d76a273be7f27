"""``schema/case.schema.json``: a JSON Schema of a case's front matter.

Generated from the content's own ``taxonomy.yml`` and ``site.yml`` and from
the field constants of :mod:`kyodo.validate.case`, so an editor with a YAML
language server completes field names and term labels and flags mistakes
while typing. ``check`` stays the authority: the schema is an aid that agrees
with it on everything a schema can express (it cannot, for example, know
which images exist or fold full-width letters).
"""

from __future__ import annotations

import re

from kyodo.core.site import Site
from kyodo.core.taxonomy import Facet, Taxonomy
from kyodo.validate.case import (CONTACT_FIELDS, FIRST_YEAR, IMAGE_FIELDS, INDICATOR_FIELDS,
                                 LINK_FIELDS, LINK_SCHEMES, OPTIONAL, REQUIRED, STATUSES, last_year)
from kyodo.load.images import IMAGE_TYPES
from kyodo.validate.contact import EMAIL_PATTERN, PHONE_PATTERN
from kyodo.views.data import dumps
from kyodo.views.model import SiteView

SCHEMA_PATH = "schema/case.schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"   # what YAML language servers support best

# The link and image sub-fields are checked inline in validate/case.py.

NOT_BLANK = r"\S"
TEXT = {"type": ["string", "number"], "pattern": NOT_BLANK}   # check accepts numbers as text
URL = {"type": "string", "pattern": "^(" + "|".join(re.escape(s) for s in LINK_SCHEMES) + ")"}
CONTACT = {
    "url": URL,
    "phone": {"type": "string", "pattern": PHONE_PATTERN,
              "description": "電話番号。市外局番から半角の数字とハイフンで（例: 03-1234-5678、内線は 03-1234-5678（内線 123））"},
    "email": {"type": "string", "pattern": EMAIL_PATTERN, "description": "メールアドレス。半角で（例: kodomo@city.example.jp）"},
}


def _any_case(text: str) -> str:
    """A regex matching ``text`` in any letter case (JSON Schema regexes have no flags)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in text)


def _text_list(description: str, enum: list[str] | None = None) -> dict:
    item = {"type": "string", "enum": enum} if enum else dict(TEXT)
    return {"description": description,
            "anyOf": [dict(item), {"type": "array", "items": item}]}


def _facet(facet: Facet) -> dict:
    names: list[str] = []
    for term in facet.terms:
        for name in (term.label, term.slug, *term.aliases):
            if name not in names:
                names.append(name)
    labels = "、".join(t.label for t in facet.terms)
    one = {"type": "string", "enum": names}
    how = "複数あるときは [値1, 値2] のように並べます。" if facet.multiple else "1 つだけ選びます。"
    description = f"{facet.label}（必須）。{facet.description} {how}使える値: {labels}".replace("。 ", "。")
    array = {"type": "array", "items": one, "minItems": 1, "uniqueItems": True}
    if not facet.multiple:
        array["maxItems"] = 1
    return {"title": facet.label, "description": description, "anyOf": [one, array]}


def _optional(site: Site) -> dict[str, dict]:
    """One schema per optional field (keyed by the names in ``OPTIONAL``)."""
    stages = [name for s in site.process_stages for name in (s.label, s.slug)]
    stage_labels = "、".join(s.label for s in site.process_stages)
    principles = list(site.principles)
    image_pattern = r"\.(" + "|".join(_any_case(t.lstrip(".")) for t in IMAGE_TYPES) + r")$"
    image_fields = {
        "src": {"type": "string", "pattern": image_pattern,
                "description": f"content/images/ の中のファイル名（{'、'.join(IMAGE_TYPES)}）"},
        "alt": dict(TEXT, description="画像の内容を説明する文章"),
        "caption": dict(TEXT, description="画像の下に表示する説明（任意）"),
    }
    return {
        "organizations": _text_list("協働した団体の名称（文字列のリスト）。例: [NPO法人 あおばキッズネット, 青葉川三丁目町会]"),
        "period": dict(TEXT, description="実施期間。例: 2024年4月〜2025年3月"),
        "budget": {"type": "integer", "minimum": 0, "description": "事業費（円、0 以上の整数）。例: 1200000"},
        "status": {"type": "string", "enum": list(STATUSES),
                   "description": f"事業の現在の状況: {'、'.join(STATUSES)} のどれか"},
        "principles": _text_list(
            "この事例で特に大切にした協働の原則" + (f"。使える値: {'、'.join(principles)}" if principles else ""),
            principles or None),
        "process": {
            "type": "object",
            "description": "協働のプロセスの各段階で行ったこと（段階名: 文章）"
                           + (f"。段階: {stage_labels}" if stage_labels else ""),
            **({"propertyNames": {"enum": stages}} if stages else {}),
            "additionalProperties": {"type": "string", "pattern": NOT_BLANK},
        },
        "indicators": {
            "type": "array",
            "description": "成果を測る指標。name（指標名）と value（実績値）は必須、unit・target・note は任意",
            "items": {
                "type": "object",
                "properties": {f: ({"type": ["number", "string"]} if f in ("value", "target") else dict(TEXT))
                               for f in INDICATOR_FIELDS},
                "required": ["name", "value"],
                "additionalProperties": False,
            },
        },
        "contact": {
            "description": "問い合わせ先（section・phone・email・url）",
            "anyOf": [
                {"type": "string"},
                {"type": "object",
                 "properties": {f: CONTACT.get(f, dict(TEXT)) for f in CONTACT_FIELDS},
                 "additionalProperties": False},
            ],
        },
        "links": {
            "type": "array",
            "description": "関連ページ。title と url（http:// か https:// で始まるもの）",
            "items": {
                "type": "object",
                "properties": {f: (URL if f == "url" else dict(TEXT)) for f in LINK_FIELDS},
                "required": list(LINK_FIELDS),
                "additionalProperties": False,
            },
        },
        "image": {
            "type": "object",
            "description": "画像。src は content/images/ の中のファイル名、alt は画像の内容を説明する文章（どちらも必須）",
            # KeyError here means the validator gained an image field the schema lacks.
            "properties": {f: image_fields[f] for f in IMAGE_FIELDS},
            "required": ["src", "alt"],
            "additionalProperties": False,
        },
        "updated": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                    "description": "最終更新日。2025-03-31 の形で書きます"},
        "draft": {"type": "boolean", "description": "true にすると公開サイトに出ません（下書き）"},
    }


def case_schema(site: Site, taxonomy: Taxonomy, organizations: bool = True) -> dict:
    """``organizations``: allow ``{name, role}`` items (organisations registered or roles used)."""
    required_fields = {
        "title": dict(TEXT, title="題名", description="事例の題名（必須）"),
        "summary": dict(TEXT, title="要約", description="一覧や検索結果に表示する 1〜2 文の要約（必須）"),
        "fiscal_year": {"type": "integer", "minimum": FIRST_YEAR, "maximum": last_year(), "title": "年度",
                        "description": f"事業を行った年度を西暦の整数で（必須）。令和6年度なら 2024。{FIRST_YEAR}〜{last_year()}"},
    }
    optional = _optional(site)
    properties: dict[str, dict] = {}
    for key in REQUIRED:
        properties[key] = required_fields.get(key, {"description": f"{key}（必須）"})
    for facet in taxonomy:
        properties[facet.key] = _facet(facet)
    for key in OPTIONAL:
        properties[key] = optional.get(key, {"description": f"{key}（任意）"})
    if organizations:
        from kyodo.views.organization_schema import case_organizations_property
        properties["organizations"] = case_organizations_property()
    return {
        "$schema": DRAFT,
        "$id": site.absolute(SCHEMA_PATH),
        "title": f"{site.title}: 事例ファイルの front matter",
        "description": "content/cases/<スラッグ>.md の先頭の --- で囲んだ部分に書ける項目です。"
                       "最終的な判定は python3 build.py check が行います。",
        "type": "object",
        "properties": properties,
        "required": list(REQUIRED) + list(taxonomy.facets),
        "additionalProperties": False,
    }


def schema_files(view: SiteView) -> list[tuple[str, bytes]]:
    bank = view.bank
    # Without organisations or roles in the content, the schema stays as it was before them.
    files = [(SCHEMA_PATH, dumps(case_schema(view.site, view.taxonomy, bank is not None and bank.in_use)))]
    if bank:
        from kyodo.views.organization_schema import SCHEMA_PATH as ORG_PATH, organization_schema
        files.append((ORG_PATH, dumps(organization_schema(view))))
    return files
