"""``schema/organization.schema.json`` and the case schema's ``organizations`` items.

Like ``schema/case.schema.json`` (kyodo/views/schema.py) the schema is made
from the content's own vocabulary, is an aid for editors, and agrees with
``check`` (kyodo/validate/organization.py) on what a schema can express.
Nothing is written for a site without organisations.
"""

from __future__ import annotations

from kyodo.core.organization import ROLES
from kyodo.core.taxonomy import Facet
from kyodo.validate.case import CONTACT_FIELDS
from kyodo.validate.organization import FIRST_FOUNDED, KNOWN, RECRUITING_FIELDS, REQUIRED
from kyodo.views.schema import DRAFT, NOT_BLANK, TEXT, URL, _text_list

SCHEMA_PATH = "schema/organization.schema.json"
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


def _names(facet: Facet) -> list[str]:
    return list(dict.fromkeys(n for t in facet.terms for n in (t.label, t.slug, *t.aliases)))


def case_organizations_property() -> dict:
    """A case's ``organizations``: names, or ``{name, role}`` mappings."""
    mention = {"type": "object", "properties": {"name": dict(TEXT, description="団体名（登録した団体なら名称・別名・スラッグ）"),
                                                "role": {"type": "string", "enum": list(ROLES),
                                                         "description": f"この事例での団体の役割: {'、'.join(ROLES)}"}},
               "required": ["name"], "additionalProperties": False}
    item = {"anyOf": [dict(TEXT), mention]}
    return {"description": "協働した団体。団体名の文字列か {name: 団体名, role: 役割} のリスト。"
                           "content/organizations/ に登録した団体の名称・別名・スラッグを書くと、団体のページと結び付きます",
            "anyOf": [dict(TEXT), {"type": "array", "items": item}]}


def organization_schema(view) -> dict:
    vocab = view.bank.registry.vocabulary
    site = view.site
    kind = ({"type": "string", "enum": _names(vocab.kind),
             "description": f"団体の種類（必須）。{vocab.kind.label}の値: {vocab.kind.allowed()}"}
            if vocab.kind else dict(TEXT, description="団体の種類"))
    fields = (_text_list(f"{vocab.fields.label}。使える値: {vocab.fields.allowed()}", _names(vocab.fields))
              if vocab.fields else _text_list("活動分野"))
    props = {
        "name": dict(TEXT, title="名称", description="団体の正式な名称（必須）"),
        "summary": dict(TEXT, title="要約", description="一覧に表示する 1〜2 文の紹介（必須）"),
        "kind": kind,
        "aliases": _text_list("別名・旧名称・略称。事例の organizations にこの名前を書いても結び付きます"),
        "area": dict(TEXT, description="主な活動地域。例: 柳原一丁目・二丁目"),
        "fields": fields,
        "founded": {"description": "設立年（西暦の整数）か設立日（2008-04-01）",
                    "anyOf": [{"type": "integer", "minimum": FIRST_FOUNDED}, DATE]},
        "website": dict(URL, description="団体のウェブサイト（http:// か https:// で始まる URL）"),
        "contact": {"description": "団体の連絡先（section・phone・email・url）",
                    "anyOf": [{"type": "string"},
                              {"type": "object",
                               "properties": {f: (URL if f == "url" else dict(TEXT)) for f in CONTACT_FIELDS},
                               "additionalProperties": False}]},
        "recruiting": {"description": "募集（会員・ボランティアなど）。text は必須、what・until は任意",
                       "anyOf": [{"type": "string", "pattern": NOT_BLANK}, {"const": False},
                                 {"type": "object",
                                  "properties": {"what": _text_list("募集するもの（例: ボランティア, 会員）"),
                                                 "text": dict(TEXT, description="募集の案内文"),
                                                 "until": dict(DATE, description="締切日")},
                                  "required": ["text"], "additionalProperties": False}]},
        "updated": dict(DATE, description="最終更新日。2025-03-31 の形で書きます"),
        "draft": {"type": "boolean", "description": "true にすると公開サイトに出ません（下書き）"},
    }
    assert set(props) == set(KNOWN) and set(RECRUITING_FIELDS) == {"what", "text", "until"}
    required = list(REQUIRED) + (["kind"] if vocab.kind else [])
    return {
        "$schema": DRAFT,
        "$id": site.absolute(SCHEMA_PATH),
        "title": f"{site.title}: 団体ファイルの front matter",
        "description": "content/organizations/<スラッグ>.md の先頭の --- で囲んだ部分に書ける項目です。"
                       "最終的な判定は python3 build.py check が行います。",
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }
