// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Confirm destructive or irreversible actions: <button data-confirm="...">.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // Auto-submit filter forms when a select changes: <form data-autosubmit>.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.tagName === "SELECT") { form.requestSubmit(); }
  });
  // The new-household form: when the commune changes, suggest that commune's next household
  // code, unless the officer has typed a code of their own (<input data-code-suggest="url">).
  var code = document.querySelector("input[data-code-suggest]");
  var commune = code && code.form && code.form.querySelector("select[name=commune]");
  if (code && commune) {
    var suggested = code.value;
    commune.addEventListener("change", function () {
      if (!commune.value || (code.value && code.value !== suggested)) { return; }
      var url = code.getAttribute("data-code-suggest") + "?commune=" + encodeURIComponent(commune.value);
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (data && data.code && (!code.value || code.value === suggested)) {
            code.value = suggested = data.code;
          }
        })
        .catch(function () {});
    });
  }
})();
