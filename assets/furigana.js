/* The ふりがな switch (templates/partials/furigana_switch.html).
   Without this script the switch is a plain link between a page and its ruby
   version (furigana/<page>). With it, the choice is remembered in
   localStorage: a normal page opens its ruby version at once when the reader
   last chose ふりがな. A ruby page is never sent back on its own, so a shared
   ruby link always shows ruby; while reading ruby pages in a tab, a normal
   page reached from one (e.g. a search result built by script) opens its ruby
   version too (sessionStorage). */
(function () {
  "use strict";
  var KEY = "kyodo-furigana";
  var box = document.getElementById("furigana-switch");
  var link = box && box.querySelector("a[data-furigana]");
  if (!link) return;
  var target = link.getAttribute("data-furigana");   // "on" on normal pages, "off" on ruby pages
  function get(store) {
    try { return window[store].getItem(KEY); } catch (e) { return null; }   // storage blocked
  }
  function set(store, value) {
    try { window[store].setItem(KEY, value); } catch (e) { /* a plain link */ }
  }
  if (target === "on" && (get("localStorage") === "on" || get("sessionStorage") === "on")) {
    window.location.replace(link.href + window.location.search + window.location.hash);
    return;
  }
  if (target === "off") set("sessionStorage", "on");
  link.addEventListener("click", function (event) {
    set("localStorage", target);
    set("sessionStorage", target);
    if (window.location.search || window.location.hash) {
      event.preventDefault();
      window.location.assign(link.href + window.location.search + window.location.hash);
    }
  });
})();
