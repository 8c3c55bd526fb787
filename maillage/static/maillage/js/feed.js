/*
 * The home feed's live parts (CSP: no inline code).
 * - "maillage:feed.new_post" (dispatched by app.js from the WebSocket): ask the server how many
 *   posts entered the feed since the page was computed, and show the "N new posts" pill.
 *   Clicking it loads the first page again at the top (htmx), or follows the link (a reload).
 * - "maillage:feed.post_deleted": remove the card of a deleted post.
 */
(function () {
  "use strict";

  var slot = document.getElementById("feed-pill");
  if (!slot) return;
  var timer = null;

  function since() {
    return slot.getAttribute("data-feed-since") || "";
  }

  function refreshPill() {
    timer = null;
    var url = slot.getAttribute("data-feed-new-url") + "?since=" + encodeURIComponent(since());
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: slot, swap: "innerHTML" });
    }
  }

  document.addEventListener("maillage:feed.new_post", function () {
    // Several posts at once make one request.
    if (!timer) timer = window.setTimeout(refreshPill, 400);
  });

  document.addEventListener("maillage:feed.post_deleted", function (event) {
    var id = event.detail && event.detail.post;
    if (!id) return;
    var card = document.getElementById("post-" + id);
    if (card) card.remove();
  });

  slot.addEventListener("click", function (event) {
    var pill = event.target.closest("[data-feed-pill]");
    var list = document.getElementById("feed-list");
    if (!pill || !list || !window.htmx) return; // no list yet (empty feed): the link reloads
    event.preventDefault();
    window.htmx
      .ajax("GET", slot.getAttribute("data-feed-page-url"), { target: list, swap: "innerHTML" })
      .then(function () {
        var marker = list.querySelector("[data-feed-since]");
        if (marker) slot.setAttribute("data-feed-since", marker.getAttribute("data-feed-since"));
        slot.innerHTML = "";
        window.scrollTo({ top: 0, behavior: "smooth" });
        var first = list.querySelector("article");
        if (first) {
          first.setAttribute("tabindex", "-1");
          first.focus({ preventScroll: true });
        }
      });
  });
})();
