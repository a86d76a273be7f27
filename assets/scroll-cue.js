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
      var cue = box.previousElementSibling;
      var has = cue && cue.classList.contains("scroll-cue");
      var wide = box.scrollWidth > box.clientWidth + 1;
      if (wide && !has) {
        cue = document.createElement("p");
        cue.className = "scroll-cue";
        cue.id = "scroll-cue-" + i;
        cue.textContent = "表は横にスクロールできます（右に続きがあります）";
        box.parentNode.insertBefore(cue, box);
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
