// The top bar's people search: an autocomplete combobox (owned by the search app).
// The server renders the options (search/suggest.html); this file fetches them as the member
// types and handles the keyboard: Down/Up move through the options, Enter opens the active one
// (or submits the search), Escape closes the list, Tab leaves it.
(function () {
  "use strict";

  function setup(form) {
    var input = form.querySelector("[role=combobox]");
    var list = form.querySelector("[role=listbox]");
    if (!input || !list) return;
    var url = form.getAttribute("data-search-suggest");
    var timer = null;
    var controller = null;
    var lastQuery = null;
    var active = -1;

    function options() {
      return Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
    }

    function setActive(index) {
      var items = options();
      active = items.length ? (index + items.length) % items.length : -1;
      items.forEach(function (item, i) {
        var selected = i === active;
        item.setAttribute("aria-selected", selected ? "true" : "false");
        item.classList.toggle("suggest__option--active", selected);
        if (selected && item.scrollIntoView) item.scrollIntoView({ block: "nearest" });
      });
      if (active >= 0) input.setAttribute("aria-activedescendant", items[active].id);
      else input.removeAttribute("aria-activedescendant");
    }

    function open() {
      if (!options().length) return close();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function go(item) {
      var href = item && item.getAttribute("data-href");
      if (href) window.location.assign(href);
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query === lastQuery) return open();
      lastQuery = query;
      if (!query) {
        list.innerHTML = "";
        return close();
      }
      if (controller) controller.abort();
      controller = typeof AbortController === "function" ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          return response.ok ? response.text() : "";
        })
        .then(function (html) {
          if (input.value.trim() !== query) return;
          // Trusted HTML: rendered by our server with Django's escaping.
          list.innerHTML = html;
          active = -1;
          input.removeAttribute("aria-activedescendant");
          if (document.activeElement === input) open();
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });

    input.addEventListener("focus", function () {
      if (input.value.trim() && lastQuery === input.value.trim()) open();
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) {
          clearTimeout(timer);
          fetchSuggestions();
          open();
          return;
        }
        setActive(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          go(options()[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    // mousedown, not click: the input's blur would close the list before the click lands.
    list.addEventListener("mousedown", function (event) {
      var item = event.target.closest("[role=option]");
      if (!item) return;
      event.preventDefault();
      go(item);
    });

    input.addEventListener("blur", function () {
      close();
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-search-suggest]"), setup);
    // The search page's filters sit folded on phones; beside the results there is room for them.
    if (window.matchMedia && window.matchMedia("(min-width: 768px)").matches) {
      Array.prototype.forEach.call(
        document.querySelectorAll("details.people-search__filters"),
        function (details) {
          details.open = true;
        }
      );
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
