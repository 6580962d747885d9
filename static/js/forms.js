// Move focus to the error summary after a failed submit, so screen readers announce it
// (security.md A-02). Without JavaScript the summary is still the first thing in the form.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
