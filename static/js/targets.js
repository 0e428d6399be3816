// Targets app: small enhancements of the task update form (works without it).
(function () {
  "use strict";
  // Choosing "Hoàn thành" sets the progress to 100%.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.name !== "status" || !select.closest(".task-update-form")) { return; }
    var percent = select.form.querySelector("input[name=percent]");
    if (percent && select.value === "done") { percent.value = "100"; }
  });
})();
