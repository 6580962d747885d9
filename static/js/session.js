// Warns before the session times out for inactivity and lets the user extend it (WCAG 2.2.1
// Timing Adjustable). The server decides; this only counts the same idle time in the page.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    var idle = parseInt(body.getAttribute("data-session-idle") || "0", 10);
    var url = body.getAttribute("data-session-extend");
    var box = document.getElementById("session-warning");
    if (!idle || !url || !box) {
      return;
    }
    var warnBefore = Math.min(120, Math.floor(idle / 4));
    var button = box.querySelector("button");
    var timer = null;
    var returnFocus = null;

    function hide() {
      if (!box.hidden) {
        box.hidden = true;
        if (returnFocus && returnFocus.focus) {
          returnFocus.focus();
        }
      }
    }
    function show() {
      returnFocus = document.activeElement;
      box.hidden = false;
      button.focus();
    }
    var expiry = null;
    // Something typed and not sent: kept on screen (sent after the idle limit, the server
    // keeps it across the new login). Otherwise the page leaves at the limit, so that no
    // personal data stays on an unattended screen.
    function typedSomething() {
      return Array.prototype.some.call(
        document.querySelectorAll("main input, main textarea, main select"), function (el) {
          if (el.type === "hidden" || el.type === "submit") {
            return false;
          }
          if (el.type === "checkbox" || el.type === "radio") {
            return el.checked !== el.defaultChecked;
          }
          if (el.tagName === "SELECT") {
            return Array.prototype.some.call(el.options, function (o) {
              return o.selected !== o.defaultSelected;
            });
          }
          return el.value !== el.defaultValue;
        });
    }
    function expire() {
      if (!typedSomething()) {
        window.location.reload();  // the server answers with the login page
      }
    }
    function schedule() {
      window.clearTimeout(timer);
      window.clearTimeout(expiry);
      hide();
      timer = window.setTimeout(show, Math.max(0, idle - warnBefore) * 1000);
      expiry = window.setTimeout(expire, (idle + 5) * 1000);
    }
    function token() {
      try {
        return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
      } catch (e) {
        return "";
      }
    }
    button.addEventListener("click", function () {
      fetch(url, {method: "POST", credentials: "same-origin",
                  headers: {"X-CSRFToken": token()}})
        .then(function (response) {
          // A session that has already ended answers with a redirect to the login page,
          // which fetch follows: only the extension's own "204" means it worked.
          if (response.status === 204 && !response.redirected) {
            schedule();
          } else {
            window.location.reload();  // already logged out: show the login page
          }
        });
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        button.click();
      }
    });
    body.addEventListener("htmx:afterRequest", schedule);
    schedule();
  });
})();
