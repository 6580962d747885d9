// Puts back what the user had typed when their session expired (kaa.drafts): the server
// kept the posted fields; this fills the one form they came from in again and says so.
// Nothing is submitted: the user checks the form and saves it.
(function () {
  "use strict";
  // Hidden fields that are the same for every copy of a form (the version it was opened at,
  // a double-submit key, the CSRF token); any other hidden field tells forms apart (the note
  // a correction is of).
  var COMMON = ["csrfmiddlewaretoken", "version", "key"];

  function fits(form, draft) {
    if (new URL(form.action, window.location.href).pathname !== draft.action) {
      return false;
    }
    var names = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name) {
        names[el.name] = true;
      }
    });
    var keys = Object.keys(draft.data);
    if (!keys.every(function (name) { return names[name]; })) {
      return false;
    }
    return Array.prototype.every.call(form.elements, function (el) {
      if (el.type !== "hidden" || !el.name || COMMON.indexOf(el.name) !== -1) {
        return true;
      }
      var values = draft.data[el.name];
      return Boolean(values) && values.indexOf(el.value) !== -1;
    });
  }

  function fill(form, draft) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") {
        return;
      }
      var values = Object.prototype.hasOwnProperty.call(draft.data, el.name)
        ? draft.data[el.name] : null;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values !== null && values.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT") {
        Array.prototype.forEach.call(el.options, function (option) {
          option.selected = values !== null && values.indexOf(option.value) !== -1;
        });
      } else if (values !== null && el.type !== "submit" && el.type !== "button") {
        // Several fields of one name: in order.
        var same = form.querySelectorAll('[name="' + CSS.escape(el.name) + '"]');
        var index = Array.prototype.indexOf.call(same, el);
        el.value = values[Math.min(index, values.length - 1)] || "";
      }
    });
    var folded = form.closest("details");
    if (folded) {
      folded.open = true;
    }
    var notice = document.getElementById("draft-notice");
    if (notice) {
      notice.hidden = false;
    }
    var first = form.querySelector("textarea, input:not([type=hidden]), select");
    if (first) {
      first.focus();
    }
  }

  // True once the draft is back in its form; only a form that is the single fit is used, so
  // that the text never lands in a look-alike (a new note instead of a correction).
  function restore(draft) {
    var candidates = Array.prototype.filter.call(
      document.querySelectorAll("main form"), function (form) { return fits(form, draft); });
    if (candidates.length !== 1) {
      return false;
    }
    fill(candidates[0], draft);
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("kaa-draft");
    if (!source) {
      return;
    }
    var draft = JSON.parse(source.textContent);
    if (restore(draft)) {
      return;
    }
    // The form may be in a part of the page loaded afterwards (htmx).
    function retry() {
      if (restore(draft)) {
        document.body.removeEventListener("htmx:afterSettle", retry);
      }
    }
    document.body.addEventListener("htmx:afterSettle", retry);
  });
})();
