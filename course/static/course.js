// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // After a scenario choice the page is new; move focus to its heading so a
  // screen reader announces the step instead of starting from the top.
  var target = document.querySelector("[data-focus-on-load]");
  if (target) {
    target.setAttribute("tabindex", "-1");
    target.focus();
  }
  // "Copy" buttons next to read-only fields (invite links).
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      if (!field || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = "Copied";
      });
    });
  });
  // "Print" buttons (the certificate): without script, the browser's print menu does it.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // A form submits once: a double click must not send it twice.
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    // (Disabling the buttons would drop the pressed button's value from the form.)
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted) { event.preventDefault(); return; }
      form.dataset.submitted = "yes";
    });
  });
})();
