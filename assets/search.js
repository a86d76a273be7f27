// Search page: Japanese search on kyodo's own static index (kyodo/search/index.py
// describes the files), plus filters by every facet and fiscal year. No
// framework, no request leaving the site. Without JavaScript the page links
// to the indexes.
//
// A query word finds (1) every record containing it exactly (after NFKC and
// lower case), ranked first; then (2) records containing the same word spelt
// another way or read the same (子ども・子供・こども, ぼうさい → 防災), found
// through the lexicon built with SudachiPy. Words separated by spaces are AND.
// Case records come first in the index (manifest.records of them: filters and
// counts apply to them); the organisation pages of the 団体情報バンク, when the
// site has any, follow as a group (manifest.groups) shown above the cases.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL((script && script.getAttribute("data-root")) || "", document.baseURI);
  var SPACE = /[\s\u200b\ufeff]+/;
  var PAGE = 20;

  // ---- Text: the same rules as kyodo/search/ngram.py and vocab.fold ----------
  function normalize(text) { return String(text).normalize("NFKC").toLowerCase().replace(/\0/g, " "); }
  function queryWords(query) {
    var seen = {};
    return normalize(query || "").split(SPACE).filter(function (w) {
      if (!w || seen[w]) return false;
      seen[w] = true;
      return true;
    });
  }
  function toHiragana(text) {
    return text.replace(/[\u30a1-\u30f6]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0x60); });
  }
  function fold(text) { return toHiragana(normalize(text)); }
  function isKana(text) { return /^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fd\u30fe]+$/.test(text); }
  function strShard(text, count) {            // index.py: str_shard (FNV-1a over code points)
    var h = 0x811c9dc5;
    for (var ch of text) h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
    return h % count;
  }
  function gramShard(a, b, count) { return (a * 65599 + b) % count; }

  // ---- Files: fetched once, on demand ----------------------------------------
  var files = new Map();
  var manifest = null;
  function getFile(path, kind) {
    var key = path;
    if (!files.has(key)) {
      var url = new URL("search/" + path + (manifest ? "?v=" + manifest.version.slice(0, 12) : ""), base);
      var p = fetch(url).then(function (r) {
        if (r.status === 404) return null;          // an empty shard is not written
        if (!r.ok) throw new Error(path + ": " + r.status);
        return kind === "bin" ? r.arrayBuffer() : r.json();
      });
      p.catch(function () { files.delete(key); });
      files.set(key, p);
    }
    return files.get(key);
  }
  var manifestPromise = null;
  function loadManifest() {
    if (!manifestPromise) {
      manifestPromise = getFile("index.json", "json").then(function (m) {
        manifest = m;
        return m;
      });
      manifestPromise.catch(function () { manifestPromise = null; });
    }
    return manifestPromise;
  }
  var facetsPromise = null;
  function loadFacets() {
    if (!facetsPromise) {
      facetsPromise = loadManifest().then(function (m) {
        return getFile("facets.bin", "bin").then(function (buf) { return new Uint8Array(buf || new ArrayBuffer(0)); });
      });
      facetsPromise.catch(function () { facetsPromise = null; });
    }
    return facetsPromise;
  }

  // Postings file: varint groups; per group a, b, runs, total; then the record
  // stream, the run lengths and the postings (index.py: postings_files).
  function decodePostings(buf) {
    var bytes = new Uint8Array(buf), at = 0;
    function next() {
      var v = 0, mul = 1, b;
      do { b = bytes[at++]; v += (b & 0x7f) * mul; mul *= 128; } while (b & 0x80);
      return v;
    }
    var groups = next(), heads = [], g;
    for (g = 0; g < groups; g++) heads.push([next(), next(), next(), next()]);
    var runsTotal = 0, postsTotal = 0;
    heads.forEach(function (h) { runsTotal += h[2]; postsTotal += h[3]; });
    var recs = new Int32Array(runsTotal), lens = new Int32Array(runsTotal), posts = new Int32Array(postsTotal);
    var i, j;
    for (i = 0, g = 0; g < groups; g++) {
      var prev = 0;
      for (j = 0; j < heads[g][2]; j++, i++) { prev += next(); recs[i] = prev; }
    }
    for (i = 0; i < runsTotal; i++) lens[i] = next();
    var map = new Map(), r = 0, p = 0;
    for (g = 0; g < groups; g++) {
      var h = heads[g], byRec = new Map();
      for (j = 0; j < h[2]; j++, r++) {
        var start = p, last = 0;
        for (var k = 0; k < lens[r]; k++, p++) { last = (k ? last : 0) + next(); posts[p] = last; }
        byRec.set(recs[r], [start, p]);
      }
      map.set(h[0] + ":" + h[1], { recs: byRec, posts: posts, size: h[3] });
    }
    return map;
  }
  var decoded = new Map();
  function postings(path) {
    if (!decoded.has(path)) {
      decoded.set(path, getFile(path, "bin").then(function (buf) { return buf ? decodePostings(buf) : new Map(); }));
    }
    return decoded.get(path);
  }
  var EMPTY = { recs: new Map(), posts: new Int32Array(0), size: 0 };
  function gram(a, b) {
    return postings("gram/" + gramShard(a, b, manifest.shards.gram) + ".bin").then(function (m) {
      return m.get(a + ":" + b) || EMPTY;
    });
  }

  // ---- Exact: records containing the word -> Map(record -> field mask) ---------
  function has(group, rec, value) {
    var span = group.recs.get(rec);
    if (!span) return false;
    var lo = span[0], hi = span[1] - 1, posts = group.posts;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (posts[mid] === value) return true;
      if (posts[mid] < value) lo = mid + 1; else hi = mid - 1;
    }
    return false;
  }
  function exactWord(word) {
    var cps = Array.from(word, function (c) { return c.codePointAt(0); });
    var shift = Math.pow(2, manifest.fieldShift);
    if (cps.length === 1) {
      return gram(cps[0], 0).then(function (g) {
        var out = new Map();
        g.recs.forEach(function (span, rec) { out.set(rec, g.posts[span[0]]); });
        return out;
      });
    }
    var wanted = [];
    for (var i = 0; i + 1 < cps.length; i++) wanted.push(gram(cps[i], cps[i + 1]));
    return Promise.all(wanted).then(function (groups) {
      var out = new Map();
      if (groups.some(function (g) { return !g.size; })) return out;
      var smallest = groups.reduce(function (a, g) { return g.recs.size < a.recs.size ? g : a; });
      var first = groups[0];
      smallest.recs.forEach(function (_, rec) {
        var span = first.recs.get(rec);
        if (!span) return;
        for (var k = 1; k < groups.length; k++) if (!groups[k].recs.has(rec)) return;
        var mask = 0;
        for (var q = span[0]; q < span[1]; q++) {
          var p = first.posts[q], ok = true;
          for (var k2 = 1; k2 < groups.length && ok; k2++) ok = has(groups[k2], rec, p + k2);
          if (ok) mask |= 1 << Math.floor(p / shift);
        }
        if (mask) out.set(rec, mask);
      });
      return out;
    });
  }

  // ---- Variants: the lexicon ---------------------------------------------------
  var lexShards = new Map();
  function lexShard(ch) {
    var n = strShard(ch, manifest.shards.lex);
    if (!lexShards.has(n)) {
      lexShards.set(n, getFile("lex/" + n + ".json", "json").then(function (data) {
        var byFirst = new Map();
        Object.keys(data || {}).forEach(function (form) {
          var first = Array.from(form)[0];
          if (!byFirst.has(first)) byFirst.set(first, []);
          byFirst.get(first).push(form);
        });
        byFirst.forEach(function (list) { list.sort(function (a, b) { return b.length - a.length; }); });
        return { data: data || {}, byFirst: byFirst };
      }));
    }
    return lexShards.get(n);
  }
  // Cut a folded query word into lexicon forms, longest first: [{text, form, entries}] or null.
  function segment(folded) {
    var chars = Array.from(folded), out = [];
    function step(i) {
      if (i >= chars.length) return Promise.resolve(out.length ? out : null);
      return lexShard(chars[i]).then(function (shard) {
        var rest = chars.slice(i).join("");
        var forms = shard.byFirst.get(chars[i]) || [];
        for (var f = 0; f < forms.length; f++) {
          if (rest.lastIndexOf(forms[f], 0) === 0) {
            var entries = shard.data[forms[f]];
            if (entries.length) out.push({ form: forms[f], entries: entries });
            return step(i + Array.from(forms[f]).length);
          }
        }
        return null;        // a part of the word that the catalogue never uses as a word
      });
    }
    return step(0);
  }
  var wordShards = new Map();
  function wordShard(n) {
    if (!wordShards.has(n)) {
      wordShards.set(n, Promise.all([getFile("word/" + n + ".json", "json"), postings("word/" + n + ".bin")]).then(function (r) {
        var keys = new Map();
        (r[0] || []).forEach(function (entry, i) {
          keys.set(entry[0], { surfaces: entry[1], postings: r[1].get(i + ":0") || EMPTY });
        });
        return keys;
      }));
    }
    return wordShards.get(n);
  }
  function keyPostings(key) {
    return wordShard(strShard(key, manifest.shards.word)).then(function (keys) {
      return keys.get(key) || { surfaces: [], postings: EMPTY };
    });
  }
  // Records with the word in any spelling or reading -> Map(record -> {mask, labels, marks}).
  // A segment of the word is found through its keys' postings (Sudachi's reading of
  // each record) and, since Sudachi reads a word by its context (見守りを can be
  // read 見+守り), also as an exact substring for each spelling the catalogue uses.
  var MAX_SPELLINGS = 8;
  function variantWord(word) {
    var folded = fold(word);
    return segment(folded).then(function (segs) {
      if (!segs) return new Map();
      return Promise.all(segs.map(function (seg) {
        return Promise.all(seg.entries.map(function (e) { return keyPostings(e[0]); })).then(function (keyed) {
          var hits = new Map();
          function add(rec, field, label, surface, marks) {
            var old = hits.get(rec);
            if (old && old.field <= field) return;
            hits.set(rec, { field: field, label: label, surface: surface, marks: marks });
          }
          var spellings = [];
          keyed.forEach(function (k, i) {
            var reading = seg.entries[i][1] === 1 && isKana(seg.form);
            k.postings.recs.forEach(function (span, rec) {
              var v = k.postings.posts[span[0]], surface = k.surfaces[Math.floor(v / 8)];
              add(rec, v % 8, reading ? "読み「" + seg.form + "」" : "「" + surface + "」", surface, k.surfaces);
            });
            k.surfaces.slice(0, MAX_SPELLINGS).forEach(function (surface) {
              if (Array.from(surface).length >= 2 && surface !== word) {
                spellings.push({ surface: surface, label: reading ? "読み「" + seg.form + "」" : "「" + surface + "」", marks: k.surfaces });
              }
            });
          });
          return Promise.all(spellings.map(function (sp) {
            return exactWord(sp.surface).then(function (found) {
              found.forEach(function (mask, rec) {
                add(rec, Math.log2(mask & -mask), sp.label, sp.surface, sp.marks);
              });
            });
          })).then(function () { return hits; });
        });
      })).then(function (perSeg) {
        var out = new Map();
        perSeg.sort(function (a, b) { return a.size - b.size; });
        perSeg[0].forEach(function (_, rec) {
          var mask = 0, labels = [], marks = [];
          for (var s = 0; s < perSeg.length; s++) {
            var h = perSeg[s].get(rec);
            if (!h) return;
            mask |= 1 << h.field;
            if (labels.indexOf(h.label) < 0) labels.push(h.label);
            marks = marks.concat(h.marks);
          }
          out.set(rec, { mask: mask, labels: labels, marks: marks });
        });
        return out;
      });
    });
  }

  // ---- Matching and ranking -------------------------------------------------------
  function fieldScore(mask) { return 1 + (mask & 1 ? 8 : 0) + (mask & 2 ? 4 : 0) + (mask & 4 ? 2 : 0); }
  var exactCache = new Map();
  function exactOf(word) {
    if (!exactCache.has(word)) {
      if (exactCache.size > 100) exactCache.clear();
      var p = exactWord(word);
      p.catch(function () { exactCache.delete(word); });
      exactCache.set(word, p);
    }
    return exactCache.get(word);
  }
  // Records containing every word exactly rank first whatever the lexicon adds:
  // fetch the display data of the first `count` of them (case records passing
  // the filters, best first) as soon as they are known, while the variants are
  // still being looked up.
  function prefetchExact(query, filters, count) {
    var words = queryWords(query);
    if (!words.length) return;
    Promise.all([loadManifest(), loadFacets()]).then(function (r) {
      var bits = r[1];
      return Promise.all(words.map(exactOf)).then(function (per) {
        var smallest = per.reduce(function (a, m) { return m.size < a.size ? m : a; });
        var hits = [];
        smallest.forEach(function (_, rec) {
          if (rec >= manifest.records) return;
          var score = 0;
          for (var i = 0; i < per.length; i++) {
            var e = per[i].get(rec);
            if (e === undefined) return;
            score += fieldScore(e);
          }
          if (passes(bits, rec, filters || {})) hits.push({ rec: rec, score: score });
        });
        hits.sort(function (a, b) { return (b.score - a.score) || (a.rec - b.rec); });
        hits.slice(0, count).forEach(function (h) { meta(h.rec); });
      });
    }).catch(function () { /* the search itself reports failures */ });
  }

  // Every record with every word (exactly or as a variant), best first:
  // [{rec, score, exact, why: [labels], marks: [strings]}]
  var matchCache = new Map();
  function match(query) {
    var words = queryWords(query);
    var key = words.join(" ");
    if (matchCache.has(key)) return matchCache.get(key);
    var p = loadManifest().then(function (m) {
      if (!words.length) {
        var all = [];
        for (var r = 0; r < m.records; r++) all.push({ rec: r, score: 0, exact: true, why: [], marks: [] });
        return all;
      }
      return Promise.all(words.map(function (w) {
        return Promise.all([exactOf(w), variantWord(w).catch(function () { return new Map(); })]);
      })).then(function (per) {
        var order = per.map(function (_, i) { return i; });
        function size(i) { return per[i][0].size + per[i][1].size; }
        order.sort(function (a, b) { return size(a) - size(b); });
        var first = per[order[0]], candidates = new Set(first[0].keys());
        first[1].forEach(function (_, rec) { candidates.add(rec); });
        var out = [];
        candidates.forEach(function (rec) {
          var score = 0, exact = true, why = [], marks = [];
          for (var i = 0; i < per.length; i++) {
            var e = per[i][0].get(rec);
            if (e !== undefined) { score += fieldScore(e); marks.push(words[i]); continue; }
            var v = per[i][1].get(rec);
            if (!v) return;
            exact = false;
            score += fieldScore(v.mask);
            why = why.concat(v.labels);
            marks = marks.concat(v.marks);
          }
          out.push({ rec: rec, score: score, exact: exact, why: why, marks: marks });
        });
        return out.sort(function (a, b) {
          return (b.exact - a.exact) || (b.score - a.score) || (a.rec - b.rec);
        });
      });
    });
    p.catch(function () { matchCache.delete(key); });
    if (matchCache.size > 100) matchCache.clear();
    matchCache.set(key, p);
    return p;
  }

  // ---- Facets (facets.bin) ------------------------------------------------------
  function valuesOf(bits, rec, key) {
    var w = manifest.width, at = rec * w;
    if (key === "year") {
      var y = manifest.years[bits[at + w - 1]];
      return y === undefined ? [] : [String(y)];
    }
    var f = manifest.facets.find(function (x) { return x.key === key; });
    if (!f) return [];
    var out = [];
    for (var i = 0; i < f.terms.length; i++) if (bits[at + f.at + (i >> 3)] & (1 << (i & 7))) out.push(f.terms[i]);
    return out;
  }
  // OR within a facet, AND across facets; `skip` leaves one facet out (for its counts).
  function passes(bits, rec, filters, skip) {
    for (var key in filters) {
      var wanted = filters[key];
      if (key === skip || !wanted || !wanted.length) continue;
      var have = valuesOf(bits, rec, key);
      if (!wanted.some(function (v) { return have.indexOf(String(v)) >= 0; })) return false;
    }
    return true;
  }
  function isCase(h) { return h.rec < manifest.records; }
  // Case hits that pass the filters, and the hits of other groups (not filtered:
  // filters classify cases), best first.
  function filtered(query, filters) {
    return Promise.all([match(query), loadFacets()]).then(function (r) {
      var bits = r[1];
      return { hits: r[0].filter(function (h) { return isCase(h) && passes(bits, h.rec, filters || {}); }),
               others: r[0].filter(function (h) { return !isCase(h); }), bits: bits };
    });
  }
  function groupOf(rec) {
    return (manifest.groups || []).find(function (g) { return rec >= g.start && rec < g.start + g.count; });
  }

  // ---- Display data (meta/<n>.json) -------------------------------------------------
  function meta(rec) {
    var n = Math.floor(rec / manifest.meta);
    return getFile("meta/" + n + ".json", "json").then(function (chunk) { return chunk[rec - n * manifest.meta]; });
  }
  function resultOf(h, bits) {
    return meta(h.rec).then(function (m) {
      var terms = {};
      manifest.facets.forEach(function (f) { terms[f.key] = valuesOf(bits, h.rec, f.key); });
      return { url: new URL(m[0], base).href, title: m[1], summary: m[2], organizations: m[3],
               registered: m[4] || [],   // [[index in organizations, registered name, [aliases]], …]
               year: Number(valuesOf(bits, h.rec, "year")[0]), terms: terms, score: h.score,
               exact: h.exact, why: h.why, marks: h.marks };
    });
  }

  // An organisation page (records.organization_record).
  function organizationOf(h) {
    return meta(h.rec).then(function (m) {
      return { url: new URL(m[0], base).href, name: m[1], summary: m[2], aliases: m[3], kind: m[4],
               cases: m[5], area: m[6], fields: m[7] || [], score: h.score, exact: h.exact,
               why: h.why, marks: h.marks };
    });
  }

  // window.kyodoSearch(query, filters[, {sort: "newest", limit: n}]) -> Promise<[{url, title, …,
  // exact, why}]> in ranked order: exact matches first, then variants and readings
  // (`exact: false`, `why`: ["「子供」", "読み「ぼうさい」"]). `filters` maps a facet key
  // (or "year") to term slugs.
  function kyodoSearch(query, filters, options) {
    var newest = options && options.sort === "newest";
    var limit = options && options.limit;
    return filtered(query, filters).then(function (f) {
      var list = f.hits;
      if (newest) list = list.slice().sort(function (a, b) { return a.rec - b.rec; });
      if (limit) list = list.slice(0, limit);
      return Promise.all(list.map(function (h) { return resultOf(h, f.bits); }));
    });
  }
  // window.kyodoSearch.organizations(query[, {limit: n}]) -> Promise<[{url, name, summary,
  // aliases, kind, cases, area, fields, exact, why}]>: the organisation pages the words find
  // (name, aliases, kind, area, 活動分野, activities), best first; [] for an empty query.
  kyodoSearch.organizations = function (query, options) {
    var limit = options && options.limit;
    if (!queryWords(query).length) return Promise.resolve([]);
    return filtered(query, {}).then(function (f) {
      var list = f.others.filter(function (h) { var g = groupOf(h.rec); return g && g.kind === "organization"; });
      if (limit) list = list.slice(0, limit);
      return Promise.all(list.map(organizationOf));
    });
  };
  // Counts per facet value for the query, each facet counted under the other facets' filters.
  kyodoSearch.counts = function (query, filters, keys) {
    filters = filters || {};
    return Promise.all([match(query), loadFacets()]).then(function (r) {
      var counts = {}, bits = r[1];
      (keys || Object.keys(filters)).forEach(function (key) {
        var n = counts[key] = {};
        r[0].forEach(function (h) {
          if (!isCase(h) || !passes(bits, h.rec, filters, key)) return;
          valuesOf(bits, h.rec, key).forEach(function (v) { n[v] = (n[v] || 0) + 1; });
        });
      });
      return counts;
    });
  };
  kyodoSearch.words = queryWords;

  // ---- Suggestions -----------------------------------------------------------------
  var ERAS = { "令和": 2019, "平成": 1989, "昭和": 1926, "r": 2019, "h": 1989, "s": 1926 };
  // A fiscal year named by a query word: 令和6年度, R6, 2024年度, 平成30年度, 令和元年度.
  function yearOf(word) {
    var w = normalize(word), m = /^(令和|平成|昭和|r|h|s)(元|\d{1,2})(年度?)?$/.exec(w);
    if (m) return ERAS[m[1]] + (m[2] === "元" ? 1 : Number(m[2])) - 1;
    m = /^(\d{4})(年度?)?$/.exec(w);
    if (m && (m[2] || manifest.years.indexOf(Number(m[1])) >= 0)) return Number(m[1]);
    return null;
  }
  function termsNamed(word) {
    var w = normalize(word), out = [];
    manifest.facets.forEach(function (f) {
      f.terms.forEach(function (slug, i) {
        var names = [f.labels[i]].concat((f.aliases && f.aliases[i]) || []).map(normalize);
        if (names.indexOf(w) >= 0) out.push({ key: f.key, value: slug, label: (f.names || f.labels)[i], facet: f.label || f.key });
      });
    });
    return out;
  }
  // Filters that a query word names: [{word, key, value, label, facet, count, query}];
  // `count` is what the query without that word finds with the filter added.
  kyodoSearch.suggest = function (query, filters) {
    filters = filters || {};
    return loadManifest().then(function () {
      var words = queryWords(query), offers = [];
      words.forEach(function (w) {
        var y = yearOf(w);
        if (y !== null) offers.push({ word: w, key: "year", value: String(y), label: yearLabel(y), facet: "年度" });
        termsNamed(w).forEach(function (t) { t.word = w; offers.push(t); });
      });
      return Promise.all(offers.map(function (o) {
        var rest = words.filter(function (w) { return w !== o.word; }).join(" ");
        var f = Object.assign({}, filters);
        f[o.key] = (f[o.key] || []).concat([o.value]).filter(function (v, i, a) { return a.indexOf(v) === i; });
        if ((filters[o.key] || []).indexOf(o.value) >= 0) f[o.key] = [o.value];
        return filtered(rest, f).then(function (r) { o.count = r.hits.length; o.query = rest; return o; });
      }));
    });
  };
  function yearLabel(y) {
    var era = y >= 2019 ? ["令和", y - 2018] : y >= 1989 ? ["平成", y - 1988] : ["昭和", y - 1925];
    return era[0] + (era[1] === 1 ? "元" : era[1]) + "年度（" + y + "年度）";
  }
  // When nothing is found: other queries that do find something.
  // [{query, filters, count, reason}] — words' other spellings and readings that
  // the catalogue uses, the query without one of its words, the query without filters.
  kyodoSearch.alternatives = function (query, filters) {
    filters = filters || {};
    return loadManifest().then(function () {
      var words = queryWords(query), tries = [];
      words.forEach(function (w, i) {
        var others = words.filter(function (_, j) { return j !== i; });
        if (others.length) tries.push({ query: others.join(" "), filters: filters, reason: "「" + w + "」を除く" });
      });
      var completions = words.map(function (w, i) {
        var folded = fold(w), first = Array.from(folded)[0];
        if (yearOf(w) !== null || termsNamed(w).length) return null;     // offered as a filter instead
        return lexShard(first).then(function (shard) {
          var seen = {}, list = [];
          (shard.byFirst.get(first) || []).forEach(function (form) {
            if (form === folded || form.lastIndexOf(folded, 0) !== 0) return;     // words that begin so
            shard.data[form].forEach(function (e) {
              if (seen[e[0]]) return;
              seen[e[0]] = true;
              list.push({ key: e[0], reading: e[1] === 1 && isKana(form) ? form : "" });
            });
          });
          return Promise.all(list.slice(0, 12).map(function (c) {
            return keyPostings(c.key).then(function (k) {
              var surface = k.surfaces[0] || c.key;
              var q = words.slice(0, i).concat([surface], words.slice(i + 1)).join(" ");
              tries.push({ query: q, filters: filters,
                           reason: c.reading ? "読み「" + c.reading + "」" : "「" + w + "」に近い言葉" });
            });
          }));
        });
      });
      return Promise.all(completions).then(function () {
        if (Object.keys(filters).some(function (k) { return filters[k] && filters[k].length; })) {
          tries.push({ query: words.join(" "), filters: {}, reason: "絞り込みを解除" });
        }
        var seen = {};
        tries = tries.filter(function (t) {
          var k = t.query + "|" + JSON.stringify(t.filters);
          if (!t.query && !Object.keys(t.filters).length || seen[k]) return false;
          return (seen[k] = true);
        });
        return Promise.all(tries.map(function (t) {
          return filtered(t.query, t.filters).then(function (r) { t.count = r.hits.length; return t; });
        }));
      }).then(function (list) {
        return list.filter(function (t) { return t.count > 0; })
          .sort(function (a, b) { return b.count - a.count; }).slice(0, 6);
      });
    });
  };
  window.kyodoSearch = kyodoSearch;

  // ---- The page -------------------------------------------------------------------
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var box = document.getElementById("search-filters-box");
  var filterForm = document.getElementById("search-filters");
  var activeNote = document.getElementById("search-filters-active");
  var clearButton = document.getElementById("search-filters-clear");
  var sortSelect = document.getElementById("search-sort");
  var status = document.getElementById("search-status");
  var offers = document.getElementById("search-offers");
  var list = document.getElementById("search-results");
  var moreWrap = document.getElementById("search-more-wrap");
  var moreButton = document.getElementById("search-more");
  var template = document.getElementById("search-result-template");
  // The 団体情報バンク group (only on a site with organisations).
  var orgSection = document.getElementById("search-orgs");
  var orgList = document.getElementById("search-org-results");
  var orgCountEl = document.getElementById("search-orgs-count");
  var orgMoreWrap = document.getElementById("search-orgs-more-wrap");
  var orgMoreButton = document.getElementById("search-orgs-more");
  var orgTemplate = document.getElementById("search-org-template");
  var orgsHere = !!(orgSection && orgList && orgTemplate && orgMoreWrap && orgMoreButton);
  if (!form || !input || !filterForm || !status || !list || !template) return;
  document.documentElement.classList.add("search-ready");

  var boxes = Array.from(filterForm.querySelectorAll("input[type=checkbox]"));
  var facetKeys = Array.from(filterForm.querySelectorAll("fieldset[data-facet]")).map(function (f) { return f.getAttribute("data-facet"); });
  var facetLabels = {}, termLabels = {};
  filterForm.querySelectorAll("fieldset[data-facet]").forEach(function (f) {
    facetLabels[f.getAttribute("data-facet")] = f.querySelector("legend").textContent;
  });
  boxes.forEach(function (b) { termLabels[b.name + "/" + b.value] = b.getAttribute("data-label"); });
  var baseTitle = document.title;
  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("ja", { granularity: "grapheme" }) : null;
  loadManifest().catch(function () {});

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

  // Marks every occurrence of `words` in `text` inside `el`; true if any.
  function highlight(el, text, words) {
    var parts = segmenter ? Array.from(segmenter.segment(text), function (s) { return s.segment; }) : Array.from(text);
    var norm = "", starts = [];
    parts.forEach(function (p) { starts.push(norm.length); norm += normalize(p); });
    starts.push(norm.length);
    var marked = parts.map(function () { return false; });
    var any = false;
    words.forEach(function (w) {
      if (!w) return;
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

  function contains(text, marks) {
    var n = normalize(text);
    return marks.some(function (w) { return w && n.indexOf(w) >= 0; });
  }
  function marked(text, marks) {
    var span = document.createElement("span");
    highlight(span, text, marks);
    return span;
  }
  // The organisations a case names, when the words are in one of them: each as written,
  // and beside it the registered name or alias that matched (「あおば子どもネット」 finds a
  // case that wrote NPO法人 あおばキッズネット). A fragment, or null.
  function organizationsLine(r, marks) {
    var names = r.organizations || [], refs = {}, any = false;
    var frag = document.createDocumentFragment();
    r.registered.forEach(function (x) { refs[x[0]] = x; });
    names.forEach(function (name, i) {
      if (i) frag.appendChild(document.createTextNode("、"));
      frag.appendChild(marked(name, marks));
      if (contains(name, marks)) any = true;
      var ref = refs[i], notes = [];
      if (!ref) return;
      if (normalize(ref[1]) !== normalize(name) && contains(ref[1], marks)) notes.push(["登録名", ref[1]]);
      ref[2].forEach(function (a) {
        if (normalize(a) !== normalize(name) && contains(a, marks)) notes.push(["別名", a]);
      });
      if (!notes.length) return;
      any = true;
      frag.appendChild(document.createTextNode("（"));
      notes.forEach(function (note, k) {
        frag.appendChild(document.createTextNode((k ? "、" : "") + note[0] + "「"));
        frag.appendChild(marked(note[1], marks));
        frag.appendChild(document.createTextNode("」"));
      });
      frag.appendChild(document.createTextNode("）"));
    });
    return any ? frag : null;
  }

  function whyNote(note, r, words, seen, where) {
    if (!r.exact && r.why.length) {
      note.textContent = "表記・読みの違いで一致: " + r.why.map(function (w) {
        return w.indexOf("読み") === 0 ? w : w + "を含む";
      }).join("、");
      note.hidden = false;
    } else if (words.length && !seen) {
      note.textContent = (where || "本文") + "に" + words.map(function (w) { return "「" + w + "」"; }).join("") + "が含まれています。";
      note.hidden = false;
    }
  }

  // An organisation of the 団体情報バンク: name, kind, number of cases, area, aliases that matched.
  function orgItem(o, words) {
    var li = orgTemplate.content.firstElementChild.cloneNode(true);
    var a = li.querySelector(".org-result-title a");
    a.href = o.url;
    var marks = o.marks.filter(function (m, i, all) { return m && all.indexOf(m) === i; });
    var seen = highlight(a, o.name, marks);
    seen = highlight(li.querySelector(".org-result-summary"), o.summary, marks) || seen;
    if (o.aliases.length) {
      var line = li.querySelector(".org-result-aliases");
      o.aliases.forEach(function (alias, i) {
        if (i) line.querySelector("span").appendChild(document.createTextNode("、"));
        line.querySelector("span").appendChild(marked(alias, marks));
      });
      line.hidden = false;
      seen = seen || o.aliases.some(function (alias) { return contains(alias, marks); });
    }
    // 種類 ／ 地域 ／ 活動分野: a、b ／ 協働事例 n 件 (labels may contain 「・」 themselves)
    var metaLine = li.querySelector(".org-result-meta");
    function part(label, values) {
      values = values.filter(Boolean);
      if (!values.length) return;
      if (metaLine.firstChild) metaLine.appendChild(document.createTextNode(" ／ "));
      if (label) metaLine.appendChild(document.createTextNode(label + ": "));
      values.forEach(function (t, i) {
        if (i) metaLine.appendChild(document.createTextNode("、"));
        metaLine.appendChild(marked(t, marks));
      });
    }
    part("", [o.kind]);
    part("地域", [o.area]);
    part("活動分野", o.fields);
    part("", ["協働事例 " + o.cases.toLocaleString("ja-JP") + " 件"]);
    seen = seen || [o.kind, o.area].concat(o.fields).some(function (t) { return t && contains(t, marks); });
    whyNote(li.querySelector(".case-item-note"), o, words, seen, "活動内容");
    return li;
  }

  function item(r, words) {
    var li = template.content.firstElementChild.cloneNode(true);
    var a = li.querySelector(".case-item-title a");
    a.href = r.url;
    var marks = r.marks.filter(function (m, i, all) { return m && all.indexOf(m) === i; });
    var seen = false;
    seen = highlight(a, r.title, marks) || seen;
    seen = highlight(li.querySelector(".case-item-summary"), r.summary, marks) || seen;
    var orgs = organizationsLine(r, marks);
    if (orgs) {
      var orgLine = li.querySelector(".case-item-orgs");
      orgLine.querySelector("span").appendChild(orgs);
      orgLine.hidden = false;
      seen = true;
    }
    whyNote(li.querySelector(".case-item-note"), r, words, seen);
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

  // Organisations: the first ORG_PAGE, then the rest on request.
  var ORG_PAGE = 3;          // a phone still sees the first cases near the search box
  var orgHits = [], orgCount = 0;
  function organizationHits(f, words) {
    if (!orgsHere || !words.length) return [];
    return f.others.filter(function (h) { var g = groupOf(h.rec); return g && g.kind === "organization"; });
  }
  function orgsMore(hits, focusFirst) {
    var start = orgCount;
    return Promise.all(hits.slice(start, start + (start ? hits.length : ORG_PAGE)).map(organizationOf)).then(function (orgs) {
      return function () {           // applied in the same frame as the case results
        if (!start) orgList.textContent = "";
        var frag = document.createDocumentFragment();
        orgs.forEach(function (o) { frag.appendChild(orgItem(o, shownWords)); });
        orgList.appendChild(frag);
        orgCount = start + orgs.length;
        orgSection.hidden = !hits.length;
        orgCountEl.textContent = hits.length ? "（" + hits.length.toLocaleString("ja-JP") + " 件）" : "";
        orgMoreWrap.hidden = orgCount >= hits.length;
        orgMoreButton.textContent = "団体をすべて表示（残り " + (hits.length - orgCount).toLocaleString("ja-JP") + " 件）";
        if (focusFirst && orgList.children[start]) orgList.children[start].querySelector("a").focus();
      };
    });
  }

  var shown = [], shownBits = null, shownWords = [], shownCount = 0, shownTicket = 0;
  function showMore(focusFirst, atReset) {
    var start = shownCount, mine = shownTicket, reset = start === 0;
    var slice = shown.slice(start, start + PAGE);
    shownCount = Math.min(shown.length, start + PAGE);
    return Promise.all(slice.map(function (h) { return resultOf(h, shownBits); })).then(function (results) {
      if (mine !== shownTicket) return;
      if (atReset) atReset();
      if (reset) list.textContent = "";          // replaced in one go: no empty flash
      var frag = document.createDocumentFragment();
      results.forEach(function (r) { frag.appendChild(item(r, shownWords)); });
      list.appendChild(frag);
      var rest = shown.length - shownCount;
      moreWrap.hidden = rest <= 0;
      moreButton.textContent = "さらに表示（残り " + rest.toLocaleString("ja-JP") + " 件）";
      if (focusFirst && list.children[start]) list.children[start].querySelector("a").focus();
    });
  }

  function filterSummary(filters) {
    var names = [];
    facetKeys.forEach(function (key) {
      (filters[key] || []).forEach(function (v) { names.push(termLabels[key + "/" + v] || v); });
    });
    return names;
  }

  // Buttons that apply a suggestion: a filter named in the query, or another query.
  function offerButton(text, apply) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button-secondary offer";
    b.textContent = text;
    b.addEventListener("click", function () { apply(); commit(true); input.focus(); });
    return b;
  }
  function showOffers(state, suggestions, alternatives) {
    offers.textContent = "";
    var useful = suggestions.filter(function (o) { return o.count > 0; });
    if (useful.length) {
      var p = document.createElement("p");
      p.textContent = "絞り込みとして使えます:";
      offers.appendChild(p);
      useful.forEach(function (o) {
        offers.appendChild(offerButton(o.facet + "「" + o.label + "」で絞り込む（" + o.count.toLocaleString("ja-JP") + " 件）", function () {
          input.value = o.query;
          boxes.forEach(function (b) { if (b.name === o.key && b.value === o.value) b.checked = true; });
        }));
      });
    }
    if (alternatives) {
      var q = document.createElement("p");
      q.textContent = alternatives.length ? "次の検索なら見つかります:" :
        "ほかの言葉で試すか、下の「分類から探す」の一覧からお探しください。";
      offers.appendChild(q);
      alternatives.forEach(function (t) {
        var label = (t.query ? "「" + t.query + "」" : "すべての事例") + "（" + t.reason + "、" + t.count.toLocaleString("ja-JP") + " 件）";
        offers.appendChild(offerButton(label, function () {
          input.value = t.query;
          boxes.forEach(function (b) { b.checked = (t.filters[b.name] || []).indexOf(b.value) >= 0; });
        }));
      });
    }
    offers.hidden = !offers.firstChild;
  }

  var ticket = 0;
  function run(state) {
    var mine = ++ticket;
    var words = queryWords(state.q);
    list.setAttribute("aria-busy", "true");
    var slow = setTimeout(function () { if (mine === ticket) status.textContent = "検索しています…"; }, 400);
    if (state.sort !== "newest") prefetchExact(state.q, state.filters, PAGE);
    filtered(state.q, state.filters).then(function (f) {
      if (mine !== ticket) return;
      var results = f.hits;
      if (state.sort === "newest") results = results.slice().sort(function (a, b) { return a.rec - b.rec; });
      shown = results;
      shownBits = f.bits;
      shownWords = words;
      shownCount = 0;
      shownTicket++;
      orgHits = organizationHits(f, words);
      orgCount = 0;
      var picked = filterSummary(state.filters);
      var n = results.length.toLocaleString("ja-JP");
      var exactN = results.filter(function (h) { return h.exact; }).length;
      var what = words.length ? "「" + state.q.trim() + "」" : "";
      var where = picked.length ? "（絞り込み: " + picked.join("、") + "）" : "";
      var orgN = orgHits.length ? "、団体 " + orgHits.length.toLocaleString("ja-JP") + " 件" : "";
      var text;
      if (!words.length && !picked.length) text = "すべての事例 " + n + " 件を新しい順に表示しています。";
      else if (results.length) {
        text = (what ? what + "の" : "") + "検索結果 " + (orgN ? "事例 " : "") + n + " 件" + orgN + where;
        if (words.length && exactN < results.length) {
          text += "（そのままの表記 " + exactN.toLocaleString("ja-JP") + " 件、表記・読みの違い " +
            (results.length - exactN).toLocaleString("ja-JP") + " 件）";
        }
      } else text = (what ? what + "に" : "") + "一致する事例は見つかりませんでした" + where + "。" +
        (orgN ? "団体は " + orgHits.length.toLocaleString("ja-JP") + " 件見つかりました。" : "");
      var orgsReady = orgsHere ? orgsMore(orgHits, false) : Promise.resolve(null);
      return orgsReady.then(function (applyOrgs) {
        if (mine !== ticket) return;
        return showMore(false, applyOrgs);
      }).then(function () {
        if (mine !== ticket) return;
        clearTimeout(slow);
        status.textContent = text;
        list.setAttribute("aria-busy", "false");
        document.title = (words.length || picked.length ? (what ? what + "の" : "") + "検索結果 " + n + " 件 - " : "") + baseTitle;
        activeNote.textContent = picked.length ? "（" + picked.length + " 件選択中）" : "";
        clearButton.disabled = !picked.length;
        return Promise.all([
          kyodoSearch.counts(state.q, state.filters, facetKeys),
          words.length ? kyodoSearch.suggest(state.q, state.filters) : [],
          results.length ? null : kyodoSearch.alternatives(state.q, state.filters),
        ]);
      }).then(function (more) {
        if (!more || mine !== ticket) return;
        var counts = more[0];
        boxes.forEach(function (b) {
          var c = (counts[b.name] && counts[b.name][b.value]) || 0;
          b.nextElementSibling.querySelector("[data-count]").textContent = "（" + c.toLocaleString("ja-JP") + "件）";
          b.parentNode.classList.toggle("is-zero", c === 0 && !b.checked);
        });
        showOffers(state, more[1], more[2]);
      });
    }).catch(function (err) {
      clearTimeout(slow);
      if (mine !== ticket) return;
      if (window.console) console.error(err);
      list.textContent = "";
      moreWrap.hidden = true;
      if (orgsHere) orgSection.hidden = true;
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
  if (orgsHere) {
    orgMoreButton.addEventListener("click", function () {
      orgsMore(orgHits, true).then(function (apply) { apply(); });
    });
  }
  window.addEventListener("popstate", function () { var s = readUrl(); writeForm(s); run(s); });

  var initial = readUrl();
  writeForm(initial);
  run(initial);
})();
