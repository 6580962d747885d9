// Warns before the session times out for inactivity and lets the user extend it (WCAG 2.2.1
// Timing Adjustable). The server decides; this only counts the same idle time in the page.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    var idle = parseInt(body.getAttribute("data-session-idle") || "0", 10);
    var url = body.getAttribute("data-session-extend");
    var statusUrl = body.getAttribute("data-session-status");
    var box = document.getElementById("session-warning");
    if (!idle || !url || !statusUrl || !box) {
      return;
    }
    var warnBefore = Math.min(120, Math.floor(idle / 4));
    var button = box.querySelector("button");
    var timer = null;
    var returnFocus = null;

    // While the warning is up it covers the bottom of the screen: the page gets room below
    // it, and an element that takes focus behind it is scrolled up above it (WCAG 2.4.11).
    function room(on) {
      var height = on ? box.getBoundingClientRect().height + 24 : 0;
      document.documentElement.style.scrollPaddingBottom = on ? height + "px" : "";
      body.style.paddingBottom = on ? height + "px" : "";
    }
    function keepClear(event) {
      if (box.hidden || box.contains(event.target)) {
        return;
      }
      // After the browser's own scrolling to the element, which does not know of the box.
      window.setTimeout(function () {
        var over = event.target.getBoundingClientRect().bottom -
          (box.getBoundingClientRect().top - 8);
        if (over > 0) {
          window.scrollBy(0, over);
        }
      }, 0);
    }
    document.addEventListener("focusin", keepClear);
    function hide() {
      if (!box.hidden) {
        box.hidden = true;
        room(false);
        if (returnFocus && returnFocus.focus) {
          returnFocus.focus();
        }
      }
    }
    function show() {
      returnFocus = document.activeElement;
      box.hidden = false;
      room(true);
      button.focus();
    }
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
    // The session is shared by the user's tabs: before warning, and at the limit, ask the
    // server how much is left (asking is not activity). Another tab in use keeps this one on.
    function remaining(then) {
      fetch(statusUrl, {credentials: "same-origin", cache: "no-store"})
        .then(function (response) { return response.json(); })
        .then(function (data) { then(data.remaining); })
        .catch(function () { then(null); });  // no answer: count in the page only
    }
    function later(fn, seconds) {
      window.clearTimeout(timer);
      timer = window.setTimeout(fn, Math.max(0, seconds) * 1000);
    }
    function beforeWarning() {
      remaining(function (left) {
        if (left !== null && left > warnBefore + 5) {
          later(beforeWarning, left - warnBefore);  // used in another tab meanwhile
          return;
        }
        show();
        later(atLimit, (left === null ? warnBefore : left) + 5);
      });
    }
    function atLimit() {
      remaining(function (left) {
        if (left !== null && left > warnBefore) {  // extended in another tab
          hide();
          later(beforeWarning, left - warnBefore);
        } else if (left !== null && left >= 0) {  // not quite yet (clocks differ)
          later(atLimit, left + 2);
        } else if (!typedSomething()) {
          window.location.reload();  // the session has ended: the server shows the login page
        }
      });
    }
    function schedule() {
      hide();
      later(beforeWarning, idle - warnBefore);
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
    // A section reloading itself on a timer (header X-KAA-Poll) is not the person's activity.
    body.addEventListener("htmx:afterRequest", function (event) {
      var headers = (event.detail.requestConfig || {}).headers || {};
      if (headers["X-KAA-Poll"] !== "1") {
        schedule();
      }
    });
    schedule();
  });
})();
