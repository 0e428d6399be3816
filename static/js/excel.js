// Import and export progress: polls the job's status address (households:import-status or
// households:export-status) every second, moves the bar, reloads the page when the job leaves
// its running state (the page then shows the preview, the result or the download).
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var running = ["pending", "validating", "queued", "importing", "exporting", "rendering"];
  var writing = ["queued", "importing", "exporting"];
  var bar = box.querySelector(".progress-bar");
  var meter = box.querySelector(".progress");
  var text = document.getElementById("import-progress-text");
  // The sentence comes translated from the page; numbers in the page's language.
  var template = box.getAttribute("data-text") || "{v} / {t} ({p}%)";
  var locale = document.documentElement.lang === "en" ? "en-GB" : "vi-VN";
  function n(value) { return (value || 0).toLocaleString(locale); }

  function show(data) {
    var total = data.rows_total || 0;
    var done = writing.indexOf(data.status) !== -1 ? data.rows_written : data.rows_validated;
    var percent = total ? Math.min(100, Math.round((100 * done) / total)) : 0;
    bar.style.width = percent + "%";
    meter.setAttribute("aria-valuenow", String(percent));
    text.textContent = template
      .replace("{v}", n(data.rows_validated))
      .replace("{w}", n(data.rows_written))
      .replace("{t}", n(total))
      .replace("{p}", String(percent));
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data);
        if (running.indexOf(data.status) === -1) { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
