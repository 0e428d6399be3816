// The approval queue: open a review in place (fetch its panel under the row), tick rows and
// count them. Without it the page still works: "Xem phiếu" reloads the queue opened on the
// review, and the bulk buttons post the ticked rows to the confirmation page.
(function () {
  "use strict";
  var form = document.getElementById("queue-form");
  if (!form) { return; }
  var columns = form.querySelectorAll("thead th").length || 1;
  var counter = form.querySelector("[data-selected-count]");
  var all = form.querySelector("[data-select-all]");
  var bulk = form.querySelectorAll(".bulk-bar button[type=submit]");
  var boxes = function () { return form.querySelectorAll("input[name=review]"); };

  var count = function () {
    var ticked = form.querySelectorAll("input[name=review]:checked").length;
    if (counter) {
      var text = counter.getAttribute("data-template") || "{n}";
      counter.textContent = ticked ? text.replace("{n}", String(ticked)) : "";
    }
    bulk.forEach(function (button) { button.disabled = ticked === 0; });
  };

  form.addEventListener("change", function (event) {
    if (event.target === all) {
      boxes().forEach(function (box) { box.checked = all.checked; });
    }
    count();
  });
  count();

  form.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-detail-url]");
    if (!link) { return; }
    event.preventDefault();
    var row = link.closest("tr");
    var next = row.nextElementSibling;
    if (next && next.classList.contains("detail-row")) {
      next.remove();
      link.setAttribute("aria-expanded", "false");
      return;
    }
    fetch(link.getAttribute("data-detail-url"), {
      credentials: "same-origin", headers: { "Accept": "text/html" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      var detail = document.createElement("tr");
      detail.className = "detail-row";
      detail.id = link.getAttribute("aria-controls");
      var cell = document.createElement("td");
      cell.colSpan = columns;
      cell.innerHTML = html;
      detail.appendChild(cell);
      row.parentNode.insertBefore(detail, row.nextSibling);
      link.setAttribute("aria-expanded", "true");
      var heading = detail.querySelector("h2");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }).catch(function () { window.location.href = link.href; });
  });
})();
