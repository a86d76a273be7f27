/* Statistics pages: a "copy" button beside each embed snippet (the snippet
   stays selectable without JavaScript). */
(function () {
  "use strict";
  var boxes = document.querySelectorAll("textarea[data-copy]");
  Array.prototype.forEach.call(boxes, function (box) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "コードをコピー";
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    box.insertAdjacentElement("afterend", status);
    box.insertAdjacentElement("afterend", button);
    button.addEventListener("click", function () {
      box.focus();
      box.select();
      var done = function () { status.textContent = "コピーしました"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(box.value).then(done, function () {
          status.textContent = "コピーできませんでした。選択された文字を Ctrl+C（Mac は ⌘+C）でコピーしてください";
        });
      } else {
        try { document.execCommand("copy"); done(); }
        catch (e) { status.textContent = "選択された文字を Ctrl+C（Mac は ⌘+C）でコピーしてください"; }
      }
    });
  });
})();
