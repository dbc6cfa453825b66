// Title suggestions under the search box: a few links fetched as the reader types.
(function () {
  "use strict";
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null;
  var latest = 0;
  function clear() { list.hidden = true; list.replaceChildren(); }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { clear(); return; }
    timer = setTimeout(function () {
      var ticket = ++latest;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q.slice(0, 60)))
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) {
          if (ticket !== latest) return;
          list.replaceChildren();
          data.suggestions.forEach(function (s) {
            var item = document.createElement("li");
            var link = document.createElement("a");
            link.href = s.url;
            link.textContent = s.title;
            item.appendChild(link);
            list.appendChild(item);
          });
          list.hidden = data.suggestions.length === 0;
        })
        .catch(clear);
    }, 200);
  });
  input.addEventListener("keydown", function (e) { if (e.key === "Escape") clear(); });
})();
