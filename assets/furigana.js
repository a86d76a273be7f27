/* The ふりがな switch (templates/partials/furigana_switch.html).
   Without this script the switch is a plain link between a page and its ruby
   version (furigana/<page>). With it, the choice is remembered in
   localStorage: a normal page opens its ruby version at once when the reader
   last chose ふりがな. A ruby page is never sent back on its own, so a shared
   ruby link always shows ruby. */
(function () {
  "use strict";
  var KEY = "kyodo-furigana";
  var box = document.getElementById("furigana-switch");
  var link = box && box.querySelector("a[data-furigana]");
  if (!link) return;
  var target = link.getAttribute("data-furigana");   // "on" on normal pages, "off" on ruby pages
  var stored = null;
  try { stored = window.localStorage.getItem(KEY); } catch (e) { /* storage blocked: a plain link */ }
  if (stored === "on" && target === "on") {
    window.location.replace(link.href + window.location.search + window.location.hash);
    return;
  }
  link.addEventListener("click", function (event) {
    try { window.localStorage.setItem(KEY, target); } catch (e) { /* a plain link */ }
    if (window.location.search || window.location.hash) {
      event.preventDefault();
      window.location.assign(link.href + window.location.search + window.location.hash);
    }
  });
})();
