/*
 * Network: the person actions' disclosure panels (<details> "Connect" and "More", the export
 * menu) close on a click outside, on Escape (focus returns to the button), and when another one
 * opens. Without this file they still work: they are plain <details> elements.
 */
(function () {
  "use strict";

  var SELECTOR = ".person-actions details[open], .network-export[open]";

  function closeAll(except) {
    Array.prototype.forEach.call(document.querySelectorAll(SELECTOR), function (details) {
      if (details !== except && !details.contains(except)) details.open = false;
    });
  }

  document.addEventListener("click", function (event) {
    var inside = event.target.closest && event.target.closest(".person-actions details, .network-export");
    closeAll(inside);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelectorAll(SELECTOR);
    if (!open.length) return;
    Array.prototype.forEach.call(open, function (details) {
      details.open = false;
      if (details.contains(document.activeElement)) {
        var summary = details.querySelector("summary");
        if (summary) summary.focus();
      }
    });
  });
})();
