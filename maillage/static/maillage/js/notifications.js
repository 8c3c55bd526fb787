/*
 * Maillage — the notifications badge in the top bar, live.
 *
 * The server pushes a "notification" event ({unread, kind?}) to the member's sockets when a
 * notification arrives or is read in another tab; app.js re-dispatches it as the DOM event
 * "maillage:notification". The top bar's entry (<li data-notifications-nav data-refresh-url>)
 * is then fetched again and swapped, so the count and its spoken text ("3 unread") come from
 * the server in the member's language. After a reconnection the entry is refreshed too, in
 * case something arrived while the socket was down.
 */
(function () {
  "use strict";

  var timer = null;
  var connectedOnce = false;

  function refresh() {
    if (timer) return;
    timer = window.setTimeout(function () {
      timer = null;
      var host = document.querySelector("[data-notifications-nav]");
      var url = host && host.getAttribute("data-refresh-url");
      if (!url) return;
      fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (response) {
          return response.ok ? response.text() : null;
        })
        .then(function (html) {
          var current = document.querySelector("[data-notifications-nav]");
          if (html === null || !current) return;
          var template = document.createElement("template");
          template.innerHTML = html.trim();
          var fresh = template.content.querySelector("[data-notifications-nav]");
          if (fresh) current.replaceWith(fresh);
        })
        .catch(function () {});
    }, 250);
  }

  document.addEventListener("maillage:notification", refresh);
  document.addEventListener("maillage:socket-open", function () {
    if (connectedOnce) refresh();
    connectedOnce = true;
  });
})();
