// Puts back what the user had typed when their session expired (kaa.drafts): the server
// kept the posted fields; this fills the form that posts to the same address again and says
// so. Nothing is submitted: the user checks the form and saves it.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var source = document.getElementById("kaa-draft");
  if (!source) {
    return;
  }
  var draft = JSON.parse(source.textContent);
  var forms = Array.prototype.filter.call(
    document.querySelectorAll("main form"), function (form) {
      return new URL(form.action, window.location.href).pathname === draft.action;
    });
  var form = forms[0];
  if (!form) {
    return;
  }
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
      // Several fields of one name (a formset's rows have their own names): in order.
      var same = form.querySelectorAll('[name="' + CSS.escape(el.name) + '"]');
      var index = Array.prototype.indexOf.call(same, el);
      el.value = values[Math.min(index, values.length - 1)] || "";
    }
  });
  var notice = document.getElementById("draft-notice");
  if (notice) {
    notice.hidden = false;
  }
  // Bring the form into view with the notice, so the restored text is seen before saving.
  var first = form.querySelector("textarea, input:not([type=hidden]), select");
  if (first) {
    first.focus();
  }
});
