"""A rebuild after body-only edits (kyodo/commands/snapshot.py): it renders only
the changed case pages, and the folder it leaves is byte for byte a clean
build's; anything else falls back to the normal build, which gives the same."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kyodo import paths
from kyodo.commands import build as build_command
from kyodo.commands import snapshot
from kyodo.errors import ContentError
from kyodo.validate.readings import contains, witnesses
from kyodo.views import bodies
from tests.factory import OTHER_DROP, OTHER_SITE, OTHER_TAXONOMY, PNG, ROOT, case_text, make_content

TERMS = {"partner": ["NPO法人", "区民", "町会・自治会", "事業者"], "form": ["委託", "共催", "補助・助成", "後援"],
         "domain": ["B", "C", "D"], "outcomes": ["事業の充実・拡大", "担い手の育成"]}
READINGS = "青葉川区: あおばがわく\n柳橋: やなぎばし\n若葉坂: わかばざか\n"


def listing(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) below ``root``."""
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(root.rglob("*"))}


def a_case(n: int, small: bool = False, **fields) -> str:
    rng = random.Random(n)
    if small:
        values = {"theme": rng.choice(["[福祉, 防災]", "[防災]", "[福祉]"]), "area": rng.choice(["北部", "南部"])}
        body = f"## 背景\n\n事例{n}の取り組みです。[[theme:福祉]]の考え方です。\n\n## 成果\n\n参加者が増えました。\n"
        values["drop"] = OTHER_DROP
    else:
        values = {k: "[" + ", ".join(rng.sample(v, rng.randint(1, 2))) + "]" for k, v in TERMS.items()}
        body = f"## 背景\n\n事例{n}の取り組みです。[[domain:B]]の考え方です。\n\n## 成果\n\n参加者が増えました。\n"
    values.update(fields)
    return case_text(body, title=f"事例その{n}", fiscal_year=rng.choice([2022, 2023, 2024]), **values)


class Site:
    """A small content folder, built without the search index into ``out`` with one
    cache; ``same_as_clean`` builds it again into a new folder with a new cache."""

    def __init__(self, tmp: Path, monkeypatch, cards: Path, cases: int = 5, readings: str | None = None,
                 small: bool = False):
        self.tmp = tmp
        self.small = small
        files = {f"case-{n}.md": a_case(n, small) for n in range(cases)}
        files[f"sub/case-{cases}.md"] = a_case(cases, small)   # a case in a folder of its own
        self.nested = cases
        self.content = make_content(tmp / "content", files, images={"ok.png": PNG},
                                    taxonomy=OTHER_TAXONOMY if small else None, site=OTHER_SITE if small else None)
        site = self.content / "site.yml"   # ruby pages are never kept by a snapshot; no image per case
        site.write_text(site.read_text(encoding="utf-8").replace("furigana: true", "furigana: false")
                        .replace("  cases: true", "  cases: false"), encoding="utf-8")
        if readings is not None:
            (self.content / "readings.yml").write_text(readings, encoding="utf-8")
        self.templates = tmp / "templates"
        shutil.copytree(paths.TEMPLATES, self.templates)
        monkeypatch.setattr(paths, "TEMPLATES", self.templates)
        self.cache = tmp / "cache"
        self.cards = cards
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp / "xdg"))   # the HMAC key is made there
        self.monkeypatch = monkeypatch
        self.out = tmp / "site"
        self.rounds = 0

    def case(self, n: int) -> Path:
        return self.content / "cases" / ("sub/" if n == self.nested else "") / f"case-{n}.md"

    def append(self, n: int, text: str) -> None:
        path = self.case(n)
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    def build(self, out: Path | None = None, cache: Path | str | None = None, **options):
        cache = cache or self.cache
        if cache != "off" and not (Path(cache) / "cards").exists():
            # The drawn share images, keyed by their text, are the one thing all caches share
            # (drawing them is most of a build of five cases); nothing else is.
            Path(cache).mkdir(parents=True, exist_ok=True)
            (Path(cache) / "cards").symlink_to(self.cards, target_is_directory=True)
        self.monkeypatch.setenv("KYODO_CACHE", str(cache))
        bodies._MEMORY.clear()   # as in a new process
        options.setdefault("with_search", False)
        return build_command.build(self.content, out or self.out, **options)

    def clean(self) -> tuple[Path, object]:
        self.rounds += 1
        folder = self.tmp / f"clean{self.rounds}"
        result = self.build(folder, self.tmp / f"nocache{self.rounds}")
        return folder, result

    def same_as(self, folder: Path) -> None:
        assert not list(self.out.parent.glob(f".{self.out.name}.building-*"))   # nothing left beside
        a, b = listing(self.out), listing(folder)
        assert sorted(a) == sorted(b), sorted(set(a) ^ set(b))
        different = [rel for rel in a if a[rel] != b[rel]]
        assert not different, different[:10]

    def same_as_clean(self):
        """The output equals a clean build's; the clean build's result."""
        folder, result = self.clean()
        self.same_as(folder)
        shutil.rmtree(folder)
        return result

    def forget(self) -> None:
        """No record of the case pages: the next build is the normal one."""
        self.monkeypatch.setenv("KYODO_CACHE", str(self.cache))
        snapshot.forget(self.content, self.out)
        assert not list((self.cache / "snapshot").glob("*.json"))

    def records(self) -> tuple[Path, Path]:
        (json_path,) = (self.cache / "snapshot").glob("*.json")
        return json_path, json_path.with_suffix(".pickle")


@pytest.fixture(scope="session")
def cards(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cards")


@pytest.fixture
def make_site(tmp_path, monkeypatch, cards):
    return lambda **kw: Site(tmp_path, monkeypatch, cards, **kw)


@pytest.fixture
def site(make_site):
    s = make_site()
    first = s.build()
    assert not first.quick
    return s


@pytest.fixture
def small(make_site):
    """Another taxonomy, fewer pages."""
    s = make_site(small=True)
    assert not s.build().quick
    return s


# -- 1. body-only edits ------------------------------------------------------------------

def test_a_body_edit_renders_that_page_alone(site):
    site.append(1, "\n## 追記\n\n一文を足しました。[[domain:C]]も関わります。\n")
    before = {p: p.stat().st_mtime_ns for p in site.out.rglob("*") if p.is_file()}
    result = site.build()
    assert result.quick
    assert result.written["written"] == 1 and result.written["removed"] == 0
    changed = [p.relative_to(site.out).as_posix() for p, t in before.items() if p.stat().st_mtime_ns != t]
    assert changed == ["cases/case-1/index.html"]
    assert "一文を足しました" in (site.out / "cases/case-1/index.html").read_text(encoding="utf-8")
    _record, payload = site.records()
    assert "一文を足しました".encode() not in payload.read_bytes()   # no case text is kept
    clean = site.same_as_clean()
    assert (result.pages, result.cases) == (clean.pages, clean.cases)
    assert result.warnings == clean.warnings
    # Saved again without a change: nothing is rendered, and it stays quick.
    os.utime(site.case(2))
    again = site.build()
    assert again.quick and again.written["written"] == 0
    site.same_as_clean()
    # The page the quick way wrote has the fingerprint the normal build gives it: kept as it is.
    site.forget()
    normal = site.build()
    assert not normal.quick and normal.written["kept"] == normal.written["files"], normal.written
    site.append(1, "\nまた一文。\n")
    assert site.build().quick
    # Files the build leaves out may come and go.
    (site.content / "cases" / "_memo.md").write_text("メモ", encoding="utf-8")
    (site.content / "cases" / ".hidden.md").write_text("隠し", encoding="utf-8")
    site.append(3, "\n追記です。\n")
    assert site.build().quick
    site.same_as_clean()


def test_bodies_emptied_or_with_a_rule_and_two_output_folders(small):
    site = small
    other = site.tmp / "other-site"
    assert not site.build(other).quick   # a record of its own
    path = site.case(0)
    path.write_text(path.read_text(encoding="utf-8").split("## 背景")[0], encoding="utf-8")   # no text at all
    site.append(1, "\n---\n\ntitle: 本文の中の区切りの後\n\n---\n")
    for out in (site.out, other):
        result = site.build(out)
        assert result.quick and result.written["written"] == 2
    site.same_as_clean()
    assert listing(other) == listing(site.out)


def test_several_body_edits_and_a_random_sequence_stay_identical(site):
    for n in (0, 2, 4):
        site.append(n, f"\n追記 {n} です。\n")
    result = site.build()
    assert result.quick and result.written["written"] == 3
    site.same_as_clean()
    rng = random.Random(11)
    snippets = ["\n- 箇条書き\n- もう一つ\n", "\n### 小見出し\n\n説明です。\n", "\n[[form:共催]]で行いました。\n",
                "\n| 項目 | 値 |\n| --- | --- |\n| 人数 | 12 |\n", "\n**強調**と[リンク](https://example.com/)。\n"]
    for step in range(4):
        chosen = rng.sample(range(6), rng.randint(1, 3))
        if step == 0:
            chosen = [5, *(n for n in chosen if n != 5)]   # the case in a folder, once at least
        for n in chosen:
            path = site.case(n)
            text = path.read_text(encoding="utf-8")
            if rng.random() < 0.3 and "参加者が増えました。" in text:
                text = text.replace("参加者が増えました。", f"参加者が{step}人増えました。")
            else:
                text += rng.choice(snippets)
            path.write_text(text, encoding="utf-8")
        result = site.build()
        assert result.quick, (step, chosen)
        assert result.written["written"] == len(chosen)
        site.same_as_clean()


def test_the_command_line_takes_the_quick_way_in_a_new_process(small):
    site = small
    env = dict(os.environ, PYTHONPATH=str(ROOT), KYODO_CACHE=str(site.cache))
    # The templates are the project's here (a new process does not see the test's copy).
    site.monkeypatch.setattr(paths, "TEMPLATES", ROOT / "templates")
    command = [sys.executable, str(ROOT / "build.py"), "--no-search", "--content", str(site.content),
               "--out", str(site.out)]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    site.append(3, "\n新しい段落です。\n")
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "変更 1 ファイル" in second.stdout, second.stdout
    record, _payload = site.records()
    files = json.loads(record.read_bytes())["files"]
    assert files["cases/case-3.md"][2] == hashlib.blake2b(site.case(3).read_bytes(), digest_size=16).hexdigest()
    site.same_as_clean()


# -- 2. everything else: the normal build ---------------------------------------------

def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _front(site: Site):
    replace_in(site.case(1), "title: 事例その1", "title: 新しい題名")


def _new_file(site: Site):
    (site.content / "cases" / "case-9.md").write_text(a_case(9, site.small), encoding="utf-8")


def _deleted(site: Site):
    site.case(4).unlink()


def _renamed(site: Site):
    site.case(3).rename(site.content / "cases" / "renamed.md")


def _image(site: Site):
    site.append(1, "\n![写真](ok.png)\n")


def _image_bytes(site: Site):
    site.append(2, "\n![写真](ok.png)\n")
    site.build()   # case 2 now shows the image
    (site.content / "images" / "ok.png").write_bytes(PNG + b"\0")


def _template(site: Site):
    replace_in(site.templates / "case.html", "{% block main %}", "{% block main %}<!-- x -->")


def _list_template(site: Site):
    replace_in(site.templates / "partials" / "site_footer.html", "</footer>", "<!-- y --></footer>")


def _site_yml(site: Site):
    replace_in(site.content / "site.yml", "title: 別の区", "title: 別の事例集")


def _taxonomy(site: Site):
    replace_in(site.content / "taxonomy.yml", "災害への備え", "災害への日ごろの備え")


def _guideline(site: Site):
    (site.content / "guideline" / "intro.md").write_text("---\ntitle: はじめに\norder: 1\n---\n\n指針の本文です。\n",
                                                        encoding="utf-8")


def _draft(site: Site):
    (site.content / "cases" / "draft.md").write_text(a_case(7, site.small, draft="true"), encoding="utf-8")
    site.build()
    path = site.content / "cases" / "draft.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n下書きの追記。\n", encoding="utf-8")


def _too_many(site: Site):
    site.monkeypatch.setattr(snapshot, "MAX_FILES", 2)
    for n in (0, 2):   # with the edit of case 1, three files
        site.append(n, "\nもう一つの追記。\n")


def _search_build(site: Site):
    site.append(2, "\n検索つきのビルドの前の追記。\n")
    assert not site.build(with_search=True).quick
    assert (site.out / "search").is_dir()


def _serve_build(site: Site):   # serve: with its memory and the search index; it keeps no record
    from kyodo.model.assemble import Memo
    site.append(2, "\nserve の前の追記。\n")
    assert not site.build(with_search=True, memo=Memo()).quick
    assert (site.out / "search").is_dir()


def _another_day(site: Site):
    import datetime as dt

    class Tomorrow(dt.date):
        @classmethod
        def today(cls):
            return dt.date.fromordinal(dt.date.today().toordinal() + 1)

    class Module:
        date = Tomorrow

    site.monkeypatch.setattr(snapshot, "dt", Module)


def _linked(site: Site):   # a case file that is a link (inside the content folder): the normal build decides
    hidden = site.content / "cases" / "_kept"
    hidden.mkdir()
    site.case(2).rename(hidden / "case-2.md")
    site.case(2).symlink_to(hidden / "case-2.md")


def _cache_off(site: Site):
    site.build(cache="off")   # no record can say what this build wrote


# The output folder edited by hand: section 7 (each edit there is first met by the quick way).
FALLBACKS = {"front matter": _front, "new file": _new_file, "deleted file": _deleted, "renamed file": _renamed,
             "new image in the body": _image, "image changed": _image_bytes, "case template": _template,
             "other template": _list_template, "site.yml": _site_yml, "taxonomy.yml": _taxonomy,
             "guideline": _guideline, "draft": _draft, "too many files": _too_many,
             "search build between": _search_build, "serve build between": _serve_build,
             "cache off between": _cache_off, "another day": _another_day,
             "case file became a link": _linked}   # last: no build after it is quick


def test_anything_but_body_edits_means_the_normal_build(small):
    site = small
    for kind, change in FALLBACKS.items():
        change(site)
        if kind != "draft":
            site.append(1, f"\n{kind}: 本文の追記もあります。\n")   # alone, this would be quick
        result = site.build()
        assert not result.quick, kind
        site.same_as_clean()
        site.monkeypatch.setattr(snapshot, "MAX_FILES", 20)
        site.append(0, f"\n{kind} の次の追記。\n")   # the normal build kept a new record
        again = site.build()
        if kind != "case file became a link":
            assert again.quick and again.written["written"] == 1, kind
        else:
            assert not again.quick
            site.same_as_clean()


def test_the_cache_turned_off_never_takes_the_quick_way(make_site):
    site = make_site(cases=2, small=True)
    assert not site.build(cache="off").quick
    site.append(1, "\n追記。\n")
    assert not site.build(cache="off").quick
    site.append(1, "\nまた追記。\n")
    assert not site.build(cache="off").quick


def test_a_body_with_a_problem_is_reported_by_the_normal_build(small):
    site = small
    path = site.case(1)
    for problem in ["[[theme:Z]]", "![写真](missing.png)", "![](ok.png)"]:
        before = listing(site.out)
        good = path.read_text(encoding="utf-8")
        site.append(1, f"\n{problem}\n")
        with pytest.raises(ContentError):
            site.build()
        assert listing(site.out) == before, problem
        path.write_text(good + "\n直した後の追記。\n", encoding="utf-8")
        site.build()
    site.same_as_clean()


def test_ruby_pages_are_never_rebuilt_the_quick_way(make_site):
    s = make_site(cases=2)
    replace_in(s.content / "site.yml", "furigana: false", "furigana: true")
    s.build()
    assert not list((s.cache / "snapshot").glob("*.json"))
    s.append(1, "\nついかのぶんです。\n")
    assert not s.build().quick
    assert "ついかのぶんです" in (s.out / "furigana" / "cases" / "case-1" / "index.html").read_text(encoding="utf-8")


# -- 3. readings.yml ------------------------------------------------------------------------

def test_unused_readings_warnings_follow_the_bodies(make_site):
    s = make_site(cases=3, readings=READINGS)
    s.append(0, "\n柳橋のたもとで行いました。\n")
    first = s.build()
    words = lambda result: sorted(w.message.split("」")[0].lstrip("「") for w in result.warnings)
    assert words(first) == ["若葉坂"], first.warnings   # 青葉川区 is in site.yml
    assert first.warnings == s.same_as_clean().warnings
    # The only text with 柳橋 loses it: the normal build looks at all the others.
    replace_in(s.case(0), "柳橋のたもとで", "川のそばで")
    dropped = s.build()
    assert not dropped.quick
    assert words(dropped) == ["柳橋", "若葉坂"]
    assert dropped.warnings == s.same_as_clean().warnings
    # A word no text had appears in a body: quick, and its warning goes.
    s.append(2, "\n若葉坂の上の公園です。\n")
    added = s.build()
    assert added.quick
    assert words(added) == ["柳橋"]
    assert added.warnings == s.same_as_clean().warnings
    # A body edit of the case that has 若葉坂, keeping it: quick, same warnings.
    s.append(2, "\n若葉坂の話の続き。\n")
    kept = s.build()
    assert kept.quick and kept.warnings == added.warnings
    # ... and an edit of another case that adds a word twice owned (also in case 2): quick.
    s.append(1, "\n若葉坂にも行きました。\n")
    assert s.build().quick
    # A word in a case's front matter stays there when its text changes: quick, no warning.
    replace_in(s.case(1), "title: 事例その1", "title: 柳橋の事例")
    assert words(s.build()) == []
    s.append(1, "\n若葉坂の話はもうしません。\n")
    replace_in(s.case(1), "若葉坂にも行きました。", "")
    result = s.build()
    assert result.quick and words(result) == []
    assert result.warnings == s.same_as_clean().warnings


# -- 4. what is kept can never run code --------------------------------------------------

class Evil:
    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _key(site: Site) -> bytes:
    return (site.tmp / "xdg" / "kyodo" / "snapshot.key").read_bytes()


def _plant(site: Site, key: bytes, marker: Path) -> None:
    """Every kept blob replaced by a pickle that creates ``marker``, signed with ``key``."""
    record_path, payload_path = site.records()
    record = json.loads(record_path.read_bytes())
    evil = pickle.dumps(Evil(marker))
    record["blobs"] = {name: [0, len(evil), hmac.new(key, evil, hashlib.sha256).hexdigest()]
                       for name in record["blobs"]}
    payload_path.write_bytes(evil)
    record_path.write_text(json.dumps(record), encoding="utf-8")


def _flip_common(site: Site):   # in the blob every rebuild reads
    record_path, payload_path = site.records()
    offset, length, _mac = json.loads(record_path.read_bytes())["blobs"]["common"]
    data = bytearray(payload_path.read_bytes())
    data[offset + length // 2] ^= 0x01
    payload_path.write_bytes(bytes(data))


def _flip_macs(site: Site):
    record_path, _payload = site.records()
    record = json.loads(record_path.read_bytes())
    for entry in record["blobs"].values():
        entry[2] = ("0" if entry[2][0] != "0" else "1") + entry[2][1:]
    record_path.write_text(json.dumps(record), encoding="utf-8")


def _truncate(site: Site):
    _record, payload_path = site.records()
    payload_path.write_bytes(payload_path.read_bytes()[:100])


def _garbage(site: Site):
    record_path, _payload = site.records()
    record_path.write_bytes(b'{"format": "1", "files": [1, 2')


def _no_key(site: Site):
    _plant(site, b"", site.tmp / "ran")
    (site.tmp / "xdg" / "kyodo" / "snapshot.key").unlink()   # a new key is made


DAMAGES = {"other key": lambda site: _plant(site, bytes(32), site.tmp / "ran"), "no key": _no_key,
           "pickle byte": _flip_common, "mac": _flip_macs, "truncated": _truncate, "json garbage": _garbage,
           # last: this user's own key (shows that the planted pickle is reached: the test can fail) ...
           "right key": lambda site: _plant(site, _key(site), site.tmp / "ran"),
           # ... and a key file that is not one (nothing is kept any more)
           "short key": lambda site: (site.tmp / "xdg" / "kyodo" / "snapshot.key").write_bytes(b"short")}


def test_the_key_is_this_users_alone_and_made_once(small):
    key_file = small.tmp / "xdg" / "kyodo" / "snapshot.key"
    assert len(key_file.read_bytes()) == 32
    assert key_file.stat().st_mode & 0o077 == 0 and key_file.parent.stat().st_mode & 0o077 == 0
    key = key_file.read_bytes()
    small.append(1, "\n追記。\n")
    assert small.build().quick
    assert key_file.read_bytes() == key
    _record, payload = small.records()
    assert not str(payload.resolve()).startswith(str(key_file.parent.resolve()))   # the key is not beside them


def test_a_planted_or_damaged_record_means_the_normal_build_and_runs_nothing(small):
    site = small
    marker = site.tmp / "ran"
    for how, damage in DAMAGES.items():
        damage(site)
        site.append(1, f"\n{how}: 追記。\n")
        result = site.build()   # no exception
        assert not result.quick, how
        assert marker.exists() == (how in ("right key", "short key")), how
        if how != "short key":
            site.records()   # the normal build kept a new record
    assert not list((site.cache / "snapshot").glob("*.json"))
    site.same_as_clean()


# -- 5. terms keep no hash of this process -------------------------------------------------

def test_terms_unpickled_in_another_process_are_found_in_dicts(tmp_path):
    from kyodo.core.taxonomy import Term
    term = Term("domain", "b", "B")
    hash(term)   # cached in this process
    data = pickle.dumps({term: "found", "list": [term]})
    assert b"_hash" not in data
    (tmp_path / "terms.pickle").write_bytes(data)
    code = ("import pickle, sys\n"
            "from kyodo.core.taxonomy import Term\n"
            "d = pickle.loads(open(sys.argv[1], 'rb').read())\n"
            "t = d['list'][0]\n"
            "print(d[Term('domain', 'b', 'B')], d[t], hash(t) == hash(Term('domain', 'b', 'B')))\n")
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "terms.pickle")], capture_output=True,
                              text=True, timeout=60, env=dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT)))
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["found", "found", "True"]


# -- 6. which text has each word of readings.yml -----------------------------------------

def test_witnesses_name_the_first_text_with_the_word():
    texts = ["設定の文", "柳橋の話", "また柳橋", "若葉坂"]
    owners = ["", "cases/a.md", "cases/b.md", "cases/c.md"]
    assert witnesses({"柳橋": "やなぎばし", "若葉坂": "わかばざか", "南桜": "みなみさくら"}, texts, owners) == \
        {"柳橋": "cases/a.md", "若葉坂": "cases/c.md", "南桜": None}


def test_witnesses_prefer_texts_that_are_not_a_cases():
    # The settings come after the cases in the list, but are searched first.
    assert witnesses({"柳橋": "x"}, ["柳橋の事例", "柳橋の設定"], ["cases/a.md", ""]) == {"柳橋": ""}
    # Texts beyond the owners' list are not a case's either.
    assert witnesses({"柳橋": "x"}, ["柳橋の事例", "柳橋の指針"], ["cases/a.md"]) == {"柳橋": ""}
    assert witnesses({"柳橋": "x"}, ["柳橋の事例", "別の指針"], ["cases/a.md"]) == {"柳橋": "cases/a.md"}


def test_witnesses_find_the_nfkc_form():
    assert witnesses({"第１区": "だいいっく"}, ["ここは第1区です"], ["cases/a.md"]) == {"第１区": "cases/a.md"}
    assert witnesses({"第１区": "だいいっく"}, ["第１区"], ["cases/b.md"]) == {"第１区": "cases/b.md"}
    # the earlier text wins, whichever form it has
    assert witnesses({"第１区": "x"}, ["第1区", "第１区"], ["cases/a.md", "cases/b.md"]) == {"第１区": "cases/a.md"}
    assert witnesses({"第１区": "x"}, ["第１区", "第1区"], ["cases/a.md", "cases/b.md"]) == {"第１区": "cases/a.md"}
    assert witnesses({"柳橋": "x"}, [], []) == {"柳橋": None}


def test_witnesses_agree_with_a_plain_search():
    rng = random.Random(5)
    alphabet = "柳橋坂１1区"
    for _ in range(300):
        texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(0, 5))]
        owners = [rng.choice(["", "cases/a.md", "cases/b.md", "cases/c.md"]) for _ in texts][:rng.randint(0, len(texts))]
        words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3))): "x" for _ in range(3)}
        named = [owners[i] if i < len(owners) else "" for i in range(len(texts))]
        order = [i for i in range(len(texts)) if not named[i]] + [i for i in range(len(texts)) if named[i]]
        for word, who in witnesses(words, texts, owners).items():
            first = next((i for i in order if contains(texts[i], word)), None)
            assert who == (None if first is None else named[first]), (texts, owners, word)


# -- 7. the output folder checked by name -------------------------------------------------

def _edit_file(out: Path):
    page = out / "cases" / "case-0" / "index.html"
    page.write_bytes(page.read_bytes() + b"<!-- hand -->")


def _nested_file(out: Path):
    folder = out / "cases" / "case-0"   # not written by the last build
    (folder / "stray.txt").write_text("x", encoding="utf-8")


def _empty_folder(out: Path):
    (out / "cases" / "empty").mkdir()


def _top_folder(out: Path):
    (out / "stray").mkdir()


def _top_file(out: Path):
    (out / "stray.html").write_text("x", encoding="utf-8")


def _deleted_file(out: Path):
    next(p for p in sorted((out / "cases").rglob("*.html"))).unlink()


def _file_to_folder(out: Path):
    page = out / "cases" / "case-0" / "index.html"
    file, folder = page.stat(), page.parent.stat()
    page.unlink()
    page.mkdir()
    os.utime(page, ns=(file.st_atime_ns, file.st_mtime_ns))
    os.utime(page.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))   # only the kind tells


OUTPUT_EDITS = {"edited": _edit_file, "nested file": _nested_file, "empty folder": _empty_folder,
                "top folder": _top_folder, "top file": _top_file, "deleted": _deleted_file,
                "file became a folder": _file_to_folder, "folder removed": shutil.rmtree}
OLD_RECORD = ["edited", "nested file", "top file", "deleted", "folder removed"]   # a listing sees no empty folder


@pytest.mark.parametrize("record", ["by name", "old record"])
def test_a_changed_output_folder_is_built_again(small, record):
    site = small
    reference, _result = site.clean()
    state_path = next((site.cache / "output").glob("*.json"))
    path = site.case(2)
    text = path.read_bytes()
    for kind, change in OUTPUT_EDITS.items():
        if record == "old record" and kind not in OLD_RECORD:
            continue
        site.append(2, "\n追記。\n")
        assert site.build().quick, kind   # the record of the folder comes from an incremental build
        data = json.loads(state_path.read_text(encoding="utf-8"))
        assert "cases/case-0" in data["folders"] and "cases" in data["top"], kind
        if record == "old record":   # before folder times were recorded: every folder is listed
            del data["folders"], data["top"]
            state_path.write_text(json.dumps(data), encoding="utf-8")
        change(site.out)
        path.write_bytes(text)   # the edit undone: the quick way is tempted, then the normal build
        result = site.build()
        assert not result.quick and not result.written.get("kept"), (kind, result.written)
        site.same_as(reference)


def test_an_old_state_record_still_keeps_what_did_not_change(small):
    site = small
    state_path = next((site.cache / "output").glob("*.json"))
    data = json.loads(state_path.read_text(encoding="utf-8"))
    del data["folders"], data["top"]
    state_path.write_text(json.dumps(data), encoding="utf-8")
    site.append(2, "\n追記。\n")
    result = site.build()   # the record of the output changed: not the quick way
    assert not result.quick and result.written.get("kept") and result.written["written"] == 1
    site.same_as_clean()


def test_a_case_template_whose_names_cannot_be_known_keeps_everything(make_site):
    """An optional include that is missing, an include named at render time: which
    names the case page reads cannot be worked out, so the whole shared context
    is kept and the quick way still gives a clean build's page."""
    s = make_site(small=True)
    case = s.templates / "case.html"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "{% block main %}", '{% block main %}{% include "partials/not-there.html" ignore missing %}'
        '{% include "partials/" ~ "years-" ~ "count.html" %}', 1), encoding="utf-8")
    # read only through the include named at render time
    (s.templates / "partials/years-count.html").write_text('<p class="years">{{ indexes.by_year | length }}</p>',
                                                         encoding="utf-8")
    assert not s.build().quick
    s.append(1, "\n足した一文。\n")
    result = s.build()
    assert result.quick
    assert "足した一文" in (s.out / "cases/case-1/index.html").read_text(encoding="utf-8")
    s.same_as_clean()


def _kept_stats(s):
    json_path, payload = s.records()
    record = json.loads(json_path.read_text(encoding="utf-8"))
    return snapshot._Payload(payload, record["blobs"], snapshot._key()).blob("common")["common"]["stats"]


def test_only_term_counts_of_the_statistics_are_kept_unless_a_case_template_reads_them(make_site):
    s = make_site()
    assert not s.build().quick
    kept = _kept_stats(s)
    # the default case page reads no statistics: the [[domain:B]] count is all that is kept
    assert kept.by_year == {} and kept.crosstabs == {} and kept.tables is None and kept.facets
    s.append(2, "\n[[domain:C]]と[[partner:区民]]も関わりました。\n")
    assert s.build().quick
    s.same_as_clean()
    # a case template that shows a year's statistics: everything is kept, and used
    case = s.templates / "case.html"
    case.write_text(case.read_text(encoding="utf-8").replace(
        "{% block main %}", '{% block main %}<p class="years">{% for y, st in stats.by_year.items() %}'
        '{{ y }}:{{ st.cases }}:{{ st.crosstabs | length }} {% endfor %}</p>', 1), encoding="utf-8")
    assert not s.build().quick
    assert _kept_stats(s).by_year
    s.append(3, "\n足した一文。\n")
    assert s.build().quick
    assert re.search(r'<p class="years">(20\d\d:[1-9]\d*:\d+ )+</p>',
                     (s.out / "cases/case-3/index.html").read_text(encoding="utf-8"))
    s.same_as_clean()


def test_cases_in_a_kept_page_are_named_only_when_they_are_this_builds():
    """snapshot._refer: a case of this build (alone, in a list or a tuple) is kept by
    its slug; anything else (another object with the same slug, a mixed or empty
    list, other values) is kept as it is."""
    import dataclasses

    from tests.test_views import case, taxonomy

    tax = taxonomy()
    a, b = case(tax, "a", who=["a"]), case(tax, "b", who=["b"])
    by_slug = {"a": a, "b": b}
    other_a = dataclasses.replace(a)              # equal, but not this build's object
    refer = snapshot._refer
    assert refer(a, by_slug) == snapshot._Cases("one", ("a",))
    assert refer([a, b], by_slug) == snapshot._Cases("list", ("a", "b"))
    assert refer((b, a), by_slug) == snapshot._Cases("tuple", ("b", "a"))
    for kept in (other_a, [a, other_a], (other_a,), [a, "b"], [a, None], [], (), "a", 3, None, ["a"], {"a": a}):
        assert refer(kept, by_slug) is kept, kept
