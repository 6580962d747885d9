// Keeps the keyboard's place when the page changes under it (WCAG 2.4.3, 4.1.3):
// - a section that htmx loads or reloads while focus is inside it: focus goes to the section's
//   heading (or the section), not to <body>, which would send a keyboard user back to the top;
// - a confirmation after saving that leads to a part of the page (#anteckningar, #uppsok): the
//   message is shown at the start of that part, on screen, and takes focus so that it is read.
(function () {
  "use strict";

  function focusable(el) {
    if (!el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "-1");
    }
    return el;
  }

  function focusSection(target) {
    var heading = target.querySelector("h1, h2, h3, h4, h5, h6");
    focusable(heading || target).focus();
  }

  function lost() {
    var active = document.activeElement;
    return !active || active === document.body || !document.contains(active);
  }

  function confirmationToFragment() {
    var messages = document.querySelector("main .messages");
    var id = window.location.hash.slice(1);
    if (!messages || !id) {
      return;
    }
    var part;
    try {
      part = document.getElementById(decodeURIComponent(id));
    } catch (e) {
      return;  // a malformed address fragment
    }
    if (!part || part.contains(messages)) {
      return;
    }
    // A part that htmx fills in is replaced whole: the message goes just before it.
    if (part.hasAttribute("hx-get")) {
      part.parentNode.insertBefore(messages, part);
    } else {
      part.insertBefore(messages, part.firstChild);
    }
    // After the browser's own move to the fragment, which would take focus away again.
    function take() {
      focusable(messages).focus({preventScroll: true});
      messages.scrollIntoView({block: "start"});
    }
    if (document.readyState === "complete") {
      window.setTimeout(take, 0);
    } else {
      window.addEventListener("load", function () { window.setTimeout(take, 0); });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    confirmationToFragment();
    body.addEventListener("htmx:beforeSwap", function (event) {
      var target = event.detail.target;
      var active = document.activeElement;
      target.kaaHadFocus = Boolean(active && active !== body &&
        (target === active || target.contains(active)));
    });
    body.addEventListener("htmx:afterSettle", function (event) {
      var target = event.detail.target;
      var hadFocus = target.kaaHadFocus;
      target.kaaHadFocus = false;
      if (hadFocus && lost()) {
        // outerHTML swaps replace the target itself: find its successor by id.
        var now = document.contains(target) ? target
          : (target.id && document.getElementById(target.id));
        if (now) {
          focusSection(now);
        }
      }
    });
  });
})();
