// Support form: show the override reason only when "ghi nhận ngoài đối tượng" is ticked.
(function () {
  "use strict";
  var form = document.querySelector("form[data-programs-support]");
  if (!form) { return; }
  var box = form.querySelector("input[name=override]");
  var note = form.querySelector("[data-programs-override-note]");
  if (!box || !note) { return; }
  function sync() { note.hidden = !box.checked; }
  box.addEventListener("change", sync);
  sync();
})();
