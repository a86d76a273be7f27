// Search page enhancement: asks the Pagefind index (built with the site) and
// lists the matching cases. Without JavaScript the page links to the indexes.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = (script && script.getAttribute("data-root")) || "";
  var form = document.querySelector(".search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !input || !status || !list) return;

  var pagefind = null;
  function load() {
    if (!pagefind) {
      pagefind = import(new URL(root + "pagefind/pagefind.js", document.baseURI).href).then(function (pf) {
        return pf.options({ baseUrl: new URL(root, document.baseURI).pathname }).then(function () { return pf; });
      });
    }
    return pagefind;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "case-item";
    var h = document.createElement("h2");
    h.className = "case-item-title";
    var a = document.createElement("a");
    a.href = data.url;
    a.textContent = (data.meta && data.meta.title) || data.url;
    h.appendChild(a);
    var p = document.createElement("p");
    p.className = "case-item-summary";
    // Pagefind's excerpt is escaped text with <mark> around the matches.
    p.innerHTML = data.excerpt;
    li.appendChild(h);
    li.appendChild(p);
    return li;
  }

  var current = 0;
  function run(query) {
    var ticket = ++current;
    list.textContent = "";
    if (!query.trim()) { status.textContent = ""; return; }
    status.textContent = "検索しています…";
    load().then(function (pf) { return pf.search(query); }).then(function (res) {
      if (ticket !== current) return null;
      return Promise.all(res.results.slice(0, 50).map(function (r) { return r.data(); })).then(function (items) {
        if (ticket !== current) return;
        items.forEach(function (d) { list.appendChild(item(d)); });
        status.textContent = res.results.length
          ? "「" + query + "」の検索結果: " + res.results.length + " 件"
          : "「" + query + "」に一致する事例は見つかりませんでした。";
      });
    }).catch(function () {
      status.textContent = "検索の準備ができませんでした。事例一覧や分類別の一覧からお探しください。";
    });
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  if (input.value) run(input.value);
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var url = new URL(location.href);
    url.searchParams.set("q", input.value);
    history.pushState(null, "", url);
    run(input.value);
  });
  window.addEventListener("popstate", function () {
    input.value = new URLSearchParams(location.search).get("q") || "";
    run(input.value);
  });
})();
