// Says in words when a table is wider than its box and scrolls sideways
// (issue 15). Without JavaScript the box still shows a shadow on the side
// that has more (assets/style.css). No request leaves the page.
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".table-scroll");
  if (!boxes.length) return;
  function update() {
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      // The cue is the box's first child, kept in view while the table scrolls
      // (a sibling would become an item of a grid that lays out the figure).
      var cue = box.firstElementChild;
      var has = cue && cue.classList.contains("scroll-cue");
      var wide = box.scrollWidth > box.clientWidth + 1;
      if (wide && !has) {
        cue = document.createElement("p");
        cue.className = "scroll-cue";
        cue.id = "scroll-cue-" + i;
        cue.textContent = "表は横にスクロールできます（右に続きがあります）";
        box.insertBefore(cue, box.firstChild);
        var d = box.getAttribute("aria-describedby");
        box.setAttribute("aria-describedby", (d ? d + " " : "") + cue.id);
      } else if (!wide && has) {
        box.setAttribute("aria-describedby", (box.getAttribute("aria-describedby") || "").replace(cue.id, "").trim());
        if (!box.getAttribute("aria-describedby")) box.removeAttribute("aria-describedby");
        cue.remove();
      }
    }
  }
  var timer = null;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(update, 100); });
  update();
})();
