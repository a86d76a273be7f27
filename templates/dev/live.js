/* kyodo serve: reload after a rebuild, show build problems. Development only. */
(function () {
  "use strict";
  var script = document.currentScript;
  var loaded = script ? script.getAttribute("data-generation") : null;
  var shown = "";
  var dismissed = "";
  var box = null;

  function hide() {
    if (box) { box.remove(); box = null; }
    shown = "";
  }

  function show(problems, hasSite) {
    var key = problems.join("\n");
    if (key === shown || key === dismissed) { return; }
    hide();
    shown = key;
    box = document.createElement("div");
    box.id = "kyodo-dev-notice";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:" + (hasSite ? "fixed" : "static") + ";top:0;left:0;right:0;z-index:2147483647;max-height:60vh;overflow:auto;" +
      "margin:0;padding:1rem 1.25rem;background:#fff4f4;color:#1a1a1a;border-bottom:4px solid #c8102e;" +
      "box-shadow:0 2px 8px rgba(0,0,0,.25);font:16px/1.7 sans-serif;text-align:left";
    var title = document.createElement("p");
    title.style.cssText = "margin:0 0 .5rem;font-weight:700;font-size:1.125rem";
    title.textContent = "ファイルに問題があるため、サイトを" + (hasSite ? "更新" : "作成") + "できませんでした（" + problems.length + " 件）";
    var note = document.createElement("p");
    note.style.cssText = "margin:0 0 .5rem";
    note.textContent = (hasSite ? "表示しているのは、前回うまく作れたときのサイトです。" : "サイトはまだ一度も作れていません。") +
      "下の「ファイル:行: 項目: 内容」を見て直し、保存してください。自動で作り直して再読み込みします。";
    var list = document.createElement("ul");
    list.style.cssText = "margin:0 0 .5rem;padding-left:1.25rem";
    problems.forEach(function (text) {
      var item = document.createElement("li");
      var code = document.createElement("code");
      code.style.cssText = "white-space:pre-wrap;word-break:break-all;font-size:.9375rem";
      code.textContent = text;
      item.appendChild(code);
      list.appendChild(item);
    });
    var foot = document.createElement("p");
    foot.style.cssText = "margin:0;font-size:.875rem;color:#4d4d4d";
    foot.textContent = "このお知らせは python3 build.py serve で表示しているときだけ出ます。公開サイトには出ません。";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "閉じる";
    close.style.cssText = "float:right;margin:0 0 .5rem 1rem;font:inherit;padding:.25rem .75rem;cursor:pointer";
    close.addEventListener("click", function () { dismissed = key; hide(); });
    box.appendChild(close);
    box.appendChild(title);
    box.appendChild(note);
    box.appendChild(list);
    box.appendChild(foot);
    if (hasSite) { document.body.appendChild(box); } else { document.body.insertBefore(box, document.body.firstChild); }
  }

  function poll() {
    fetch("/_kyodo/status", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (loaded !== null && String(status.generation) !== loaded) {
          location.reload();
          return;
        }
        if (status.ok) { hide(); dismissed = ""; } else { show(status.problems, status.site); }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }

  poll();
})();
