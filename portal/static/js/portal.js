/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  var WARN_BEFORE = 2 * 60 * 1000; // time limits are announced two minutes ahead (WCAG 2.2.1)

  // Move focus to the error summary so screen readers announce it first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", focusField);
  }
  var hold = document.querySelector("[data-hold-seconds]");
  if (hold) {
    watchHold(hold);
  }
  var signedIn = document.querySelector("[data-session-seconds]");
  if (signedIn) {
    watchSession(signedIn);
  }

  // Browsers only scroll to a link's target: put the focus in the field itself
  // (the first option of a group) and show its label or legend with it.
  function focusField(event) {
    var link = event.target.closest("a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) {
      return;
    }
    var field = target.matches("input, select, textarea")
      ? target
      : target.querySelector("input, select, textarea");
    if (!field) {
      return;
    }
    event.preventDefault();
    var group = field.closest("fieldset");
    var caption = group
      ? group.querySelector("legend")
      : document.querySelector("label[for='" + field.id + "']");
    (caption || field).scrollIntoView();
    field.focus({ preventScroll: true });
  }

  // Run warn() shortly before a limit `seconds` from now, and end() at it. The
  // server says how many seconds are left, so a wrong clock on the person's
  // device cannot make the warning early or late. Returns a function that cancels.
  function countdown(seconds, warn, end) {
    var left = seconds * 1000;
    var timers = [
      window.setTimeout(warn, Math.max(left - WARN_BEFORE, 0)),
      window.setTimeout(end, Math.max(left, 0)),
    ];
    return function cancel() {
      timers.forEach(window.clearTimeout);
    };
  }

  // A reserved time: the live region says it is about to be released, then that it was.
  function watchHold(box) {
    var live = box.querySelector("[data-hold-live]");
    countdown(
      parseInt(box.getAttribute("data-hold-seconds"), 10),
      function () { live.textContent = box.getAttribute("data-hold-warning"); },
      function () { live.textContent = box.getAttribute("data-hold-expired"); }
    );
  }

  // A signed-in session: before it ends, a dialog offers to stay signed in; that
  // happens in the background, so nothing typed on the page is lost.
  function watchSession(dialog) {
    var text = dialog.querySelector("#session-timeout-text");
    var form = dialog.querySelector("[data-session-form]");
    var restart = dialog.querySelector("[data-session-restart]");
    var live = document.querySelector("[data-session-live]");
    var cancel = start();

    function start() {
      return countdown(parseInt(dialog.getAttribute("data-session-seconds"), 10), open, end);
    }
    function open() {
      if (!dialog.open) {
        dialog.showModal(); // focus goes to the button; Escape or closing gives it back
      }
    }
    function end() {
      text.textContent = dialog.getAttribute("data-session-ended");
      form.hidden = true;
      restart.hidden = false;
      open();
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      }).then(function (response) {
        if (response.status !== 204) {
          throw new Error("signed out");
        }
        cancel();
        cancel = start();
        dialog.close();
        live.textContent = live.getAttribute("data-session-kept");
      }).catch(function () {
        cancel();
        end();
      });
    });
  }
})();
