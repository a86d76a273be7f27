// Search page: Japanese keyword search on the Pagefind index built with the
// site, plus filters by every facet and fiscal year. No framework, no
// request leaving the site. Without JavaScript the page links to the indexes.
//
// Matching mirrors kyodo/search/ngram.py: text is NFKC-normalised, lower-
// cased and cut into overlapping character bigrams written as digit tokens.
// A query word of two or more characters is asked as the exact phrase of its
// bigrams (= substring containment). Words separated by spaces are AND.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL((script && script.getAttribute("data-root")) || "", document.baseURI);
  var SPACE = /[\s\u200b\ufeff]+/;
  var PAGE = 20;

  // ---- Text: the same rules as kyodo/search/ngram.py -----------------------
  function normalize(text) { return String(text).normalize("NFKC").toLowerCase(); }
  function queryWords(query) {
    var seen = {};
    return normalize(query || "").split(SPACE).filter(function (w) {
      if (!w || seen[w]) return false;
      seen[w] = true;
      return true;
    });
  }
  function code(ch) { var s = String(ch.codePointAt(0)); while (s.length < 7) s = "0" + s; return s; }
  function wordTokens(word) {
    var chars = Array.from(word);
    if (chars.length === 1) return [code(chars[0])];
    var out = [];
    for (var i = 0; i + 1 < chars.length; i++) out.push(code(chars[i]) + code(chars[i + 1]));
    return out;
  }

  // ---- Data: cases in catalogue order (newest first) and the Pagefind index -
  var casesPromise = null;
  function loadCases() {
    if (!casesPromise) {
      casesPromise = fetch(new URL("search/cases.json", base)).then(function (r) {
        if (!r.ok) throw new Error("search/cases.json: " + r.status);
        return r.json();
      }).then(function (json) {
        var byId = {};
        json.cases.forEach(function (c, rank) {
          c.rank = rank;
          c.n = { title: normalize(c.title), summary: normalize(c.summary), orgs: normalize(c.organizations.join("\n")) };
          byId[c.id] = c;
        });
        return { list: json.cases, byId: byId };
      });
    }
    return casesPromise;
  }
  var pagefindPromise = null;
  function loadPagefind() {
    if (!pagefindPromise) {
      pagefindPromise = import(new URL("pagefind/pagefind.js", base).href).then(function (pf) {
        // Start Pagefind (worker, wasm, metadata) now rather than at the first query.
        pf.preload("0000000").then(function () { if (form) form.setAttribute("data-engine", "ready"); }, function () {});
        return pf;
      });
    }
    return pagefindPromise;
  }

  // The ids of the cases containing one word: the exact phrase of its bigrams
  // (one character: its token, listed once per case).
  function matchWord(pf, word) {
    return pf.search("\"" + wordTokens(word).join(" ") + "\"").then(function (res) {
      return new Set(res.results.map(function (r) { return r.id; }));
    });
  }

  // Relevance: a word in the title counts most, then the summary, then the
  // organisations, then the body alone; ties keep the catalogue order.
  function score(c, words) {
    var total = 0;
    words.forEach(function (w) {
      total += 1 + (c.n.title.indexOf(w) >= 0 ? 8 : 0) + (c.n.summary.indexOf(w) >= 0 ? 4 : 0) +
        (c.n.orgs.indexOf(w) >= 0 ? 2 : 0);
    });
    return total;
  }

  // Every case containing every word, best first: [{c, score}].
  var matchCache = new Map();
  function match(query) {
    var words = queryWords(query);
    var key = words.join(" ");
    if (matchCache.has(key)) return matchCache.get(key);
    var p = loadCases().then(function (data) {
      if (!words.length) return data.list.map(function (c) { return { c: c, score: 0 }; });
      if (!data.list.length) return [];
      return loadPagefind().then(function (pf) {
        return Promise.all(words.map(function (w) { return matchWord(pf, w); }));
      }).then(function (sets) {
        sets.sort(function (a, b) { return a.size - b.size; });
        var out = [];
        sets[0].forEach(function (id) {
          for (var i = 1; i < sets.length; i++) if (!sets[i].has(id)) return;
          var c = data.byId[id];
          if (c) out.push({ c: c, score: score(c, words) });
        });
        return out.sort(function (a, b) { return b.score - a.score || a.c.rank - b.c.rank; });
      });
    });
    p.catch(function () { matchCache.delete(key); });
    if (matchCache.size > 100) matchCache.clear();
    matchCache.set(key, p);
    return p;
  }

  function yearOf(c) { return String(c.year); }
  function valuesOf(c, key) { return key === "year" ? [yearOf(c)] : (c.terms[key] || []); }
  // OR within a facet, AND across facets; `skip` leaves one facet out (for its counts).
  function passes(c, filters, skip) {
    for (var key in filters) {
      var wanted = filters[key];
      if (key === skip || !wanted || !wanted.length) continue;
      var have = valuesOf(c, key);
      if (!wanted.some(function (v) { return have.indexOf(String(v)) >= 0; })) return false;
    }
    return true;
  }

  // window.kyodoSearch(query, filters[, {sort: "newest"}]) -> Promise<[{url, title, …}]>
  // in ranked order. `filters` maps a facet key (or "year") to term slugs.
  function kyodoSearch(query, filters, options) {
    filters = filters || {};
    var newest = options && options.sort === "newest";
    return match(query).then(function (hits) {
      var list = hits.filter(function (h) { return passes(h.c, filters); });
      if (newest) list = list.slice().sort(function (a, b) { return a.c.rank - b.c.rank; });
      return list.map(function (h) {
        var c = h.c;
        return { url: new URL(c.url, base).href, title: c.title, summary: c.summary, year: c.year,
                 organizations: c.organizations, terms: c.terms, score: h.score };
      });
    });
  }
  // Counts per facet value for the query, each facet counted under the other facets' filters.
  kyodoSearch.counts = function (query, filters, keys) {
    filters = filters || {};
    return match(query).then(function (hits) {
      var counts = {};
      (keys || Object.keys(filters)).forEach(function (key) {
        var n = counts[key] = {};
        hits.forEach(function (h) {
          if (!passes(h.c, filters, key)) return;
          valuesOf(h.c, key).forEach(function (v) { n[v] = (n[v] || 0) + 1; });
        });
      });
      return counts;
    });
  };
  kyodoSearch.words = queryWords;
  window.kyodoSearch = kyodoSearch;

  // ---- The page -------------------------------------------------------------
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var panel = document.getElementById("search-filters-panel");
  var box = document.getElementById("search-filters-box");
  var filterForm = document.getElementById("search-filters");
  var activeNote = document.getElementById("search-filters-active");
  var clearButton = document.getElementById("search-filters-clear");
  var tools = document.getElementById("search-tools");
  var sortSelect = document.getElementById("search-sort");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var moreWrap = document.getElementById("search-more-wrap");
  var moreButton = document.getElementById("search-more");
  var template = document.getElementById("search-result-template");
  if (!form || !input || !filterForm || !status || !list || !template) return;

  var boxes = Array.from(filterForm.querySelectorAll("input[type=checkbox]"));
  var facetKeys = Array.from(filterForm.querySelectorAll("fieldset[data-facet]")).map(function (f) { return f.getAttribute("data-facet"); });
  var facetLabels = {}, termLabels = {};
  filterForm.querySelectorAll("fieldset[data-facet]").forEach(function (f) {
    facetLabels[f.getAttribute("data-facet")] = f.querySelector("legend").textContent;
  });
  boxes.forEach(function (b) { termLabels[b.name + "/" + b.value] = b.getAttribute("data-label"); });
  var baseTitle = document.title;
  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("ja", { granularity: "grapheme" }) : null;

  panel.hidden = false;
  tools.hidden = false;
  document.getElementById("search-main").hidden = false;
  loadCases().catch(function () {});
  loadPagefind().catch(function () {});

  // State <-> URL: ?q=…&partner=npo&year=2024&sort=newest
  function readUrl() {
    var params = new URLSearchParams(location.search);
    var filters = {};
    facetKeys.forEach(function (key) {
      var values = params.getAll(key).filter(Boolean);
      if (values.length) filters[key] = values;
    });
    return { q: params.get("q") || "", filters: filters, sort: params.get("sort") === "newest" ? "newest" : "" };
  }
  function readForm() {
    var filters = {};
    boxes.forEach(function (b) { if (b.checked) (filters[b.name] = filters[b.name] || []).push(b.value); });
    return { q: input.value, filters: filters, sort: sortSelect.value };
  }
  function writeForm(state) {
    input.value = state.q;
    boxes.forEach(function (b) { b.checked = (state.filters[b.name] || []).indexOf(b.value) >= 0; });
    sortSelect.value = state.sort;
  }
  function urlOf(state) {
    var params = new URLSearchParams();
    if (state.q.trim()) params.set("q", state.q.trim());
    facetKeys.forEach(function (key) { (state.filters[key] || []).forEach(function (v) { params.append(key, v); }); });
    if (state.sort) params.set("sort", state.sort);
    var s = params.toString();
    return location.pathname + (s ? "?" + s : "");
  }
  function commit(push) {
    var state = readForm();
    var url = urlOf(state);
    if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", url);
    run(state);
  }

  // Marks every occurrence of the query words in `text` inside `el`; true if any.
  function highlight(el, text, words) {
    var parts = segmenter ? Array.from(segmenter.segment(text), function (s) { return s.segment; }) : Array.from(text);
    var norm = "", starts = [];
    parts.forEach(function (p) { starts.push(norm.length); norm += normalize(p); });
    starts.push(norm.length);
    var marked = parts.map(function () { return false; });
    var any = false;
    words.forEach(function (w) {
      for (var at = norm.indexOf(w); at >= 0; at = norm.indexOf(w, at + 1)) {
        any = true;
        for (var k = 0; k < parts.length; k++) if (starts[k] < at + w.length && starts[k + 1] > at) marked[k] = true;
      }
    });
    el.textContent = "";
    for (var i = 0; i < parts.length;) {
      var j = i;
      while (j < parts.length && marked[j] === marked[i]) j++;
      var chunk = parts.slice(i, j).join("");
      if (marked[i]) { var m = document.createElement("mark"); m.textContent = chunk; el.appendChild(m); }
      else el.appendChild(document.createTextNode(chunk));
      i = j;
    }
    return any;
  }

  function item(r, words) {
    var li = template.content.firstElementChild.cloneNode(true);
    var a = li.querySelector(".case-item-title a");
    a.href = r.url;
    var found = {};
    words.forEach(function (w) { found[w] = false; });
    function mark(el, text) {
      highlight(el, text, words);
      var n = normalize(text);
      words.forEach(function (w) { if (n.indexOf(w) >= 0) found[w] = true; });
    }
    mark(a, r.title);
    mark(li.querySelector(".case-item-summary"), r.summary);
    var orgs = (r.organizations || []).join("、");
    if (orgs && words.some(function (w) { return normalize(orgs).indexOf(w) >= 0; })) {
      var orgLine = li.querySelector(".case-item-orgs");
      mark(orgLine.querySelector("span"), orgs);
      orgLine.hidden = false;
    }
    var inBody = words.filter(function (w) { return !found[w]; });
    if (inBody.length) {
      var note = li.querySelector(".case-item-note");
      note.textContent = "本文に" + inBody.map(function (w) { return "「" + w + "」"; }).join("") + "が含まれています。";
      note.hidden = false;
    }
    var dl = li.querySelector("dl");
    function row(label, values) {
      if (!values.length) return;
      var div = document.createElement("div");
      var dt = document.createElement("dt");
      dt.textContent = label;
      var dd = document.createElement("dd");
      values.forEach(function (v) {
        var span = document.createElement("span");
        span.className = "badge";
        span.textContent = v;
        dd.appendChild(span);
      });
      div.appendChild(dt);
      div.appendChild(dd);
      dl.appendChild(div);
    }
    row(facetLabels.year || "年度", [termLabels["year/" + r.year] || String(r.year)]);
    facetKeys.forEach(function (key) {
      if (key === "year") return;
      row(facetLabels[key], (r.terms[key] || []).map(function (s) { return termLabels[key + "/" + s] || s; }));
    });
    return li;
  }

  var shown = [], shownWords = [], shownCount = 0;
  function showMore(focusFirst) {
    var start = shownCount;
    var frag = document.createDocumentFragment();
    shown.slice(start, start + PAGE).forEach(function (r) { frag.appendChild(item(r, shownWords)); });
    list.appendChild(frag);
    shownCount = Math.min(shown.length, start + PAGE);
    var rest = shown.length - shownCount;
    moreWrap.hidden = rest <= 0;
    moreButton.textContent = "さらに表示（残り " + rest.toLocaleString("ja-JP") + " 件）";
    if (focusFirst && list.children[start]) list.children[start].querySelector("a").focus();
  }

  function filterSummary(filters) {
    var names = [];
    facetKeys.forEach(function (key) {
      (filters[key] || []).forEach(function (v) { names.push(termLabels[key + "/" + v] || v); });
    });
    return names;
  }

  var ticket = 0;
  function run(state) {
    var mine = ++ticket;
    var words = queryWords(state.q);
    list.setAttribute("aria-busy", "true");
    var slow = setTimeout(function () { if (mine === ticket) status.textContent = "検索しています…"; }, 400);
    Promise.all([
      window.kyodoSearch(state.q, state.filters, { sort: state.sort }),
      kyodoSearch.counts(state.q, state.filters, facetKeys),
    ]).then(function (res) {
      clearTimeout(slow);
      if (mine !== ticket) return;
      var results = res[0], counts = res[1];
      boxes.forEach(function (b) {
        var n = (counts[b.name] && counts[b.name][b.value]) || 0;
        b.nextElementSibling.querySelector("[data-count]").textContent = "（" + n.toLocaleString("ja-JP") + "件）";
        b.parentNode.classList.toggle("is-zero", n === 0 && !b.checked);
      });
      var picked = filterSummary(state.filters);
      activeNote.textContent = picked.length ? "（" + picked.length + " 件選択中）" : "";
      clearButton.disabled = !picked.length;
      shown = results;
      shownWords = words;
      shownCount = 0;
      list.textContent = "";
      showMore(false);
      var n = results.length.toLocaleString("ja-JP");
      var what = words.length ? "「" + state.q.trim() + "」" : "";
      var where = picked.length ? "（絞り込み: " + picked.join("、") + "）" : "";
      var text;
      if (!words.length && !picked.length) text = "すべての事例 " + n + " 件を新しい順に表示しています。";
      else if (results.length) text = (what ? what + "の" : "") + "検索結果 " + n + " 件" + where;
      else text = (what ? what + "に" : "") + "一致する事例は見つかりませんでした" + where +
        "。言葉を短くするか、絞り込みを減らしてください。";
      status.textContent = text;
      list.setAttribute("aria-busy", "false");
      document.title = (words.length || picked.length ? (what ? what + "の" : "") + "検索結果 " + n + " 件 - " : "") + baseTitle;
    }).catch(function (err) {
      clearTimeout(slow);
      if (mine !== ticket) return;
      if (window.console) console.error(err);
      list.textContent = "";
      moreWrap.hidden = true;
      status.textContent = "検索の準備ができませんでした。下の「分類から探す」の一覧からお探しください。";
      list.setAttribute("aria-busy", "false");
    });
  }

  var typing = null, composing = false;
  input.addEventListener("compositionstart", function () { composing = true; });
  input.addEventListener("compositionend", function () { composing = false; schedule(); });
  function schedule() {
    clearTimeout(typing);
    typing = setTimeout(function () { commit(false); }, 30);
  }
  input.addEventListener("input", function (ev) { if (!composing && !ev.isComposing) schedule(); });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); clearTimeout(typing); commit(true); });
  filterForm.addEventListener("submit", function (ev) { ev.preventDefault(); commit(true); });
  filterForm.addEventListener("change", function () { commit(true); });
  sortSelect.addEventListener("change", function () { commit(true); });
  clearButton.addEventListener("click", function () {
    boxes.forEach(function (b) { b.checked = false; });
    commit(true);
    input.focus();
  });
  moreButton.addEventListener("click", function () { showMore(true); });
  window.addEventListener("popstate", function () { var s = readUrl(); writeForm(s); run(s); });

  var initial = readUrl();
  writeForm(initial);
  if (box && window.matchMedia && window.matchMedia("(max-width: 55.99rem)").matches && !filterSummary(initial.filters).length) {
    box.open = false;
  }
  run(initial);
})();
