/*
 * Post pages (owner: posts helper). Everything works without this file; it only saves a step:
 * following a comment's "Reply" link (or the card's "Comment" link) puts the cursor in the form
 * it opens (the form itself is shown by CSS through :target).
 */
(function () {
  "use strict";

  function focusFormFor(hash) {
    if (!hash || hash.length < 2) return;
    var form = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!form || !form.classList.contains("comment-form")) return;
    var field = form.querySelector("textarea");
    if (field) field.focus({ preventScroll: false });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#reply-"], a[href$="#comment-form"]');
    if (!link) return;
    var hash = link.hash;
    if (link.pathname !== window.location.pathname) return; // another page: the browser goes there
    // Let the browser update :target first, then move the cursor into the opened form.
    window.setTimeout(function () { focusFormFor(hash); }, 0);
  });

  if (window.location.hash) focusFormFor(window.location.hash);
})();
