// Runs while the search page is parsed, before its first paint (a blocking
// script right after the filter panel): on phones the panel starts closed, so
// the result count and the first results sit near the search box, and nothing
// moves when assets/search.js starts.
(function () {
  var box = document.getElementById("search-filters-box");
  if (box && window.matchMedia && window.matchMedia("(max-width: 55.99rem)").matches) box.open = false;
})();
