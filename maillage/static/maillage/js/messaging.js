/*
 * Messaging, live (CSP: no inline code). Everything here is an improvement over pages that
 * work without it: messages are sent by a plain form post, and a reload shows the truth.
 *
 * Listens to the socket events app.js dispatches on document ("maillage:<type>", detail =
 * data): message.new, message.edited, message.deleted, conversation.read, conversation.gone,
 * typing, session.ended, and socket-open (every (re)connection). Events carry ids only; what
 * changed is fetched over HTTP through the same access checks as the page.
 *
 * What the templates provide (the contract with the messaging pages):
 *
 *  Open conversation — one element
 *    [data-conversation="<conversation uuid>"]
 *      data-messages-url   the conversation_messages fragment URL (GET ?after=<id> answers the
 *                          messages after that id, oldest first, as HTML fragments)
 *      data-last-id        id of the newest message rendered with the page
 *      data-me             the viewer's member uuid
 *      data-list-url       where to go when the conversation is gone (the inbox)
 *      data-typing-text    translated "%(name)s is typing…"   (default in English)
 *      data-seen-text      translated "Seen"                  (default in English)
 *    inside it:
 *      [data-message-list]              where messages are (appended at the end)
 *      [data-message-id="<int>"]        each message — a direct child of the list, and the
 *                                       fragment's top-level elements — with data-sender="<member uuid>";
 *                                       a fragment's messages replace those with the same id
 *                                       (edits, deletions) and are appended otherwise
 *      [data-typing]                    aria-live="polite" line for "… is typing" (created
 *                                       after the list when missing)
 *      textarea[data-composer]          the message box (typing events are sent from it)
 *
 *  Conversation list — [data-conversation-list], optional data-refresh-url (a fragment that
 *    replaces the list's content); items [data-conversation-item="<uuid>"]. Without the URL,
 *    an item with a new message moves to the top and gets the class "is-unread".
 *
 *  Composer — form[data-composer-form] (hx-post, hx-swap="none") around the textarea, with
 *    [data-composer-errors]; the send answers the message fragment and X-Next-Client-Id.
 *
 *  Top bar — [data-messaging-badge] on the messaging nav link; optional data-refresh-url (a
 *    fragment replacing the nav item's outer HTML, i.e. the element with [data-messaging-nav]
 *    or the badge's <li>). Without the URL, the count is kept by this page: +1 for a
 *    conversation that becomes unread, -1 when one of your tabs reads it.
 */
(function () {
  "use strict";

  var TYPING_SEND_EVERY_MS = 3000;
  var TYPING_SHOWN_MS = 5000;

  var thread = document.querySelector("[data-conversation]");
  var conversationId = thread ? thread.getAttribute("data-conversation") : null;
  var me = thread ? thread.getAttribute("data-me") : (document.body.getAttribute("data-me") || null);
  var lastId = thread ? parseInt(thread.getAttribute("data-last-id") || "0", 10) || 0 : 0;
  var fetching = null;
  var fetchAgain = false;
  var typingTimers = {};
  var typingNames = {};
  var unreadHere = {}; // conversations this page counted as unread in the badge
  var socketUp = false;

  function send(message) {
    document.dispatchEvent(new CustomEvent("maillage:socket-send", { detail: message }));
  }

  function messageList() {
    return thread && (thread.querySelector("[data-message-list]") || thread);
  }

  function messageElement(id) {
    return thread && thread.querySelector('[data-message-id="' + id + '"]');
  }

  function nearBottom(element) {
    return element.scrollHeight - element.scrollTop - element.clientHeight < 80;
  }

  function scroller() {
    var list = messageList();
    // The list scrolls inside its panel on a desktop, with the page on a phone.
    return list && list.scrollHeight > list.clientHeight + 1 ? list : document.scrollingElement;
  }

  // --- Fetching messages by id (new ones, edits, deletions, catch-up) ------------------------

  function insertFragment(html) {
    var list = messageList();
    var template = document.createElement("template");
    template.innerHTML = html;
    var incoming = template.content.querySelectorAll("[data-message-id]");
    var box = scroller();
    var stick = box ? nearBottom(box) : false;
    var newest = 0;
    Array.prototype.forEach.call(incoming, function (node) {
      if (node.parentElement && node.parentElement.closest("[data-message-id]")) return;
      var id = parseInt(node.getAttribute("data-message-id"), 10);
      if (!id) return;
      var existing = messageElement(id);
      if (existing) {
        existing.replaceWith(node); // an edit or a deletion: the server's version wins
      } else if (id > lastId) {
        list.appendChild(node);
        newest = Math.max(newest, id);
      } else {
        return; // older than what we hold and not shown: not ours to place
      }
      if (window.htmx) window.htmx.process(node);
      hideTyping(node.getAttribute("data-sender"));
    });
    if (newest > lastId) {
      lastId = newest;
      thread.setAttribute("data-last-id", String(lastId));
      if (stick && box) box.scrollTop = box.scrollHeight;
    }
    return newest;
  }

  function fetchAfter(afterId) {
    var url = thread && thread.getAttribute("data-messages-url");
    if (!url) return Promise.resolve(0);
    url += (url.indexOf("?") === -1 ? "?" : "&") + "after=" + encodeURIComponent(afterId);
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } }).then(
      function (response) {
        if (response.status === 404) {
          conversationGone();
          return 0;
        }
        if (!response.ok) return 0;
        return response.text().then(insertFragment);
      }
    );
  }

  // One fetch at a time; events arriving meanwhile make one more fetch afterwards. Keeps going
  // while pages come back full, so a long absence is caught up to the end.
  function catchUp() {
    if (!thread) return;
    if (fetching) {
      fetchAgain = true;
      return;
    }
    var rounds = 0;
    function step() {
      var before = lastId;
      return fetchAfter(lastId).then(function (newest) {
        rounds += 1;
        if ((newest > before && rounds < 20) || fetchAgain) {
          fetchAgain = false;
          return step();
        }
      });
    }
    fetching = step()
      .catch(function () {})
      .then(function () {
        fetching = null;
        markRead();
      });
  }

  function refetchMessage(id) {
    // An edit or a deletion of a message we show: fetch from just before it (ids are ordered).
    if (!thread || !messageElement(id)) return;
    fetchAfter(id - 1).catch(function () {});
  }

  // --- Read state -----------------------------------------------------------------------------

  function markRead() {
    if (!thread || !lastId || document.visibilityState !== "visible" || !socketUp) return;
    send({ type: "read", conversation: conversationId, up_to: lastId });
  }

  function showSeen(upTo) {
    if (!thread || !me) return;
    var mine = thread.querySelectorAll('[data-message-id][data-sender="' + me + '"]');
    var target = null;
    Array.prototype.forEach.call(mine, function (node) {
      if (parseInt(node.getAttribute("data-message-id"), 10) <= upTo) target = node;
    });
    if (!target) return;
    var marker = thread.querySelector("[data-seen]");
    if (!marker) {
      marker = document.createElement("p");
      marker.className = "message__seen";
      marker.setAttribute("data-seen", "");
      marker.textContent = thread.getAttribute("data-seen-text") || "Seen";
    }
    target.appendChild(marker);
  }

  // --- Typing ---------------------------------------------------------------------------------

  function typingLine() {
    var line = thread.querySelector("[data-typing]");
    if (!line) {
      line = document.createElement("p");
      line.className = "typing";
      line.setAttribute("data-typing", "");
      line.setAttribute("aria-live", "polite");
      var list = messageList();
      list.parentNode.insertBefore(line, list.nextSibling);
    }
    return line;
  }

  function renderTyping() {
    var names = Object.keys(typingNames).map(function (key) {
      return typingNames[key];
    });
    var line = typingLine();
    if (!names.length) {
      line.textContent = "";
      return;
    }
    var pattern = thread.getAttribute("data-typing-text") || "%(name)s is typing…";
    line.textContent = pattern.replace("%(name)s", names.join(", "));
  }

  function hideTyping(member) {
    if (!member || !typingNames[member]) return;
    window.clearTimeout(typingTimers[member]);
    delete typingTimers[member];
    delete typingNames[member];
    renderTyping();
  }

  function showTyping(member, name) {
    window.clearTimeout(typingTimers[member]);
    typingNames[member] = name || "…";
    typingTimers[member] = window.setTimeout(function () {
      hideTyping(member);
    }, TYPING_SHOWN_MS);
    renderTyping();
  }

  var lastTypingSent = 0;
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!thread || !box.matches || !box.matches("textarea[data-composer]")) return;
    if (!thread.contains(box) || !box.value.trim()) return;
    var now = Date.now();
    if (now - lastTypingSent < TYPING_SEND_EVERY_MS) return;
    lastTypingSent = now;
    send({ type: "typing", conversation: conversationId });
  });

  // --- Conversation list and top-bar badge ---------------------------------------------------

  var listTimer = null;
  function refreshList(conversation, fromOther) {
    var list = document.querySelector("[data-conversation-list]");
    if (!list) return;
    var url = list.getAttribute("data-refresh-url");
    if (url && window.htmx) {
      // Several events at once make one request.
      if (!listTimer) {
        listTimer = window.setTimeout(function () {
          listTimer = null;
          window.htmx.ajax("GET", url, { target: list, swap: "innerHTML" });
        }, 300);
      }
      return;
    }
    var item = list.querySelector('[data-conversation-item="' + conversation + '"]');
    if (!item) return;
    var row = item.closest("li") || item;
    if (row.parentNode && row.parentNode.firstElementChild !== row) {
      row.parentNode.insertBefore(row, row.parentNode.firstElementChild);
    }
    if (fromOther && conversation !== conversationId) item.classList.add("is-unread");
  }

  function badge() {
    return document.querySelector("[data-messaging-badge]");
  }

  var badgeTimer = null;
  function refreshBadge(change, conversation) {
    var element = badge();
    if (!element) return;
    var url = element.getAttribute("data-refresh-url");
    if (url) {
      if (!badgeTimer) {
        badgeTimer = window.setTimeout(function () {
          badgeTimer = null;
          var current = badge();
          var host = current && (current.closest("[data-messaging-nav]") || current.closest("li"));
          if (!host) return;
          fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
            .then(function (response) {
              return response.ok ? response.text() : null;
            })
            .then(function (html) {
              if (html !== null) host.outerHTML = html;
            })
            .catch(function () {});
        }, 300);
      }
      return;
    }
    if (change > 0 && unreadHere[conversation]) return;
    if (change < 0 && !unreadHere[conversation]) return;
    if (change > 0) unreadHere[conversation] = true;
    else delete unreadHere[conversation];
    var count = Math.max(0, (parseInt(element.getAttribute("data-count") || element.textContent, 10) || 0) + change);
    element.setAttribute("data-count", String(count));
    element.textContent = count > 99 ? "99+" : String(count);
    element.hidden = count === 0;
  }

  // --- Socket events ----------------------------------------------------------------------------

  function on(type, handler) {
    document.addEventListener("maillage:" + type, function (event) {
      handler(event.detail || {});
    });
  }

  function isOpenAndVisible(conversation) {
    return conversation === conversationId && document.visibilityState === "visible";
  }

  on("message.new", function (data) {
    var fromOther = data.sender !== me;
    if (data.conversation === conversationId) {
      hideTyping(data.sender);
      if (!messageElement(data.id)) catchUp();
    }
    refreshList(data.conversation, fromOther);
    if (fromOther && !isOpenAndVisible(data.conversation)) refreshBadge(1, data.conversation);
  });

  on("message.edited", function (data) {
    if (data.conversation === conversationId) refetchMessage(data.id);
    refreshList(data.conversation, false);
  });

  on("message.deleted", function (data) {
    if (data.conversation === conversationId) refetchMessage(data.id);
    refreshList(data.conversation, false);
  });

  on("conversation.read", function (data) {
    if (data.reader === me) {
      // One of this member's tabs read it: every tab's badge and list follow.
      refreshBadge(-1, data.conversation);
      var list = document.querySelector("[data-conversation-list]");
      var item = list && list.querySelector('[data-conversation-item="' + data.conversation + '"]');
      if (item) item.classList.remove("is-unread");
      return;
    }
    if (data.conversation === conversationId) showSeen(data.up_to);
  });

  on("typing", function (data) {
    if (data.conversation === conversationId && data.member && data.member !== me) {
      showTyping(data.member, data.name);
    }
  });

  function conversationGone() {
    var target = thread && thread.getAttribute("data-list-url");
    if (target) window.location.assign(target);
  }

  on("conversation.gone", function (data) {
    var list = document.querySelector("[data-conversation-list]");
    var item = list && list.querySelector('[data-conversation-item="' + data.conversation + '"]');
    if (item) (item.closest("li") || item).remove();
    refreshBadge(-1, data.conversation);
    if (data.conversation === conversationId) conversationGone();
  });

  on("session.ended", function () {
    // This tab's login ended (logout, password change, deactivation): nothing live any more;
    // the next page load shows the login form. Typing and read events stop here.
    socketUp = false;
    Object.keys(typingNames).forEach(hideTyping);
  });

  on("socket-open", function () {
    socketUp = true;
    catchUp(); // whatever arrived while the socket was down (or before it first opened)
  });

  on("socket-closed", function () {
    socketUp = false;
  });

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") markRead();
  });

  // --- The composer (form[data-composer-form], hx-swap="none") --------------------------------
  // The answer to a send is the new message's fragment: placed like a fetched one (so a socket
  // event that brought it first does not show it twice); the box is emptied and gets a fresh
  // client_id from the X-Next-Client-Id header. A refusal (400) shows its errors in
  // [data-composer-errors] and keeps the text.

  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = event.detail.elt;
    if (!thread || !form || !form.matches || !form.matches("form[data-composer-form]")) return;
    var xhr = event.detail.xhr;
    var errors = form.querySelector("[data-composer-errors]");
    if (xhr.status === 200) {
      insertFragment(xhr.responseText);
      var box = scroller();
      if (box) box.scrollTop = box.scrollHeight;
      var text = form.querySelector("textarea[data-composer]");
      if (text) text.value = "";
      var files = form.querySelector('input[type="file"]');
      if (files) files.value = "";
      var next = xhr.getResponseHeader("X-Next-Client-Id");
      var clientId = form.querySelector('input[name="client_id"]');
      if (next && clientId) clientId.value = next;
      if (errors) errors.innerHTML = "";
    } else if (xhr.status === 400 && errors) {
      errors.innerHTML = xhr.responseText;
    }
    event.detail.shouldSwap = false;
  });

  // Enter sends, Shift+Enter makes a new line (as on LinkedIn).
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    if (!box.matches || !box.matches("textarea[data-composer]")) return;
    var form = box.closest("form");
    if (!form || !box.value.trim()) return;
    event.preventDefault();
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  });

  // People picker: a person ticked among the results joins the chosen list (so a new search
  // keeps them); unticked in the chosen list, they go.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches('input[type="checkbox"][name="to"]')) return;
    var option = box.closest("li");
    var chosen = document.querySelector("[data-picker-chosen]");
    if (!option || !chosen) return;
    if (box.checked && !chosen.contains(option)) chosen.appendChild(option);
    else if (!box.checked && chosen.contains(option)) option.remove();
  });

  // The newest messages in view when the page opens (unless the address points at one).
  if (thread && !window.location.hash) {
    var opening = scroller();
    if (opening && opening !== document.scrollingElement) opening.scrollTop = opening.scrollHeight;
  }

  // A message sent with the form (htmx) comes back in the response: count it as held.
  document.addEventListener("htmx:afterSwap", function () {
    if (!thread) return;
    var ids = thread.querySelectorAll("[data-message-id]");
    Array.prototype.forEach.call(ids, function (node) {
      var id = parseInt(node.getAttribute("data-message-id"), 10) || 0;
      if (id > lastId) lastId = id;
    });
  });
})();
