/* kyodo embed page: tell the host page how tall this page is, so the host's
   assets/embed.js can size the <iframe>. Runs only inside a frame; sends only
   a number (no data about the visitor). The page works without this script. */
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function post() {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h === last) return;
    last = h;
    window.parent.postMessage({ type: "kyodo-embed-height", height: h, href: location.href }, "*");
  }
  if ("ResizeObserver" in window) {
    new ResizeObserver(post).observe(document.documentElement);
  }
  window.addEventListener("load", post);
  document.addEventListener("toggle", post, true);   // <details> opened or closed
  post();
})();
