/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // Move focus to the error summary so screen readers announce it first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) {
    summary.focus();
  }

  // Warn, through a polite live region, shortly before a reserved time is released.
  var hold = document.querySelector("[data-hold-until]");
  if (!hold) {
    return;
  }
  var until = Date.parse(hold.getAttribute("data-hold-until"));
  var warnBefore = 2 * 60 * 1000;
  var live = hold.querySelector("[data-hold-live]");
  function warn() {
    live.textContent = hold.getAttribute("data-hold-warning");
  }
  function expire() {
    live.textContent = hold.getAttribute("data-hold-expired");
  }
  var now = Date.now();
  if (until - now > warnBefore) {
    window.setTimeout(warn, until - now - warnBefore);
  } else if (until > now) {
    warn();
  }
  if (until > now) {
    window.setTimeout(expire, until - now);
  }
})();
