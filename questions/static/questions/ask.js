// The section page is cached whole: fetch a fresh CSRF token and start time.
(function () {
  var form = document.querySelector(".question-form");
  if (!form) return;
  fetch(form.dataset.tokenUrl, { credentials: "same-origin", cache: "no-store" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data) return;
      form.querySelector("[name=csrfmiddlewaretoken]").value = data.csrf;
      form.querySelector("[name=started]").value = data.started;
    })
    .catch(function () {});
})();
