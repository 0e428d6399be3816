// Import progress: polls households:import-status every second, moves the bar, reloads the
// page when the job leaves its running state (the page then shows the preview or the result).
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var running = ["pending", "validating", "queued", "importing"];
  var bar = box.querySelector(".progress-bar");
  var meter = box.querySelector(".progress");
  var text = document.getElementById("import-progress-text");

  function show(data) {
    var total = data.rows_total || 0;
    var done = data.status === "importing" || data.status === "queued" ? data.rows_written : data.rows_validated;
    var percent = total ? Math.min(100, Math.round((100 * done) / total)) : 0;
    bar.style.width = percent + "%";
    meter.setAttribute("aria-valuenow", String(percent));
    text.textContent = "Đã kiểm tra " + (data.rows_validated || 0).toLocaleString("vi-VN") +
      " dòng, đã ghi " + (data.rows_written || 0).toLocaleString("vi-VN") + " / " +
      total.toLocaleString("vi-VN") + " dòng (" + percent + "%).";
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
