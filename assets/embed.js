/* kyodo: resize embedded statistics <iframe>s to their content.
   Include once on the host page, after or before the iframes:
     <script src="https://<kyodo site>/assets/embed.js" defer></script>
   A message is used only when it comes from the window of one of this page's
   iframes AND from that iframe's own origin; anything else is ignored. */
(function () {
  "use strict";
  var MIN = 120, MAX = 5000;
  function originOf(src) {
    try { return new URL(src, document.baseURI).origin; } catch (e) { return null; }
  }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "kyodo-embed-height") return;
    var height = Number(data.height);
    if (!isFinite(height)) return;
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) continue;
      if (originOf(frame.src) !== event.origin) return;   // not the embed's own origin
      frame.style.height = Math.min(MAX, Math.max(MIN, Math.ceil(height))) + "px";
      frame.setAttribute("data-kyodo-resized", "");
      return;
    }
  });
})();
