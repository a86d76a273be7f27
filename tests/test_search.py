"""Japanese search and faceted filtering.

Queries are generated from the built content (seeded random substrings of
titles, summaries, organisations and bodies, across scripts) and compared
with ground truth computed here in Python from the built pages; filters are
compared with ``data/stats.json``. The browser part batches many queries per
page through ``window.kyodoSearch``, the function the search page's UI calls.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kyodo.search import ngram

# ---- ground truth (independent of kyodo.search) ------------------------------

BLOCK = {"p", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "table", "tr", "td",
         "th", "thead", "tbody", "caption", "blockquote", "pre", "br", "hr", "dl", "dt", "dd", "figure",
         "figcaption"}


class _Body(HTMLParser):
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


def load_truth(site: Path) -> list[dict]:
    """Every case of the built site with its four searched fields, normalised."""
    cases = json.loads((site / "data" / "cases.json").read_text(encoding="utf-8"))["cases"]
    out = []
    for rank, c in enumerate(cases):
        page = site / "cases" / c["slug"] / "index.html"
        parser = _Body()
        parser.feed(page.read_text(encoding="utf-8"))
        fields = {"title": c["title"], "summary": c["summary"],
                  "organizations": "\n".join(c["organizations"]), "body": "".join(parser.out)}
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

def test_tokens_are_bigrams_and_a_closing_character():
    assert ngram.tokens("ＮＰＯ") == ngram.tokens("npo") == [
        ngram.code("n") + ngram.code("p"), ngram.code("p") + ngram.code("o"), ngram.code("o")]
    assert ngram.tokens("ﾎﾞﾗ") == ngram.tokens("ボラ")
    assert ngram.tokens("町会 自治会") == ngram.tokens("町会\u3000自治会")
    assert all(re.fullmatch(r"\d{7}(\d{7})?", t) for t in ngram.tokens("協働・NPO法人 ①"))


def test_a_phrase_cannot_match_across_a_space():
    # "会 会議": the bigram 会会 never appears, and 町会's last bigram is followed
    # by the lone 会, so the phrase 町会+会議 is not adjacent either.
    toks = ngram.tokens("町会 会議")
    phrase = ngram.run_tokens("町会議")[:-1]
    assert not any(toks[i:i + len(phrase)] == phrase for i in range(len(toks)))


def test_index_covers_every_case(sample_site):
    data = json.loads((sample_site / "search" / "cases.json").read_text(encoding="utf-8"))
    cases = json.loads((sample_site / "data" / "cases.json").read_text(encoding="utf-8"))["cases"]
    assert [c["slug"] for c in cases] == [c["url"].split("/")[1] for c in data["cases"]]
    fragments = sample_site / "pagefind" / "fragment"
    for entry in data["cases"]:
        raw = gzip.decompress((fragments / f"{entry['id']}.pf_fragment").read_bytes())
        fragment = json.loads(raw.removeprefix(b"pagefind_dcd"))
        assert fragment["url"] == "/" + entry["url"]
        assert fragment["meta"]["title"] == entry["title"]


def test_the_query_set_spans_scripts(sample_site):
    kinds = {script_of(q) for q in make_queries(load_truth(sample_site)) if " " not in q}
    for kind in ("kanji", "hiragana", "katakana", "latin"):
        assert kind in kinds
    assert any("+" in k for k in kinds)                 # mixed, e.g. NPO法人
    assert any("・" in q for q in make_queries(load_truth(sample_site)))


# ---- in the browser ------------------------------------------------------------

BATCH = """async ([queries, filters]) => {
  const out = [];
  for (const q of queries) out.push((await window.kyodoSearch(q, filters)).map(r => r.url));
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
    results = page.evaluate(BATCH, [queries, {}])
    failures = []
    nonempty = 0
    for q, urls in zip(queries, results):
        slugs = [slug_of(u) for u in urls]
        expected = {c["slug"] for c in truth if contains(c, q)}
        nonempty += bool(expected)
        assert len(slugs) == len(set(slugs)), q
        if not expected <= set(slugs[:len(expected)]):
            failures.append(f"{q!r}: missing or ranked after others {sorted(expected - set(slugs[:len(expected)]))}")
        elif set(slugs) != expected:
            failures.append(f"{q!r}: cases without the words {sorted(set(slugs) - expected)}")
    assert not failures, f"{len(failures)} of {len(queries)} queries wrong:\n" + "\n".join(failures[:20])
    assert nonempty > len(queries) * 0.8


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
      for (const [q, f] of combos) out.push((await window.kyodoSearch(q, f)).map(r => r.url));
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
