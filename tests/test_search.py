"""Japanese search and faceted filtering.

Queries are generated from the built content (seeded random substrings of
titles, summaries, organisations and bodies, across scripts) and compared
with ground truth computed here in Python from the built pages: every case
containing the words comes first, marked exact, and nothing else is exact.
Variant queries are built from the analyser (other spellings and kana
readings of every word of the sample). Filters are compared with
``data/stats.json``. The browser part batches many queries per page through
``window.kyodoSearch``, the function the search page's UI calls.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kyodo.search import index as search_index
from tests.factory import SAMPLE
from tests.html import EventParser
from kyodo.search.vocab import fold
from kyodo.search.vocab import pieces as vocab_pieces
from kyodo.text.analysis import Analyser, has_kanji

# ---- ground truth (independent of kyodo.search) ------------------------------

BLOCK = {"p", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "table", "tr", "td",
         "th", "thead", "tbody", "caption", "blockquote", "pre", "br", "hr", "dl", "dt", "dd", "figure",
         "figcaption"}


class _Body(EventParser):
    """Text of ``.case-body`` with block boundaries as new lines."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag not in {"br", "hr", "img", "input", "wbr"}
        elif "case-body" in (dict(attrs).get("class") or "").split():
            self.depth = 1
        if self.depth and tag in BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if self.depth:
            if tag in BLOCK:
                self.out.append("\n")
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.out.append(data)


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def registered(site: Path) -> dict[str, dict]:
    """data/organizations.json by slug ({} without a 団体情報バンク)."""
    path = site / "data" / "organizations.json"
    if not path.exists():
        return {}
    return {o["slug"]: o for o in json.loads(path.read_text(encoding="utf-8"))["organizations"]}


def organization_names(orgs: dict[str, dict], case: dict) -> list[str]:
    """The names a case is found by: as written, then each registered organisation's name
    and aliases not written already."""
    names = list(case["organizations"])
    for ref in case.get("organization_refs") or ():
        if ref["organization"]:
            org = orgs[ref["organization"]]
            for name in (org["name"], *org["aliases"]):
                if norm(name) not in {norm(n) for n in names}:
                    names.append(name)
    return names


def load_truth(site: Path) -> list[dict]:
    """Every case of the built site with its four searched fields, normalised."""
    cases = json.loads((site / "data" / "cases.json").read_text(encoding="utf-8"))["cases"]
    out = []
    orgs = registered(site)
    for rank, c in enumerate(cases):
        page = site / "cases" / c["slug"] / "index.html"
        parser = _Body()
        parser.feed(page.read_text(encoding="utf-8"))
        fields = {"title": c["title"], "summary": c["summary"],
                  "organizations": "\n".join(organization_names(orgs, c)), "body": "".join(parser.out)}
        out.append({"slug": c["slug"], "rank": rank, "year": c["fiscal_year"], "raw": fields,
                    "norm": {k: norm(v) for k, v in fields.items()},
                    "terms": {k: [t["slug"] for t in v] for k, v in c["facets"].items()}})
    return out


def contains(case: dict, query: str) -> bool:
    words = [w for w in norm(query).split() if w]
    return all(any(w in text for text in case["norm"].values()) for w in words)


def passes(case: dict, filters: dict) -> bool:
    for key, wanted in filters.items():
        have = [str(case["year"])] if key == "year" else case["terms"].get(key, [])
        if wanted and not set(wanted) & set(have):
            return False
    return True


def script_of(text: str) -> str:
    kinds = set()
    for ch in text:
        name = unicodedata.name(ch, "")
        if name.startswith("CJK"):
            kinds.add("kanji")
        elif name.startswith("HIRAGANA"):
            kinds.add("hiragana")
        elif name.startswith("KATAKANA") or ch == "ー":
            kinds.add("katakana")
        elif ch.isascii() and ch.isalnum():
            kinds.add("latin")
        else:
            kinds.add("other")
    return "+".join(sorted(kinds))


ISSUE_QUERIES = ["協働", "町会", "見守り", "防災訓練", "ボランティア", "NPO", "NPO法人", "町会・自治会", "ＮＰＯ",
                 "ﾎﾞﾗﾝﾃｨｱ", "npo法人", "ＮＰＯ法人"]


def make_queries(truth: list[dict], n: int = 240, seed: int = 20240401) -> list[str]:
    """Random 2-6 character substrings of the content, spread over scripts, plus AND pairs."""
    rng = random.Random(seed)
    by_script: dict[str, list[str]] = {}
    tries = 0
    while sum(len(v) for v in by_script.values()) < n and tries < n * 200:
        tries += 1
        case = rng.choice(truth)
        field = rng.choice(["title", "title", "summary", "organizations", "body", "body", "body"])
        text = case["raw"][field]
        size = rng.randint(2, 6)
        if len(text) < size:
            continue
        start = rng.randrange(len(text) - size + 1)
        q = text[start:start + size]
        if re.search(r"\s", q) or len(norm(q)) < 2:
            continue
        bucket = by_script.setdefault(script_of(q), [])
        if len(bucket) < n // 5:
            bucket.append(q)
    queries = [q for bucket in by_script.values() for q in bucket]
    # Single characters are not required by the issue, but they work the same way.
    queries += [ch for ch in rng.sample(sorted({ch for q in queries for ch in q}), 12) if norm(ch).strip()]
    # Several words: pairs from one case (found) and from two cases (often not).
    for _ in range(30):
        a, b = rng.sample(queries, 2)
        queries.append(f"{a} {b}")
        queries.append(f"{a}\u3000{b}")    # a full-width space separates words too
    return ISSUE_QUERIES + queries


# ---- no browser ----------------------------------------------------------------

def _varints(data: bytes) -> list[int]:
    values, v, shift = [], 0, 0
    for byte in data:
        v |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            values.append(v)
            v, shift = 0, 0
    return values


def test_varints_round_trip():
    values = [0, 1, 127, 128, 300, 16383, 16384, 2**21, 2**28 - 1, 2**28, 2**35 + 5]
    assert _varints(search_index.varint_bytes(values)) == values


def test_shard_functions_are_stable():
    # Mirrored in assets/search.js (strShard, gramShard): fixed values pin them down.
    h = 0x811C9DC5
    for ch in "子供":
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    assert search_index.str_shard("子供", 997) == h % 997
    assert search_index.gram_shard(ord("防"), ord("災"), 4096) == (ord("防") * 65599 + ord("災")) % 4096


def test_index_covers_every_case(sample_site):
    manifest = json.loads((sample_site / "search" / "index.json").read_text(encoding="utf-8"))
    cases = json.loads((sample_site / "data" / "cases.json").read_text(encoding="utf-8"))["cases"]
    assert manifest["records"] == len(cases)
    urls = []
    for n in range(0, len(cases), manifest["meta"]):
        chunk = json.loads((sample_site / "search" / "meta" / f"{n // manifest['meta']}.json").read_text("utf-8"))
        urls += [entry[0] for entry in chunk]
    assert urls == [f"cases/{c['slug']}/" for c in cases]
    assert (sample_site / "search" / "facets.bin").stat().st_size == manifest["width"] * len(cases)


def test_a_rebuild_with_the_same_text_does_not_reindex(tmp_path, monkeypatch):
    from kyodo.commands.build import build
    from kyodo.search import index as idx
    from tests.factory import case_text, make_content

    monkeypatch.setenv("KYODO_CACHE", str(tmp_path / "cache"))
    content = make_content(tmp_path / "content", {
        "a.md": case_text("## 背景\n\n子どもの見守りを行った。\n", title="子ども食堂"),
        "b.md": case_text("## 背景\n\n防災訓練を実施した。\n", title="防災訓練")})
    calls = []
    real = idx.text_index
    monkeypatch.setattr(idx, "text_index", lambda *a, **k: calls.append(1) or real(*a, **k))
    build(content, tmp_path / "one", with_search=True)
    assert calls == [1]
    # A term changes, no searched text does: the filters follow, the text index is reused.
    (content / "cases" / "b.md").write_text(case_text("## 背景\n\n防災訓練を実施した。\n", title="防災訓練",
                                                       form="[共催]"), encoding="utf-8")
    build(content, tmp_path / "two", with_search=True)
    assert calls == [1]
    assert (tmp_path / "one" / "search" / "facets.bin").read_bytes() != \
        (tmp_path / "two" / "search" / "facets.bin").read_bytes()
    for rel in ("gram", "lex", "word"):
        one = sorted(p.name for p in (tmp_path / "one" / "search" / rel).iterdir())
        assert one == sorted(p.name for p in (tmp_path / "two" / "search" / rel).iterdir())
    # The text changes: indexed again.
    (content / "cases" / "b.md").write_text(case_text("## 背景\n\n防災訓練を中止した。\n", title="防災訓練"),
                                            encoding="utf-8")
    build(content, tmp_path / "three", with_search=True)
    assert calls == [1, 1]


def _decode(data: bytes) -> dict[tuple[int, int], dict[int, list[int]]]:
    """A postings file (index.py) -> {(a, b): {record: [postings]}} — a second reader, for tests."""
    values = _varints(data)
    at = 1
    heads = []
    for _ in range(values[0]):
        heads.append(values[at:at + 4])
        at += 4
    runs = sum(h[2] for h in heads)
    recs, lens = values[at:at + runs], values[at + runs:at + 2 * runs]
    posts = values[at + 2 * runs:]
    out, r, p = {}, 0, 0
    for a, b, nruns, _total in heads:
        group, prev = {}, 0
        for _ in range(nruns):
            prev += recs[r]
            vals, last = [], 0
            for k in range(lens[r]):
                last = (last if k else 0) + posts[p]
                vals.append(last)
                p += 1
            group[prev] = vals
            r += 1
        out[(a, b)] = group
    return out


def test_bigram_postings_are_the_ground_truth(sample_site, truth):
    """The bigram postings spell out exactly the runs of every field of every case, in order."""
    manifest = json.loads((sample_site / "search" / "index.json").read_text(encoding="utf-8"))
    shift = manifest["fieldShift"]
    at: dict = {}
    for path in (sample_site / "search" / "gram").iterdir():
        for (a, b), group in _decode(path.read_bytes()).items():
            if b == 0:
                continue
            for rec, positions in group.items():
                for p in positions:
                    at.setdefault((rec, p >> shift), {})[p & ((1 << shift) - 1)] = chr(a) + chr(b)
    fields = ["title", "summary", "organizations", "body"]
    for case in truth:
        for f, name in enumerate(fields):
            pairs = at.get((case["rank"], f), {})
            runs, run, last = [], "", None
            for offset in sorted(pairs):
                if last is not None and offset == last + 1:
                    run += pairs[offset][1]
                else:
                    if run:
                        runs.append(run)
                    run = pairs[offset]
                last = offset
            if run:
                runs.append(run)
            assert runs == [r for r in norm(case["raw"][name]).split() if len(r) > 1], (case["slug"], name)


def test_the_query_set_spans_scripts(sample_site):
    kinds = {script_of(q) for q in make_queries(load_truth(sample_site)) if " " not in q}
    for kind in ("kanji", "hiragana", "katakana", "latin"):
        assert kind in kinds
    assert any("+" in k for k in kinds)                 # mixed, e.g. NPO法人
    assert any("・" in q for q in make_queries(load_truth(sample_site)))


# ---- in the browser ------------------------------------------------------------

BATCH = """async ([queries, filters]) => {
  const out = [];
  for (const q of queries) out.push((await window.kyodoSearch(q, filters)).filter(r => r.exact).map(r => r.url));
  return out;
}"""
# Every result, exact or not: [[url, exact, why], …] per query.
BATCH_ALL = """async ([queries, filters]) => {
  const out = [];
  for (const q of queries) out.push((await window.kyodoSearch(q, filters)).map(r => [r.url, r.exact, r.why]));
  return out;
}"""


def slug_of(url: str) -> str:
    return urlsplit(url).path.strip("/").split("/")[1]


def open_search(page, site_url, query: str = ""):
    page.goto(site_url + "search/" + query)
    page.wait_for_function("() => document.getElementById('search-results').getAttribute('aria-busy') === 'false'")


@pytest.fixture(scope="module")
def truth(sample_site):
    return load_truth(sample_site)


@pytest.mark.browser
def test_every_case_containing_the_words_is_found_first(page, site_url, truth):
    queries = make_queries(truth)
    open_search(page, site_url)
    results = page.evaluate(BATCH_ALL, [queries, {}])
    failures = []
    nonempty = 0
    for q, hits in zip(queries, results):
        slugs = [slug_of(u) for u, _, _ in hits]
        exact = [slug_of(u) for u, e, _ in hits if e]
        expected = {c["slug"] for c in truth if contains(c, q)}
        nonempty += bool(expected)
        assert len(slugs) == len(set(slugs)), q
        if set(slugs[:len(expected)]) != expected:
            failures.append(f"{q!r}: missing or ranked after others {sorted(expected - set(slugs[:len(expected)]))}")
        elif set(exact) != expected:
            failures.append(f"{q!r}: marked exact without the words {sorted(set(exact) - expected)}")
        elif any(not why for _, e, why in hits if not e):
            failures.append(f"{q!r}: a variant match without its reason")
    assert not failures, f"{len(failures)} of {len(queries)} queries wrong:\n" + "\n".join(failures[:20])
    assert nonempty > len(queries) * 0.8


def sample_readings() -> dict[str, str]:
    """The ward's own readings (content/readings.yml): the analyser reads them first."""
    import yaml
    path = SAMPLE / "readings.yml"
    return {str(k): str(v) for k, v in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items()} \
        if path.exists() else {}


def variant_queries(truth: list[dict]) -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    """From the analyser: each word's cases, and (query, word key) for its other spellings and readings.

    A word is a normalised form (子供). Its spellings are the surfaces under
    which it occurs anywhere in the sample; its reading is the dictionary's
    (hiragana, and katakana for loanwords). Every spelling and reading of a
    word must find every case containing the word in any spelling. Text is
    read in the search's unit of analysis (normalised text, a clause up to its
    comma or sentence end, digits as 0: vocab.pieces), since Sudachi reads a
    word by its context.
    """
    analyser = Analyser(sample_readings())
    cases_of: dict[str, set[str]] = {}
    spellings: dict[str, set[str]] = {}
    readings: dict[str, set[str]] = {}
    for case in truth:
        for piece in vocab_pieces(list(case["norm"].values())):
            for w in analyser.words(piece):
                if w.pos in ("助詞", "助動詞", "補助記号", "空白", "記号") or re.search(r"[\d\s・、。,.]", w.surface):
                    continue
                key = norm(w.normalized)
                cases_of.setdefault(key, set()).add(case["slug"])
                spellings.setdefault(key, set()).add(norm(w.surface))
                if w.reading and has_kanji(w.surface) and len(w.reading) >= 2:
                    readings.setdefault(key, set()).add(w.reading)
                if fold(w.surface) != norm(w.surface):          # katakana written in hiragana
                    readings.setdefault(key, set()).add(fold(w.surface))
    queries = []
    for key in sorted(cases_of):
        forms = spellings[key] | readings.get(key, set())
        if len(forms) < 2:
            continue
        for form in sorted(forms):
            queries.append((form, key))
    return cases_of, queries


@pytest.fixture(scope="module")
def variants(truth):
    """variant_queries(truth), analysed once for the module."""
    return variant_queries(truth)


@pytest.mark.browser
def test_other_spellings_and_readings_find_every_case_with_the_word(page, site_url, variants):
    cases_of, queries = variants
    assert len(queries) > 100
    # The issue's examples are among them.
    keys = {k for _, k in queries}
    assert {"子供", "防災", "協働", "町会", "ボランティア"} <= keys
    open_search(page, site_url)
    results = page.evaluate(BATCH_ALL, [[q for q, _ in queries], {}])
    failures = []
    for (q, key), hits in zip(queries, results):
        found = {slug_of(u) for u, _, _ in hits}
        missing = cases_of[key] - found
        if missing:
            failures.append(f"{q!r} ({key}): misses {sorted(missing)[:5]}")
    assert not failures, f"{len(failures)} of {len(queries)} variant queries incomplete:\n" + "\n".join(failures[:30])


@pytest.mark.browser
def test_issue_variants_and_reasons(page, site_url, truth, variants):
    open_search(page, site_url)
    q = ["子ども", "子供", "こども", "ぼうさい", "防災", "きょうどう", "ちょうかい", "ぼらんてぃあ", "見守る"]
    got = dict(zip(q, page.evaluate(BATCH_ALL, [q, {}])))
    kodomo = {c["slug"] for c in truth if contains(c, "子ども")}
    assert kodomo and {slug_of(u) for u, _, _ in got["子供"]} >= kodomo
    assert {slug_of(u) for u, _, _ in got["こども"]} >= kodomo
    assert any(why == ["「子ども」"] for _, e, why in got["子供"] if not e)
    bosai = {c["slug"] for c in truth if contains(c, "防災")}
    assert bosai and {slug_of(u) for u, _, _ in got["ぼうさい"]} >= bosai
    assert all(why == ["読み「ぼうさい」"] for _, e, why in got["ぼうさい"] if not e)
    cases_of, _ = variants
    for kana, key in (("きょうどう", "協働"), ("ちょうかい", "町会"), ("ぼらんてぃあ", "ボランティア")):
        want = cases_of[key]
        assert want and {slug_of(u) for u, _, _ in got[kana]} >= want, kana
    mimamori = {c["slug"] for c in truth if contains(c, "見守り")}
    assert {slug_of(u) for u, _, _ in got["見守る"]} >= mimamori
    # Spellings the sample never uses, known to the dictionary: 街づくり・町づくり → まちづくり.
    machi = {c["slug"] for c in truth if contains(c, "まちづくり")}
    for q in ("街づくり", "町づくり"):
        assert machi and {slug_of(u) for u, _, _ in page.evaluate(BATCH_ALL, [[q], {}])[0]} >= machi, q


@pytest.mark.browser
def test_years_and_terms_in_the_query_offer_their_filter(page, site_url, truth):
    open_search(page, site_url)
    offers = page.evaluate("""async (qs) => { const out = [];
      for (const q of qs) out.push(await window.kyodoSearch.suggest(q, {})); return out; }""",
                           ["令和6年度", "R6", "2024年度", "平成30年度", "令和元年度", "r1", "NPO法人", "共催",
                            "npo", "防災 令和5年度", "防災"])
    years = [[(o["key"], o["value"]) for o in found] for found in offers[:6]]
    assert years == [[("year", "2024")]] * 3 + [[("year", "2018")], [("year", "2019")], [("year", "2019")]]
    assert [(o["key"], o["value"]) for o in offers[6]] == [("partner", "npo")]
    assert [(o["key"], o["value"]) for o in offers[7]] == [("form", "co-host")]
    assert [(o["key"], o["value"]) for o in offers[8]] == [("partner", "npo")]       # an alias
    combined = offers[9]
    assert [(o["key"], o["value"], o["query"]) for o in combined] == [("year", "2023", "防災")]
    want = sum(1 for c in truth if contains(c, "防災") and c["year"] == 2023)
    assert combined[0]["count"] == want
    assert offers[10] == []
    # In the page: a button applies the filter and takes the word out of the query.
    year = max({c["year"] for c in truth}, key=lambda y: sum(contains(c, "防災") and c["year"] == y for c in truth))
    open_search(page, site_url, f"?q=防災%20{year}年度")
    page.wait_for_function("() => !document.getElementById('search-offers').hidden")
    page.click("#search-offers button")
    page.wait_for_function(f"() => location.search.includes('year={year}')")
    assert page.input_value("#q") == "防災"
    assert page.is_checked(f"#f-year-{year}")


@pytest.mark.browser
def test_no_results_suggest_what_does_find_something(page, site_url, truth):
    open_search(page, site_url)
    alts = page.evaluate("""async (qs) => { const out = [];
      for (const q of qs) out.push(await window.kyodoSearch.alternatives(q, {})); return out; }""",
                         ["ぼうさ", "防災 存在しない言葉", "子育て ちょうか"])
    assert any("防災" in a["query"] and a["count"] > 0 for a in alts[0])
    assert any(a["query"] == "防災" and "除く" in a["reason"] for a in alts[1])
    assert all(a["count"] > 0 for found in alts for a in found)
    # Filters that exclude everything: removing them is offered.
    none = page.evaluate("() => window.kyodoSearch.alternatives('防災', {year: ['1990']})")
    assert any(a["filters"] == {} and a["count"] == sum(contains(c, "防災") for c in truth) for a in none)
    # The page never shows a bare zero: it says so and offers the alternatives.
    open_search(page, site_url, "?q=%E3%81%BC%E3%81%86%E3%81%95")        # ぼうさ
    page.wait_for_function("() => !document.getElementById('search-offers').hidden")
    assert "見つかりませんでした" in page.text_content("#search-status")
    assert page.locator("#search-offers button").count() >= 1


@pytest.mark.browser
def test_every_organisation_is_found_with_its_cases_by_its_name_and_aliases(page, site_url, sample_site, truth):
    """団体情報バンク: each registered name and alias finds the organisation's page and, as exact
    results, every case that data/organizations.json lists for it (whichever name the case wrote)."""
    orgs = registered(sample_site)
    assert orgs and any(o["aliases"] for o in orgs.values())
    queries, wanted = [], []
    for org in orgs.values():
        for name in (org["name"], *org["aliases"]):
            queries.append(name)
            wanted.append((org, {c["slug"] for c in org["cases"]}))
    open_search(page, site_url)
    found = page.evaluate("""async (queries) => {
      const out = [];
      for (const q of queries) {
        out.push([(await window.kyodoSearch.organizations(q)).map(o => [o.url, o.exact]),
                  (await window.kyodoSearch(q, {})).filter(r => r.exact).map(r => r.url)]);
      }
      return out;
    }""", queries)
    written = {c["slug"]: c["organizations"] for c in
               json.loads((sample_site / "data" / "cases.json").read_text(encoding="utf-8"))["cases"]}
    by_other_name = 0
    for query, (org, cases), (org_hits, case_urls) in zip(queries, wanted, found):
        assert [org["url"].split("/")[-2], True] in [[slug_of(u), e] for u, e in org_hits], query
        slugs = {slug_of(u) for u in case_urls}
        assert cases <= slugs, (query, cases - slugs)
        # Exact case results are exactly the cases containing the query (registered names included).
        assert slugs == {c["slug"] for c in truth if contains(c, query)}, query
        by_other_name += sum(1 for slug in cases if not any(norm(query) in norm(n) for n in written[slug]))
    assert by_other_name      # some cases are found by a name of their organisation they did not write


@pytest.mark.browser
def test_issue_queries_and_normalisation(page, site_url, truth):
    open_search(page, site_url)
    results = page.evaluate(BATCH, [["NPO", "ＮＰＯ", "npo", "ボランティア", "ﾎﾞﾗﾝﾃｨｱ", "町会・自治会", "町会"], {}])
    npo, wide, lower, vol, half, chokai, chokai_short = results
    assert npo == wide == lower and npo
    assert vol == half and vol
    assert set(chokai) <= set(chokai_short)
    for q in ("協働", "防災訓練", "見守り"):
        expected = {c["slug"] for c in truth if contains(c, q)}
        got = page.evaluate(BATCH, [[q], {}])[0]
        assert {slug_of(u) for u in got} == expected and expected


@pytest.mark.browser
def test_filters_agree_with_stats_json(page, site_url, sample_site, truth):
    stats = json.loads((sample_site / "data" / "stats.json").read_text(encoding="utf-8"))
    checks: list[tuple[dict, int]] = []
    for key, facet in stats["facets"].items():
        for term in facet["terms"]:
            checks.append(({key: [term["slug"]]}, term["cases"]))
    for y in stats["years"]:
        checks.append(({"year": [str(y["year"])]}, y["cases"]))
    for tab in stats["crosstabs"].values():
        for row, cells in tab["rows"].items():
            for col, n in cells.items():
                checks.append(({tab["rows_facet"]: [row], tab["cols_facet"]: [col]}, n))
    checks.append(({}, stats["cases"]))
    # OR within a facet, AND across facets (and with years): counted here.
    rng = random.Random(7)
    keys = list(stats["facets"]) + ["year"]
    values = {k: [t["slug"] for t in stats["facets"][k]["terms"]] for k in stats["facets"]}
    values["year"] = [str(y["year"]) for y in stats["years"]]
    for _ in range(40):
        filters = {k: rng.sample(values[k], min(len(values[k]), rng.randint(1, 3)))
                   for k in rng.sample(keys, rng.randint(1, 3))}
        checks.append((filters, sum(passes(c, filters) for c in truth)))
    open_search(page, site_url)
    got = page.evaluate("""async (checks) => {
      const out = [];
      for (const [f] of checks) out.push((await window.kyodoSearch("", f)).length);
      return out;
    }""", checks)
    wrong = [(f, n, g) for (f, n), g in zip(checks, got) if n != g]
    assert not wrong, wrong[:10]


@pytest.mark.browser
def test_query_and_filters_together(page, site_url, truth):
    rng = random.Random(11)
    queries = ["町会", "区民", "NPO", "支援", "子育て", "防災"]
    combos = []
    for q in queries:
        for _ in range(4):
            case = rng.choice(truth)
            key = rng.choice(list(case["terms"]))
            combos.append((q, {key: case["terms"][key][:1], "year": [str(case["year"])]} if rng.random() < .5
                           else {key: case["terms"][key][:1]}))
    open_search(page, site_url)
    got = page.evaluate("""async (combos) => {
      const out = [];
      for (const [q, f] of combos) out.push((await window.kyodoSearch(q, f)).filter(r => r.exact).map(r => r.url));
      return out;
    }""", combos)
    for (q, f), urls in zip(combos, got):
        expected = {c["slug"] for c in truth if contains(c, q) and passes(c, f)}
        assert {slug_of(u) for u in urls} == expected, (q, f)


def _visible_counts(page) -> dict[tuple[str, str], int]:
    return {tuple(k.split("/", 1)): int(v) for k, v in page.evaluate("""() => Object.fromEntries(
      [...document.querySelectorAll('#search-filters input[type=checkbox]')].map(b => [b.name + '/' + b.value,
        b.nextElementSibling.querySelector('[data-count]').textContent.replace(/[^0-9]/g, '')]))""").items()}


def _expected_counts(truth, query, filters) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    hits = [c for c in truth if contains(c, query)]
    keys = {k for c in truth for k in c["terms"]} | {"year"}
    for key in keys:
        others = {k: v for k, v in filters.items() if k != key}
        for c in hits:
            if passes(c, others):
                for v in ([str(c["year"])] if key == "year" else c["terms"][key]):
                    counts[(key, v)] = counts.get((key, v), 0) + 1
    return counts


@pytest.mark.browser
def test_ui_types_filters_sorts_and_goes_back(page, site_url, truth):
    open_search(page, site_url)
    assert page.get_attribute("#search-status", "role") == "status"
    all_counts = _visible_counts(page)
    page.fill("#q", "")
    page.type("#q", "町会")
    page.wait_for_function("() => document.getElementById('search-status').textContent.includes('「町会」')")
    expected = [c for c in truth if contains(c, "町会")]
    assert f"{len(expected)} 件" in page.text_content("#search-status")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["町会"]
    items = page.locator("#search-results > li")
    assert items.count() == min(len(expected), 20)
    first = items.first
    assert first.locator("h3 a").get_attribute("href")
    marks = page.eval_on_selector_all("#search-results mark", "els => els.map(e => e.textContent)")
    assert marks and all(norm(m) in "町会" or "町会" in norm(m) for m in marks)
    assert first.locator(".badge").count() >= 5          # year + one per facet at least
    # Counts follow the query.
    counts = _visible_counts(page)
    assert counts != all_counts
    want = _expected_counts(truth, "町会", {})
    assert {k: v for k, v in counts.items()} == {k: want.get(k, 0) for k in counts}

    # A filter, chosen with the keyboard.
    page.focus("#f-partner-chokai")
    page.keyboard.press("Space")
    page.wait_for_function("() => location.search.includes('partner=chokai')")
    page.wait_for_function("() => document.getElementById('search-status').textContent.includes('町会・自治会')")
    filtered = [c for c in expected if passes(c, {"partner": ["chokai"]})]
    assert items.count() == min(len(filtered), 20)
    assert _visible_counts(page) == {k: _expected_counts(truth, "町会", {"partner": ["chokai"]}).get(k, 0)
                                     for k in counts}

    # More results: the button appends them and moves focus to the first new one.
    if len(filtered) > 20:
        page.click("#search-more")
        assert items.count() == min(len(filtered), 40)
        assert page.evaluate("document.activeElement.closest('li') === document.querySelectorAll('#search-results > li')[20]")

    # Newest first.
    page.select_option("#search-sort", "newest")
    page.wait_for_function("() => location.search.includes('sort=newest')")
    hrefs = page.eval_on_selector_all("#search-results h3 a", "els => els.map(a => a.href)")
    ranks = {c["slug"]: c["rank"] for c in truth}
    order = [ranks[slug_of(h)] for h in hrefs]
    assert order == sorted(order)

    # Back: the filter and the sort are undone, in that order.
    page.go_back()
    page.wait_for_function("() => !location.search.includes('sort=')")
    assert page.input_value("#search-sort") == ""
    page.go_back()
    page.wait_for_function("() => !location.search.includes('partner=')")
    page.wait_for_function(f"() => document.querySelectorAll('#search-results > li').length === {min(len(expected), 20)}")
    assert not page.is_checked("#f-partner-chokai")
    assert page.input_value("#q") == "町会"


@pytest.mark.browser
def test_state_in_the_url_is_restored(page, site_url, truth):
    open_search(page, site_url, "?q=%E9%98%B2%E7%81%BD&partner=chokai&partner=npo&year=2016")
    assert page.input_value("#q") == "防災"
    assert page.is_checked("#f-partner-chokai") and page.is_checked("#f-partner-npo")
    expected = [c for c in truth if contains(c, "防災") and passes(c, {"partner": ["chokai", "npo"], "year": ["2016"]})]
    page.wait_for_function(f"() => document.querySelectorAll('#search-results > li').length === {len(expected)}")
    assert "件" in page.text_content("#search-status")


@pytest.mark.browser
def test_keyboard_only_and_visible_focus(page, site_url):
    page.goto(site_url + "cases/")
    page.keyboard.press("Tab")                       # skip link
    page.keyboard.press("Tab")                       # site title
    page.keyboard.press("Tab")                       # header search field
    assert page.evaluate("document.activeElement.id") == "header-q"
    page.keyboard.type("見守り")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.wait_for_function("() => document.getElementById('search-status').textContent.includes('「見守り」')")
    assert page.input_value("#q") == "見守り"
    # Tab through to a result link: every stop shows a focus indicator.
    seen = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
          return {id: e.id, tag: e.tagName, inResults: !!e.closest('#search-results'),
                  outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none'}; }""")
        assert info["outline"] or info["shadow"], info
        seen.add(info["tag"])
        if info["inResults"]:
            break
    assert info["inResults"] and "INPUT" in seen and "SELECT" in seen
    page.keyboard.press("Enter")
    page.wait_for_url("**/cases/*/")


@pytest.mark.browser
def test_without_javascript_the_page_says_so(browser, site_url):
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    try:
        page = context.new_page()
        page.goto(site_url + "search/?q=%E7%94%BA%E4%BC%9A")
        assert "JavaScript が必要です" in page.inner_text("main")
        for hidden in ("#search-filters-panel", "#search-tools", "#search-sort", "#search-results", "#h-results"):
            assert not page.is_visible(hidden), hidden
        hrefs = page.eval_on_selector_all(".browse-links a", "els => els.map(a => a.getAttribute('href'))")
        assert "../partner/" in hrefs and "../year/" in hrefs
    finally:
        context.close()


@pytest.mark.browser
def test_filter_panel_is_generated_from_the_taxonomy(page, site_url, sample_site):
    stats = json.loads((sample_site / "data" / "stats.json").read_text(encoding="utf-8"))
    open_search(page, site_url)
    legends = page.eval_on_selector_all("#search-filters legend", "els => els.map(e => e.textContent)")
    assert legends == [f["label"] for f in stats["facets"].values()] + ["年度"]
    boxes = page.eval_on_selector_all("#search-filters input", "els => els.map(e => e.name + '/' + e.value)")
    assert len(boxes) == sum(len(f["terms"]) for f in stats["facets"].values()) + len(stats["years"])


@pytest.mark.browser
def test_search_page_requests_stay_on_the_site(page, site_url):
    hosts = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    open_search(page, site_url, "?q=%E5%8D%94%E5%83%8D")
    page.wait_for_function("() => document.getElementById('search-status').textContent.includes('「協働」')")
    assert hosts == {urlsplit(site_url).netloc}
