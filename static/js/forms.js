// Move focus to the error summary after a failed submit, so screen readers announce it
// (security.md A-02). Without JavaScript the summary is still the first thing in the form.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});

// A field that only applies to one choice of another field (the e-mail subject when the
// channel is e-mail) carries data-show-when="<name>=<value>" and is hidden for the other
// choices. Without JavaScript every field shows, its label saying when it applies.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-show-when]").forEach(function (field) {
    var rule = field.getAttribute("data-show-when").split("=");
    var form = field.form;
    var wrapper = document.getElementById("div_" + field.id) || field.parentElement;
    if (!form || !form.elements[rule[0]]) {
      return;
    }
    function update() {
      var control = form.elements[rule[0]];
      wrapper.hidden = control.value !== rule[1];
    }
    form.addEventListener("change", update);
    update();
  });
});
