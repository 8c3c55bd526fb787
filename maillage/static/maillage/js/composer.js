/*
 * The composer, made nicer when JavaScript runs (it works as a plain form without it):
 *  - "Start a post" opens the composer in a dialog (loaded with htmx);
 *  - @mentions: suggestions from `mention_suggest` (people the author may see, closest first);
 *    the text area shows "@Name", the form sends "@[Name](id)" tokens in a hidden `body`;
 *  - a character counter (3,000), image previews with their descriptions, a poll builder
 *    showing options 3 and 4 on demand, and "Post" becoming "Schedule" when a time is chosen.
 */
(function () {
  "use strict";

  var MAX_IMAGES = 9;
  var TOKEN_RE = /@\[([^\[\]\n]{1,100})\]\(([0-9a-fA-F-]{36})\)/g;

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function formatNumber(n) {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || undefined).format(n);
    } catch (e) {
      return String(n);
    }
  }

  /* --- Mentions ------------------------------------------------------------------------ */

  function setupBody(form) {
    var area = form.querySelector("[data-composer-body]") || form.querySelector("textarea[name='body']");
    if (!area || area.dataset.composerReady) return;
    area.dataset.composerReady = "1";
    var mentions = [];
    // Tokens coming back from the server (a refused post keeps its text) show as names.
    area.value = area.value.replace(TOKEN_RE, function (_m, name, id) {
      if (!mentions.some(function (m) { return m.id === id; })) mentions.push({ name: name, id: id });
      return "@" + name;
    });
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = area.name;
    area.removeAttribute("name");
    area.removeAttribute("maxlength"); // the limit counts the tokens; the counter tells
    form.appendChild(hidden);

    var counter = form.querySelector("[data-composer-counter]");
    var limit = counter ? parseInt(counter.dataset.limit || "3000", 10) : 3000;

    function encode() {
      var text = area.value;
      var known = mentions.slice().sort(function (a, b) { return b.name.length - a.name.length; });
      known.forEach(function (m) {
        var re = new RegExp("@" + escapeRegExp(m.name) + "(?![\\]\\w])", "g");
        text = text.replace(re, "@[" + m.name + "](" + m.id + ")");
      });
      return text;
    }

    function sync() {
      hidden.value = encode();
      if (counter) {
        var count = hidden.value.trim().length;
        counter.textContent = (counter.dataset.template || "%(count)s / %(limit)s")
          .replace("%(count)s", formatNumber(count))
          .replace("%(limit)s", formatNumber(limit));
        counter.classList.toggle("composer__counter--over", count > limit);
        counter.classList.toggle("composer__counter--near", count > limit - 200 && count <= limit);
      }
    }
    sync();
    area.addEventListener("input", sync);
    form.addEventListener("submit", sync);

    var list = form.querySelector("[data-mention-list]");
    var url = form.dataset.mentionUrl;
    if (!list || !url || !window.fetch) return;
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", list.id);
    // A textarea (role textbox) may not carry aria-expanded; the list's visibility and
    // aria-activedescendant say what a screen reader needs.
    var items = [];
    var active = -1;
    var timer = null;
    var lastQuery = null;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      items = [];
      active = -1;
      area.removeAttribute("aria-activedescendant");
    }

    function query() {
      var before = area.value.slice(0, area.selectionStart);
      var match = /(?:^|[\s(])@([^\s@\[\]()][^@\[\]()\n]{0,40})$/.exec(before);
      if (!match) return null;
      var text = match[1];
      if (text.split(" ").length > 3) return null;
      return { text: text, start: before.length - text.length - 1 };
    }

    function highlight(index) {
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) area.setAttribute("aria-activedescendant", items[index].id);
    }

    function pick(person) {
      var q = query();
      if (!q) return close();
      var insert = "@" + person.name + " ";
      var after = area.value.slice(area.selectionStart);
      area.value = area.value.slice(0, q.start) + insert + after;
      var caret = q.start + insert.length;
      area.setSelectionRange(caret, caret);
      if (!mentions.some(function (m) { return m.id === person.id; })) mentions.push({ name: person.name, id: person.id });
      close();
      sync();
      area.focus();
    }

    function show(results) {
      list.innerHTML = "";
      items = results.map(function (person, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.className = "composer__mention";
        var name = document.createElement("span");
        name.className = "composer__mention-name";
        name.textContent = person.name;
        li.appendChild(name);
        if (person.headline) {
          var headline = document.createElement("span");
          headline.className = "composer__mention-headline";
          headline.textContent = person.headline;
          li.appendChild(headline);
        }
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(person);
        });
        li.person = person;
        list.appendChild(li);
        return li;
      });
      if (!items.length) return close();
      list.hidden = false;
      highlight(0);
    }

    area.addEventListener("input", function () {
      var q = query();
      if (!q || !q.text.trim()) {
        lastQuery = null;
        return close();
      }
      if (q.text === lastQuery) return;
      lastQuery = q.text;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(q.text), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            if (lastQuery === q.text) show(data.results || []);
          })
          .catch(close);
      }, 150);
    });

    area.addEventListener("keydown", function (event) {
      if (list.hidden || !items.length) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + items.length) % items.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        if (active >= 0) {
          event.preventDefault();
          pick(items[active].person);
        }
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation(); // keep the dialog open
        close();
      }
    });
    area.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  /* --- Images ---------------------------------------------------------------------------- */

  function setupImages(form) {
    var input = form.querySelector("input[type='file'][name='images']");
    var fieldset = form.querySelector("[data-alt-list]");
    if (!input || !fieldset) return;
    var rows = Array.prototype.slice.call(fieldset.querySelectorAll("[data-alt-row]"));
    var note = fieldset.querySelector("[data-alt-help]");

    function render() {
      var files = Array.prototype.slice.call(input.files || []);
      fieldset.hidden = files.length === 0;
      rows.forEach(function (row, i) {
        var file = files[i];
        var hasError = row.classList.contains("field--invalid");
        row.hidden = !file && !hasError;
        var thumb = row.querySelector("[data-alt-thumb]");
        var remove = row.querySelector("[data-remove-image]");
        if (remove) remove.hidden = !file;
        if (!thumb) return;
        thumb.innerHTML = "";
        thumb.hidden = !file;
        if (file && /^image\/(jpeg|png|webp)$/.test(file.type) && window.FileReader) {
          var reader = new FileReader();
          reader.onload = function () {
            var img = document.createElement("img");
            img.src = reader.result; // a data: URL (the CSP allows those, not blob:)
            img.alt = "";
            thumb.appendChild(img);
          };
          reader.readAsDataURL(file);
        } else if (file) {
          thumb.textContent = file.name;
        }
      });
      if (note) note.hidden = files.length === 0;
    }

    function removeAt(index) {
      if (!window.DataTransfer) return;
      var transfer = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (file, i) {
        if (i !== index) transfer.items.add(file);
      });
      // Descriptions follow their images.
      var alts = rows.map(function (row) { return row.querySelector("input").value; });
      alts.splice(index, 1);
      alts.push("");
      rows.forEach(function (row, i) { row.querySelector("input").value = alts[i]; });
      input.files = transfer.files;
      render();
      input.focus();
    }

    input.addEventListener("change", function () {
      if (input.files.length > MAX_IMAGES && window.DataTransfer) {
        var transfer = new DataTransfer();
        Array.prototype.slice.call(input.files, 0, MAX_IMAGES).forEach(function (f) { transfer.items.add(f); });
        input.files = transfer.files;
        var warn = input.closest(".field").querySelector(".field__help");
        if (warn) warn.classList.add("composer__warn");
      }
      render();
    });
    rows.forEach(function (row, i) {
      var remove = row.querySelector("[data-remove-image]");
      if (remove) remove.addEventListener("click", function () { removeAt(i); });
    });
    render();
  }

  /* --- Poll builder and schedule ----------------------------------------------------------- */

  function setupPoll(form) {
    var builder = form.querySelector("[data-poll-builder]");
    if (!builder) return;
    var rows = Array.prototype.slice.call(builder.querySelectorAll("[data-option-row]"));
    var add = builder.querySelector("[data-add-option]");
    function shown() { return rows.filter(function (r) { return !r.hidden; }).length; }
    rows.forEach(function (row, i) {
      var input = row.querySelector("input");
      if (i >= 2 && !input.value && !row.classList.contains("field--invalid")) {
        // Hide only trailing empty boxes.
        var laterFilled = rows.slice(i + 1).some(function (r) { return r.querySelector("input").value; });
        row.hidden = !laterFilled;
      }
    });
    function refresh() { if (add) add.hidden = shown() >= rows.length; }
    if (add) {
      add.addEventListener("click", function () {
        var next = rows.filter(function (r) { return r.hidden; })[0];
        if (next) {
          next.hidden = false;
          next.querySelector("input").focus();
        }
        refresh();
      });
    }
    refresh();
  }

  function setupSchedule(form) {
    var when = form.querySelector("input[name='publish_at']");
    var button = form.querySelector("[data-publish-button]");
    if (!when || !button) return;
    function label() {
      button.textContent = when.value ? button.dataset.labelLater : button.dataset.labelNow;
    }
    when.addEventListener("input", label);
    when.addEventListener("change", label);
    label();
  }

  function setup(root) {
    var forms = root.matches && root.matches("[data-composer]") ? [root] : [];
    forms = forms.concat(Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll("[data-composer]") : []));
    forms.forEach(function (form) {
      setupBody(form);
      setupImages(form);
      setupPoll(form);
      setupSchedule(form);
      var errors = form.querySelector("[data-composer-errors]");
      if (errors && form.closest("dialog")) errors.focus();
    });
  }

  /* --- The dialog ------------------------------------------------------------------------- */

  function setupDialog() {
    document.addEventListener("click", function (event) {
      var opener = event.target.closest && event.target.closest("[data-composer-open]");
      var dialog = document.getElementById("composer-dialog");
      if (opener && dialog && window.htmx && dialog.showModal) {
        event.preventDefault();
        var body = document.getElementById("composer-dialog-body");
        window.htmx.ajax("GET", opener.getAttribute("href"), { target: body, swap: "innerHTML" }).then(function () {
          var section = opener.dataset.composerOpen;
          if (section) {
            var details = body.querySelector("[data-section='" + section + "']");
            if (details) details.open = true;
          }
          var area = body.querySelector("[data-composer-body]");
          if (area) area.focus();
        });
        if (!dialog.open) dialog.showModal();
        return;
      }
      var closer = event.target.closest && event.target.closest("[data-composer-close]");
      if (closer) {
        var d = closer.closest("dialog");
        if (d) d.close();
      }
    });
  }

  if (window.htmx && window.htmx.onLoad) {
    window.htmx.onLoad(setup);
  } else {
    document.addEventListener("DOMContentLoaded", function () { setup(document); });
  }
  setupDialog();
})();
