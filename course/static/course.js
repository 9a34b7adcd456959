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
  // The deep-linking answer goes back to the LMS at once; its button does it without script.
  document.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
    form.submit();
  });
  // A form submits once: a double click must not send it twice.
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    // (Disabling the buttons would drop the pressed button's value from the form.)
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted) { event.preventDefault(); return; }
      form.dataset.submitted = "yes";
    });
  });
  // A quiz keeps its answers as they change: one small request a moment after the
  // last change (the "Save and finish later" button does the same without script).
  // Leaving with answers not yet saved asks first.
  document.querySelectorAll("form[data-draft-url]").forEach(function (form) {
    var status = document.getElementById(form.getAttribute("data-draft-status"));
    var changes = 0;
    var savedChanges = 0;
    var timer = null;
    function save() {
      var sending = changes;
      timer = null;
      fetch(form.getAttribute("data-draft-url"), {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.statusText); }
        return response.json();
      }).then(function (saved) {
        savedChanges = Math.max(savedChanges, sending);
        if (status) { status.textContent = saved.message; }
      }).catch(function () {
        if (status) { status.textContent = "Your latest answers are not saved yet. Use “Save and finish later” to keep them."; }
      });
    }
    function changed() {
      changes += 1;
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, 800);
    }
    form.addEventListener("change", changed);
    form.addEventListener("input", changed);
    form.addEventListener("submit", function () {
      // Submitting or saving by the button keeps them: nothing to ask about.
      if (timer) { clearTimeout(timer); timer = null; }
      savedChanges = changes;
    });
    window.addEventListener("beforeunload", function (event) {
      if (changes > savedChanges) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
})();
