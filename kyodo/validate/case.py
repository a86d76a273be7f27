"""Validate one case document into a :class:`Case`."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from kyodo.errors import Problems
from kyodo.load.frontmatter import Document
from kyodo.core.case import Case, Contact, Image, Indicator, Link
from kyodo.core.site import Site
from kyodo.core.taxonomy import Facet, Taxonomy, Term
from kyodo.load.images import resolve_image
from kyodo.text.normalize import fold
from kyodo.text.suggest import closest
from kyodo.text.wareki import parse_wareki
from kyodo.validate.checker import Checker, field_name, type_name
from kyodo.validate.contact import check_email, check_phone
from kyodo.validate.hints import list_line, split_list
from kyodo.validate.terms import resolve as resolve_term

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
REQUIRED = ("title", "summary", "fiscal_year")
OPTIONAL = ("organizations", "period", "budget", "status", "principles", "process",
            "indicators", "contact", "links", "image", "updated", "draft")
STATUSES = ("実施中", "終了", "休止")
INDICATOR_FIELDS = ("name", "value", "unit", "target", "note")
CONTACT_FIELDS = ("section", "phone", "email", "url")
LINK_FIELDS = ("title", "url")
IMAGE_FIELDS = ("src", "alt", "caption")   # src and alt are required
LINK_SCHEMES = ("http://", "https://")
FIRST_YEAR = 1989


def last_year() -> int:
    """Cases may be planned for next fiscal year, not later."""
    today = dt.date.today()
    return (today.year if today.month >= 4 else today.year - 1) + 1


def slug_problem(stem: str) -> str | None:
    if SLUG.match(stem):
        return None
    proposal = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    text = f"ファイル名「{stem}」は使えません。英小文字・数字・ハイフンだけで、先頭は英小文字か数字にしてください"
    if proposal and SLUG.match(proposal):
        text += f"（例: {proposal}.md）"
    return text


class CaseValidator:
    def __init__(self, site: Site, taxonomy: Taxonomy, images_dir: Path, registry=None):
        self.site = site
        # Registered organisations (kyodo.core.organization.Registry) or None; imported here
        # because kyodo.validate.organization builds on this module.
        from kyodo.validate.organization import NearMatcher, case_organizations
        self.registry = registry
        self._organizations = case_organizations
        self._matcher = NearMatcher(registry) if registry else None
        self.taxonomy = taxonomy
        self.images_dir = images_dir
        self.known = list(REQUIRED) + list(taxonomy.facets) + list(OPTIONAL)
        # Staff may write a facet's Japanese heading instead of its key.
        self.aliases = {f.label: f.key for f in taxonomy}
        self.aliases.update({"年度": "fiscal_year", "題名": "title", "タイトル": "title", "要約": "summary",
                             "概要": "summary", "year": "fiscal_year", "tags": "", "date": "updated"})
        self.stage_lookup = {fold(n): s for s in site.process_stages for n in (s.slug, s.label)}
        # (facet, value as written) -> its terms, for values that had no problem: the same
        # lists are written in thousands of files
        self._terms: dict[tuple, tuple[Term, ...]] = {}

    def validate(self, doc: Document, problems: Problems) -> Case | None:
        c = Checker(doc, problems)
        m = doc.meta
        stem = doc.path.stem
        bad = slug_problem(stem)
        if bad:
            problems.add(doc.display, 1, "ファイル名", bad)
            c.ok = False
        c.unknown_keys(m, self.known, aliases={k: v for k, v in self.aliases.items() if v})
        title = c.text(m, "title", required=True)
        summary = c.text(m, "summary", required=True)
        year = self._year(c, m)
        terms = {facet.key: self._facet(c, facet, m) for facet in self.taxonomy}
        organizations, roles = self._organizations(c, m, self.registry, self._matcher)
        case = Case(
            slug=stem, source=doc.path, title=title, summary=summary, fiscal_year=year or 0,
            terms=terms, body=doc.body, body_line=doc.body_line,
            organizations=organizations, organization_roles=roles,
            period=c.text(m, "period"),
            budget=self._budget(c, m),
            status=self._status(c, m),
            principles=self._principles(c, m),
            process=self._process(c, m),
            indicators=self._indicators(c, m),
            contact=self._contact(c, m),
            links=self._links(c, m),
            image=self._image(c, m),
            updated=self._date(c, m, "updated"),
            draft=self._bool(c, m, "draft"),
        )
        return case if c.ok else None

    # -- required -----------------------------------------------------------
    def _year(self, c: Checker, m: dict) -> int | None:
        value = m.get("fiscal_year")
        hi = last_year()
        if value is None:
            c.error(("fiscal_year",) if "fiscal_year" in m else (),
                    "「fiscal_year」は必須です。事業を行った年度（西暦）を、次のように書いてください: fiscal_year: 2024",
                    field="fiscal_year")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            as_text = str(value).strip()
            converted = parse_wareki(as_text)
            digits = re.fullmatch(r"(\d{4})\s*(年度?)?", unicodedata.normalize("NFKC", as_text), re.ASCII)
            if converted:
                hint = f"{as_text} なら、次のように書いてください: fiscal_year: {converted}"
            elif digits and not re.match(r"[0-9]{4}", as_text):
                hint = f"数字が全角です。半角の数字で、次のように書いてください: fiscal_year: {digits[1]}"
            elif digits:
                hint = f"数字だけで、次のように書いてください: fiscal_year: {digits[1]}"
            else:
                hint = "例: fiscal_year: 2024（令和6年度）"
            c.error(("fiscal_year",), f"年度は西暦の整数で書いてください（いまは{type_name(value)}「{as_text}」です）。{hint}")
            return None
        if not FIRST_YEAR <= value <= hi:
            c.error(("fiscal_year",), f"年度 {value} は範囲外です。{FIRST_YEAR} から {hi} までの西暦で書いてください")
            return None
        return value

    def _facet(self, c: Checker, facet: Facet, m: dict) -> tuple[Term, ...]:
        value = m.get(facet.key)
        if type(value) is list and all(type(v) is str for v in value):
            memo = (facet.key, True, *value)
        elif type(value) is str:
            memo = (facet.key, False, value)
        else:
            return self._facet_terms(c, facet, value, facet.key in m)
        terms = self._terms.get(memo)
        if terms is None:
            ok = c.ok
            c.ok = True
            terms = self._facet_terms(c, facet, value, True)
            if c.ok and len(self._terms) < 50000:
                self._terms[memo] = terms
            c.ok = ok and c.ok
        return terms

    def _facet_terms(self, c: Checker, facet: Facet, value, written: bool) -> tuple[Term, ...]:
        key = facet.key
        if value is None or value == [] or value == "":
            c.error((key,) if written else (),
                    f"「{key}」（{facet.label}）は必須です。次から選んで書いてください: {facet.allowed()}", field=key)
            return ()
        if self._list_slip(c, facet, value):
            return ()
        items = value if isinstance(value, list) else [value]
        if not facet.multiple and len(items) > 1:
            c.error((key,), f"{facet.label}は 1 つだけ書いてください。次から選んでください: {facet.allowed()}")
            return ()
        found: list[Term] = []
        for i, item in enumerate(items):
            where = (key, i) if isinstance(value, list) else (key,)
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                c.error(where, f"値は文字で書いてください（いまは{type_name(item)}です）。使える値: {facet.allowed()}")
                continue
            term, why = resolve_term(facet, str(item))
            if term is None:
                rejected = facet.rejection(str(item)) is not None
                c.error(where, f"{why}（使える値: {facet.allowed()}）" if rejected else f"{why}使える値: {facet.allowed()}")
                continue
            if term not in found:
                found.append(term)
        return tuple(sorted(found, key=lambda t: t.order))

    @staticmethod
    def _list_slip(c: Checker, facet: Facet, value) -> bool:
        """A list written with 、，, (``a、b`` or ``[a、b]``): report the line as it should be."""
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(i, str) for i in items) or all(facet.resolve(i) for i in items):
            return False
        split = [(split_list(i) or [i]) if facet.resolve(i) is None else [i] for i in items]
        if all(len(parts) == 1 for parts in split):
            return False
        flat = [p for parts in split for p in parts]
        unknown = [p for p in flat if facet.resolve(p) is None]
        fixed = list_line(facet.key, flat)
        if not facet.multiple:
            text = f"{facet.label}は 1 つだけ書いてください（「、」や「,」で区切って並べることはできません）。使える値: {facet.allowed()}"
        else:
            text = f"複数の値は [ ] で囲み、半角のカンマ（,）で区切ります。次のように書いてください: {fixed}"
        if unknown:
            text += "。" + "".join(resolve_term(facet, u)[1] for u in unknown) + f"使える値: {facet.allowed()}"
        c.error((facet.key,), text)
        return True

    # -- optional -----------------------------------------------------------
    def _budget(self, c: Checker, m: dict) -> int | None:
        value = m.get("budget")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            c.error(("budget",), f"事業費は円単位の 0 以上の整数で書いてください（例: 1200000）。いまは「{value}」です")
            return None
        return value

    def _status(self, c: Checker, m: dict) -> str:
        value = c.text(m, "status")
        if value and value not in STATUSES:
            near = closest(value, STATUSES)
            hint = f"「{near}」のことですか。" if near else ""
            c.error(("status",), f"「{value}」は使えません。{hint}次のどれかを書いてください: {'、'.join(STATUSES)}")
            return ""
        return value

    def _principles(self, c: Checker, m: dict) -> tuple[str, ...]:
        values = c.text_list(m, "principles")
        allowed = self.site.principles
        if not allowed:
            return values
        folded = {fold(p) for p in allowed}
        if any(fold(v) not in folded and split_list(v) for v in values):
            flat = [p for v in values for p in (split_list(v) if fold(v) not in folded else None) or [v]]
            c.error(("principles",), "複数の値は [ ] で囲み、半角のカンマ（,）で区切ります。"
                                     f"次のように書いてください: {list_line('principles', flat)}")
            return ()
        out = []
        for i, v in enumerate(values):
            match = next((p for p in allowed if fold(p) == fold(v)), None)
            if match is None:
                near = closest(v, allowed)
                hint = f"「{near}」のことですか。" if near else ""
                c.error(("principles", i), f"「{v}」は協働の原則にありません。{hint}使える値: {'、'.join(allowed)}")
                continue
            out.append(match)
        return tuple(out)

    def _process(self, c: Checker, m: dict) -> tuple[tuple[str, str], ...]:
        raw = c.mapping(m, "process")
        if not raw:
            return ()
        stages = self.site.process_stages
        notes: dict[str, str] = {}
        for key, note in raw.items():
            where = ("process", key)
            label = str(key)
            if stages:
                stage = self.stage_lookup.get(fold(str(key)))
                if stage is None:
                    near = closest(str(key), [s.label for s in stages])
                    hint = f"「{near}」のことですか。" if near else ""
                    c.error(where, f"「{key}」はプロセスの段階にありません。{hint}使える段階: {'、'.join(s.label for s in stages)}")
                    continue
                label = stage.label
            if not isinstance(note, str) or not note.strip():
                c.error(where, "この段階で行ったことを文章で書いてください")
                continue
            notes[label] = note.strip()
        order = [s.label for s in stages] or list(notes)
        return tuple((label, notes[label]) for label in order if label in notes)

    def _indicators(self, c: Checker, m: dict) -> tuple[Indicator, ...]:
        raw = m.get("indicators")
        if raw is None:
            return ()
        if not isinstance(raw, list):
            c.error(("indicators",), "指標は「- name: …」「value: …」のリストで書いてください")
            return ()
        out = []
        for i, item in enumerate(raw):
            where = ("indicators", i)
            if not isinstance(item, dict):
                c.error(where, "name（指標名）と value（実績値）を書いてください")
                continue
            c.unknown_keys(item, INDICATOR_FIELDS, where)
            name = c.text(item, "name", where, required=True)
            value = self._number_or_text(c, item, "value", where, required=True)
            target = self._number_or_text(c, item, "target", where)
            if name and value is not None:
                out.append(Indicator(name, value, c.text(item, "unit", where), target, c.text(item, "note", where)))
        return tuple(out)

    @staticmethod
    def _number_or_text(c: Checker, item: dict, key: str, where: tuple, required: bool = False):
        value = item.get(key)
        if value is None:
            if required:
                c.error(where + ((key,) if key in item else ()), f"「{key}」は必須です", field=field_name(where + (key,)))
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            c.error(where + (key,), f"数値か文字で書いてください（いまは{type_name(value)}です）")
            return None
        return value

    def _contact(self, c: Checker, m: dict) -> Contact | None:
        value = m.get("contact")
        if value is None:
            return None
        if isinstance(value, str):
            return Contact(section=value.strip())
        raw = c.mapping(m, "contact")
        if raw is None:
            return None
        c.unknown_keys(raw, CONTACT_FIELDS, ("contact",))
        url = c.text(raw, "url", ("contact",))
        if url and not url.startswith(LINK_SCHEMES):
            c.error(("contact", "url"), "URL は http:// か https:// で始めてください")
            url = ""
        section, phone, email = (c.text(raw, k, ("contact",)) for k in ("section", "phone", "email"))
        for key, value, check in (("phone", phone, check_phone), ("email", email, check_email)):
            why = check(value)[1] if value else None
            if why:
                c.error(("contact", key), why)
        return Contact(section, phone, email, url)

    def _links(self, c: Checker, m: dict) -> tuple[Link, ...]:
        raw = m.get("links")
        if raw is None:
            return ()
        if not isinstance(raw, list):
            c.error(("links",), "関連リンクは「- title: …」「url: …」のリストで書いてください")
            return ()
        out = []
        for i, item in enumerate(raw):
            where = ("links", i)
            if not isinstance(item, dict):
                c.error(where, "title（リンクの名前）と url を書いてください")
                continue
            c.unknown_keys(item, LINK_FIELDS, where)
            title = c.text(item, "title", where, required=True)
            url = c.text(item, "url", where, required=True)
            if url and not url.startswith(LINK_SCHEMES):
                c.error(where + ("url",), f"URL「{url}」は使えません。http:// か https:// で始まる URL を書いてください")
                continue
            if title and url:
                out.append(Link(title, url))
        return tuple(out)

    def _image(self, c: Checker, m: dict) -> Image | None:
        raw = m.get("image")
        if raw is None:
            return None
        if isinstance(raw, str):
            c.error(("image",), "画像は src（ファイル名）と alt（画像の内容を説明する文章）を書いてください。例: image: {src: hiroba.jpg, alt: ひろばで遊ぶ親子}")
            return None
        raw = c.mapping(m, "image")
        if raw is None:
            return None
        c.unknown_keys(raw, IMAGE_FIELDS, ("image",))
        src = c.text(raw, "src", ("image",), required=True)
        alt = c.text(raw, "alt", ("image",), required=True)
        if not src:
            return None
        resolved = resolve_image(src, self.images_dir)
        if isinstance(resolved, str) and resolved.startswith("!"):
            c.error(("image", "src"), resolved[1:])
            return None
        return Image(resolved, alt, c.text(raw, "caption", ("image",))) if alt else None

    @staticmethod
    def _date(c: Checker, m: dict, key: str) -> dt.date | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        c.error((key,), f"日付は 2025-03-31 の形で書いてください（いまは「{value}」です）")
        return None

    @staticmethod
    def _bool(c: Checker, m: dict, key: str) -> bool:
        value = m.get(key, False)
        if not isinstance(value, bool):
            c.error((key,), "true か false で書いてください")
            return False
        return value
