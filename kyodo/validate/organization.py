"""Validate organisation files (団体情報バンク) and the organisations a case names.

* ``vocabulary``: the ``organizations:`` section of ``taxonomy.yml`` (which
  facet gives an organisation's kind; the 活動分野 terms);
* ``OrganizationValidator``: one ``content/organizations/<slug>.md``;
* ``case_organizations``: a case's ``organizations:`` list (plain names, or
  ``{name: …, role: …}``), with a notice for a name that is close to, but
  not, a registered organisation's name or alias.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re

from kyodo.errors import Problem, Problems
from kyodo.load.frontmatter import Document
from kyodo.core.organization import ROLES, Organization, Recruiting, Registry, Vocabulary
from kyodo.core.taxonomy import Facet, Taxonomy, Term
from kyodo.text.normalize import fold
from kyodo.text.suggest import closest
from kyodo.validate.case import LINK_SCHEMES, CaseValidator, slug_problem
from kyodo.validate.checker import Checker, field_name, type_name
from kyodo.validate.taxonomy import _terms
from kyodo.validate.terms import resolve as resolve_term

DEFAULT_KIND_FACET = "partner"
SECTION_FIELDS = ("kind", "fields")
FIELDS_FIELDS = ("label", "description", "terms")
REQUIRED = ("name", "summary")
OPTIONAL = ("kind", "aliases", "area", "fields", "founded", "website", "contact", "recruiting",
            "updated", "draft")
KNOWN = REQUIRED + OPTIONAL
ALIASES = {"名称": "name", "団体名": "name", "title": "name", "種類": "kind", "要約": "summary",
           "概要": "summary", "別名": "aliases", "旧名称": "aliases", "地域": "area", "活動分野": "fields",
           "分野": "fields", "設立": "founded", "設立年": "founded", "ウェブサイト": "website", "url": "website",
           "homepage": "website", "募集": "recruiting", "問い合わせ先": "contact", "date": "updated"}
RECRUITING_FIELDS = ("what", "text", "until")
MENTION_FIELDS = ("name", "role")
# Folders under organizations/ that an organisation's slug would collide with.
RESERVED_SLUGS = ("fields", "page")
FIRST_FOUNDED = 1600


# -- taxonomy.yml: organizations: -----------------------------------------------------

def vocabulary(doc: Document | None, taxonomy: Taxonomy, problems: Problems) -> Vocabulary:
    """The ``organizations:`` section of ``taxonomy.yml`` (optional as a whole).

    Without it, the facet keyed ``partner`` (if any) gives the kinds and
    活動分野 are free text.
    """
    default = taxonomy.facets.get(DEFAULT_KIND_FACET)
    raw = doc.meta.get("organizations") if doc is not None else None
    if raw is None:
        return Vocabulary(default, None)
    c = Checker(doc, problems)
    path = ("organizations",)
    if not isinstance(raw, dict):
        c.error(path, "kind（団体の種類に使う分類のキー）と fields（活動分野の値）を「項目: 値」の形で書いてください")
        return Vocabulary(default, None)
    c.unknown_keys(raw, SECTION_FIELDS, path)
    kind = default
    if "kind" in raw:
        key = raw["kind"]
        if key is None or key is False:
            kind = None
        elif not isinstance(key, str) or key not in taxonomy:
            near = closest(str(key), list(taxonomy.facets))
            hint = f"「{near}」のことですか。" if near else ""
            c.error(path + ("kind",), f"「{key}」は facets の分類にありません。{hint}"
                                      f"団体の種類に使う分類のキーを書いてください: {'、'.join(taxonomy.facets)}")
        else:
            kind = taxonomy[key]
    fields = None
    spec = raw.get("fields")
    if spec is not None:
        where = path + ("fields",)
        if not isinstance(spec, dict):
            c.error(where, "label（見出し）と terms（値の一覧）を書いてください")
        else:
            c.unknown_keys(spec, FIELDS_FIELDS, where)
            terms = _terms(c, "fields", spec.get("terms"), where + ("terms",))
            fields = Facet("fields", c.text(spec, "label", where) or "活動分野", True, terms,
                           c.text(spec, "description", where))
    return Vocabulary(kind, fields)


# -- one organisation file -------------------------------------------------------------

def _this_year() -> int:
    return dt.date.today().year


class OrganizationValidator:
    def __init__(self, vocabulary: Vocabulary, registry: Registry):
        self.vocabulary = vocabulary
        self.registry = registry
        self.displays: dict[str, str] = {}   # slug -> path as shown in messages

    def validate(self, doc: Document, problems: Problems) -> Organization | None:
        c = Checker(doc, problems)
        m = doc.meta
        stem = doc.path.stem
        bad = slug_problem(stem)
        if not bad and stem in RESERVED_SLUGS:
            bad = f"ファイル名「{stem}」はページの URL に使われているため使えません。別の名前にしてください"
        if bad:
            problems.add(doc.display, 1, "ファイル名", bad)
            c.ok = False
        c.unknown_keys(m, KNOWN, aliases=ALIASES)
        name = c.text(m, "name", required=True)
        summary = c.text(m, "summary", required=True)
        kind, kind_text = self._kind(c, m)
        aliases = tuple(dict.fromkeys(a for a in c.text_list(m, "aliases") if fold(a) != fold(name)))
        fields, field_texts = self._fields(c, m)
        org = Organization(
            slug=stem, source=doc.path, name=name, summary=summary, kind=kind, kind_text=kind_text,
            aliases=aliases, area=c.text(m, "area"), fields=fields, field_texts=field_texts,
            founded=self._founded(c, m), website=self._website(c, m),
            # The contact block is the same as a case's (section, phone, email, url).
            contact=CaseValidator._contact(None, c, m),  # noqa: the method does not use self
            recruiting=self._recruiting(c, m), updated=CaseValidator._date(c, m, "updated"),
            body=doc.body, body_line=doc.body_line,
        )
        draft = CaseValidator._bool(c, m, "draft")
        if name:
            self._unique(c, doc, org)
        if not c.ok or draft:
            return None
        self.registry.add(org)
        self.displays[org.slug] = doc.display
        return org

    def _kind(self, c: Checker, m: dict) -> tuple[Term | None, str]:
        facet = self.vocabulary.kind
        value = m.get("kind")
        if facet is None:
            return None, c.text(m, "kind")
        if value is None or value == "" or value == []:
            c.error(("kind",) if "kind" in m else (),
                    f"「kind」（団体の種類）は必須です。{facet.label}から 1 つ選んで書いてください: {facet.allowed()}")
            return None, ""
        if isinstance(value, list):
            if len(value) != 1:
                c.error(("kind",), f"団体の種類は 1 つだけ書いてください。次から選んでください: {facet.allowed()}")
                return None, ""
            value = value[0]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            c.error(("kind",), f"値は文字で書いてください（いまは{type_name(value)}です）。使える値: {facet.allowed()}")
            return None, ""
        term, why = resolve_term(facet, str(value))
        if term is None:
            c.error(("kind",), f"{why}使える値: {facet.allowed()}")
            return None, ""
        return term, ""

    def _fields(self, c: Checker, m: dict) -> tuple[tuple[Term, ...], tuple[str, ...]]:
        facet = self.vocabulary.fields
        written = c.text_list(m, "fields")
        if facet is None:
            return (), tuple(dict.fromkeys(written))
        found: list[Term] = []
        value = m.get("fields")
        for i, item in enumerate(written):
            term, why = resolve_term(facet, item)
            if term is None:
                c.error(("fields", i) if isinstance(value, list) else ("fields",), f"{why}使える値: {facet.allowed()}")
                continue
            if term not in found:
                found.append(term)
        return tuple(sorted(found, key=lambda t: t.order)), ()

    @staticmethod
    def _founded(c: Checker, m: dict) -> int | dt.date | None:
        value = m.get("founded")
        if value is None:
            return None
        hi = _this_year()
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            if value.year < FIRST_FOUNDED or value > dt.date.today():
                c.error(("founded",), f"設立日 {value.isoformat()} は範囲外です。今日までの日付を書いてください")
                return None
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            if not FIRST_FOUNDED <= value <= hi:
                c.error(("founded",), f"設立年 {value} は範囲外です。{FIRST_FOUNDED} から {hi} までの西暦で書いてください")
                return None
            return value
        text = str(value).strip()
        hint = "例: 2008（設立年）または 2008-04-01（設立日）"
        match = re.fullmatch(r"(\d{4})\s*年?", text)
        if match:
            hint = f"{match.group(1)} と数字だけで書いてください"
        c.error(("founded",), f"設立は西暦の年（整数）か日付で書いてください（いまは{type_name(value)}「{text}」です）。{hint}")
        return None

    @staticmethod
    def _website(c: Checker, m: dict) -> str:
        url = c.text(m, "website")
        if url and (not url.startswith(LINK_SCHEMES) or any(ch.isspace() for ch in url)):
            c.error(("website",), f"URL「{url}」は使えません。http:// か https:// で始まる URL を書いてください")
            return ""
        return url

    @staticmethod
    def _recruiting(c: Checker, m: dict) -> Recruiting | None:
        value = m.get("recruiting")
        if value is None or value is False:
            return None
        if isinstance(value, str):
            return Recruiting((), value.strip()) if value.strip() else None
        if not isinstance(value, dict):
            c.error(("recruiting",), "募集は text（募集の案内文）と、任意で what（募集するもの: ボランティア・会員など）・"
                                     "until（締切日）を書いてください。募集していないときは書かないでください")
            return None
        path = ("recruiting",)
        c.unknown_keys(value, RECRUITING_FIELDS, path)
        text = c.text(value, "text", path, required=True)
        what = c.text_list(value, "what", path)
        until = CaseValidator._date(c, value, "until")
        return Recruiting(what, text, until) if text else None

    def _unique(self, c: Checker, doc: Document, org: Organization) -> None:
        """Names, aliases and slugs must not be shared between organisations."""
        for i, name in enumerate((org.name, *org.aliases)):
            other = self.registry.owner(name)
            if other is None:
                continue
            where = ("name",) if i == 0 else ("aliases", i - 1) if isinstance(doc.meta.get("aliases"), list) else ("aliases",)
            c.error(where, f"「{name}」はすでに {self.displays.get(other.slug, other.slug)}（{other.name}）の名前・別名・スラッグです。"
                           "同じ団体なら 1 つのファイルにまとめ、別の団体なら名前を区別してください")


# -- a case's organizations: --------------------------------------------------------------

LEGAL_FORMS = ("特定非営利活動法人", "npo法人", "社会福祉法人", "公益財団法人", "公益社団法人", "一般財団法人",
               "一般社団法人", "株式会社", "有限会社", "合同会社", "医療法人", "宗教法人", "学校法人", "(株)", "(有)")
DIGITS = re.compile(r"[0-9〇一二三四五六七八九十百]+")


def core_name(name: str) -> str:
    """The part of a name that identifies the organisation: folded, no legal form, no spaces."""
    text = fold(name)
    for form in LEGAL_FORMS:
        text = text.replace(form, "")
    return re.sub(r"[\s・･]+", "", text)


class NearMatcher:
    """Finds the registered name a written (unregistered) name most likely means."""

    def __init__(self, registry: Registry, cutoff: float = 0.85):
        self.cutoff = cutoff
        self.names = []                        # (core, its numerals, name as registered, organisation)
        for org in registry:
            for n in org.names:
                core = core_name(n)
                if core:
                    self.names.append((core, DIGITS.findall(core), n, org))
        self.memo: dict[str, tuple[str, Organization] | None] = {}

    def near(self, written: str) -> tuple[str, Organization] | None:
        key = core_name(written)
        if key not in self.memo:
            self.memo[key] = self._near(key)
        return self.memo[key]

    def _near(self, key: str):
        if not key:
            return None
        digits = DIGITS.findall(key)
        best, best_score = None, 0.0
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        n = len(key)
        for core, core_digits, name, org in self.names:
            if core_digits != digits:
                continue   # 川端一丁目町会 and 川端二丁目町会 are different organisations
            if core == key:
                return name, org
            m = len(core)
            if min(m, n) >= 4 and (key.startswith(core) or core.startswith(key)):
                score = 0.99   # a unit of a registered organisation, or its shortened name
            else:
                if 2 * min(m, n) < self.cutoff * (m + n):
                    continue   # the lengths alone rule it out (difflib's real_quick_ratio)
                matcher.set_seq1(core)
                if matcher.quick_ratio() < self.cutoff:
                    continue
                score = matcher.ratio()
            if score >= self.cutoff and score > best_score:
                best, best_score = (name, org), score
        return best


def case_organizations(c: Checker, m: dict, registry: Registry | None,
                       matcher: NearMatcher | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names as written, roles aligned with them: "" when none) of a case's ``organizations``."""
    value = m.get("organizations")
    if value is None:
        return (), ()
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    roles: list[str] = []
    for i, item in enumerate(items):
        where = ("organizations", i) if isinstance(value, list) else ("organizations",)
        role = ""
        if isinstance(item, dict):
            c.unknown_keys(item, MENTION_FIELDS, where)
            name = c.text(item, "name", where, required=True)
            role = _role(c, item, where)
        elif isinstance(item, bool) or not isinstance(item, (str, int, float)):
            c.error(where, f"団体名の文字列か、{{name: 団体名, role: 役割}} の形で書いてください（いまは{type_name(item)}です）")
            continue
        else:
            name = str(item).strip()
        if not name:
            continue
        names.append(name)
        roles.append(role)
        if registry and matcher is not None and registry.resolve(name) is None:
            near = matcher.near(name)
            if near:
                written, org = near
                registry.notices.append(Problem(
                    c.doc.display, c.doc.line(*where), field_name(where),
                    f"「{name}」は登録済みの「{written}」のことですか。同じ団体なら名前・別名・スラッグのどれかで書くと、"
                    f"団体のページ（organizations/{org.slug}/）と結び付きます。別の団体ならこのままでかまいません"))
    return tuple(names), tuple(roles) if any(roles) else ()


def _role(c: Checker, item: dict, where: tuple) -> str:
    role = c.text(item, "role", where)
    if not role:
        return ""
    match = next((r for r in ROLES if fold(r) == fold(role)), None)
    if match:
        return match
    near = closest(role, ROLES)
    hint = f"「{near}」のことですか。" if near else ""
    c.error(where + ("role",), f"「{role}」は団体の役割にありません。{hint}使える値: {'、'.join(ROLES)}")
    return ""
