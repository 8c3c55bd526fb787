/*
 * Maillage — the only first-party script (CSP: script-src 'self', no inline code).
 *
 * 1. Disclosure menus: a <button data-menu-button aria-controls="ID" aria-expanded="false">
 *    shows and hides the element ID. Escape closes it and gives focus back to the button;
 *    a click or focus outside closes it. Without JavaScript, noscript.css keeps them usable.
 * 2. Live updates: when <body data-member="1">, a WebSocket to /ws/ (wss: on https) that
 *    reconnects with backoff and re-dispatches each JSON message {type, data} as a DOM
 *    CustomEvent "maillage:<type>" on document (detail = data). "maillage:socket-open" follows
 *    every (re)connection — pages fetch what they missed then — and "maillage:socket-closed"
 *    every loss; a page script sends {type, …} with a "maillage:socket-send" event.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // --- 1. Disclosure menus ---------------------------------------------------------------

  function panelFor(button) {
    var id = button.getAttribute("aria-controls");
    return id ? document.getElementById(id) : null;
  }

  function setOpen(button, open) {
    var panel = panelFor(button);
    if (!panel) return;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    panel.hidden = !open;
  }

  function openButtons() {
    return Array.prototype.slice.call(
      document.querySelectorAll('[data-menu-button][aria-expanded="true"]')
    );
  }

  function closeAll(except) {
    openButtons().forEach(function (button) {
      if (button !== except) setOpen(button, false);
    });
  }

  function initMenus(root) {
    var buttons = (root || document).querySelectorAll("[data-menu-button]");
    Array.prototype.forEach.call(buttons, function (button) {
      if (button.dataset.menuReady) return;
      button.dataset.menuReady = "1";
      setOpen(button, false);
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var open = button.getAttribute("aria-expanded") !== "true";
        closeAll(button);
        setOpen(button, open);
        if (open) {
          var panel = panelFor(button);
          var first = panel && panel.querySelector("a[href], button:not([disabled]), input, select");
          if (first && event.detail === 0) first.focus(); // opened with the keyboard
        }
      });
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = openButtons();
    if (!open.length) return;
    open.forEach(function (button) {
      var panel = panelFor(button);
      var hadFocus = panel && panel.contains(document.activeElement);
      setOpen(button, false);
      if (hadFocus || document.activeElement === button) button.focus();
    });
  });

  function closeIfOutside(event) {
    openButtons().forEach(function (button) {
      var panel = panelFor(button);
      if (button.contains(event.target) || (panel && panel.contains(event.target))) return;
      setOpen(button, false);
    });
  }

  document.addEventListener("click", closeIfOutside);
  document.addEventListener("focusin", closeIfOutside);

  // --- 2. Live updates over the WebSocket -----------------------------------------------

  var CLOSE_UNAUTHENTICATED = 4401;
  var PING_EVERY_MS = 25000;
  var socket = null;
  var attempts = 0;
  var pingTimer = null;
  var retryTimer = null;

  function socketUrl() {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + window.location.host + "/ws/";
  }

  function dispatch(message) {
    if (!message || typeof message.type !== "string" || !message.type) return;
    if (message.type === "pong") return;
    document.dispatchEvent(
      new CustomEvent("maillage:" + message.type, { detail: message.data || {} })
    );
  }

  function scheduleReconnect() {
    if (retryTimer) return;
    // Exponential backoff with jitter: 1 s, 2 s, 4 s … up to 60 s.
    var delay = Math.min(60000, 1000 * Math.pow(2, attempts));
    delay = delay / 2 + Math.random() * (delay / 2);
    attempts += 1;
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      connect();
    }, delay);
  }

  function connect() {
    if (!("WebSocket" in window)) return;
    if (socket && (socket.readyState === 0 || socket.readyState === 1)) return;
    try {
      socket = new WebSocket(socketUrl());
    } catch (error) {
      scheduleReconnect();
      return;
    }
    socket.addEventListener("open", function () {
      attempts = 0;
      document.dispatchEvent(new CustomEvent("maillage:socket-open"));
      window.clearInterval(pingTimer);
      pingTimer = window.setInterval(function () {
        if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "ping" }));
      }, PING_EVERY_MS);
    });
    socket.addEventListener("message", function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      dispatch(message);
    });
    socket.addEventListener("close", function (event) {
      window.clearInterval(pingTimer);
      socket = null;
      document.dispatchEvent(new CustomEvent("maillage:socket-closed"));
      if (event.code === CLOSE_UNAUTHENTICATED) return; // logged out: do not insist
      scheduleReconnect();
    });
  }

  // Page scripts speak on the socket through a DOM event (detail = the JSON message), so none
  // of them holds the socket: messaging.js sends "typing" and "read" this way. Nothing is
  // queued while the socket is down — a reconnect makes pages catch up from the server.
  document.addEventListener("maillage:socket-send", function (event) {
    if (!socket || socket.readyState !== 1 || !event.detail) return;
    socket.send(JSON.stringify(event.detail));
  });

  function startLiveUpdates() {
    if (!document.body || document.body.dataset.member !== "1") return;
    connect();
    // Reconnect at once when the tab comes back or the network returns.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && !socket) {
        window.clearTimeout(retryTimer);
        retryTimer = null;
        attempts = 0;
        connect();
      }
    });
    window.addEventListener("online", function () {
      if (!socket) {
        window.clearTimeout(retryTimer);
        retryTimer = null;
        attempts = 0;
        connect();
      }
    });
  }

  // --- Start ----------------------------------------------------------------------------

  function start() {
    initMenus(document);
    startLiveUpdates();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  // Content swapped in by htmx may bring new menus.
  document.addEventListener("htmx:load", function (event) {
    initMenus(event.target);
  });
})();
