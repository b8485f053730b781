/* Autocomplete for search boxes, as a progressive enhancement: without
   JavaScript the boxes are plain GET forms. Suggestions come from
   /search/suggest/ (the same audience rule as the results) and go into a
   native <datalist>, which browsers make keyboard- and screen-reader-friendly.
   Titles are inserted as text, never as HTML. */
(function () {
  "use strict";
  var DELAY = 200, MIN_CHARS = 2;

  function attach(input, url) {
    if (!url || input.dataset.suggestReady) return;
    input.dataset.suggestReady = "1";
    var list = document.createElement("datalist");
    list.id = (input.id || "q") + "-suggestions";
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");
    input.parentNode.appendChild(list);
    var timer = null, controller = null, last = "";

    input.addEventListener("input", function () {
      var q = input.value.trim();
      clearTimeout(timer);
      if (q.length < MIN_CHARS || q === last) return;
      timer = setTimeout(function () {
        last = q;
        if (controller) controller.abort();
        controller = window.AbortController ? new AbortController() : null;
        fetch(url + "?q=" + encodeURIComponent(q), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
          signal: controller ? controller.signal : undefined
        })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) {
            while (list.firstChild) list.removeChild(list.firstChild);
            (data.suggestions || []).forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.title;
              option.label = item.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* autocomplete is optional */ });
      }, DELAY);
    });
  }

  var url = "/search/suggest/";
  var page = document.querySelector("input[data-suggest-url]");
  if (page) url = page.getAttribute("data-suggest-url");
  document.querySelectorAll('form[role="search"] input[name="q"]').forEach(function (input) {
    attach(input, url);
  });
})();
