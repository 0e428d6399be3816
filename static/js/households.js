// Households: add/remove member rows on the household form, live preview of the review form.
// The pages work without it (existing rows edit, the review form classifies on save).
(function () {
  "use strict";

  // --- member rows: clone the empty-form <template>, renumber __prefix__ ---
  var rows = document.getElementById("member-rows");
  var template = document.getElementById("member-empty-row");
  if (rows && template) {
    var prefix = rows.getAttribute("data-prefix");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    document.addEventListener("click", function (event) {
      if (!event.target.closest("[data-add-member]")) { return; }
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      var number = row.querySelector("[data-row-number]");
      if (number) { number.textContent = String(index + 1); }
      rows.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("input[type=text]");
      if (first) { first.focus(); }
    });
    rows.addEventListener("change", function (event) {
      var box = event.target;
      if (box.name && /-DELETE$/.test(box.name)) {
        box.closest(".member-row").classList.toggle("member-removed", box.checked);
      }
    });
  }

  // --- review form: POST the form to the preview URL and swap the result panel ---
  var form = document.getElementById("review-form");
  var result = document.getElementById("review-result");
  if (form && result) {
    var url = form.getAttribute("data-preview-url");
    var timer = null;
    var refresh = function () {
      var body = new FormData(form);
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", "Accept": "text/html" }
      }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (html !== null) {
          result.innerHTML = html;
          var summary = document.getElementById("review-summary");
          var fresh = result.querySelector(".classification-preview");
          if (summary && fresh) { summary.innerHTML = fresh.outerHTML; }
        }
      }).catch(function () { /* keep the last result; saving still classifies */ });
    };
    var schedule = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 300);
    };
    form.addEventListener("change", schedule);
    form.addEventListener("input", schedule);
  }
})();
