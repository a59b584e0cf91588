/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // Move focus to the error summary so screen readers announce it first.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", focusField);
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

  // Warn, through a polite live region, shortly before a reserved time is released.
  // The server says how many seconds are left, so a wrong clock on the person's
  // device cannot make the warning early or late.
  var hold = document.querySelector("[data-hold-seconds]");
  if (!hold) {
    return;
  }
  var left = parseInt(hold.getAttribute("data-hold-seconds"), 10) * 1000;
  var warnBefore = 2 * 60 * 1000;
  var live = hold.querySelector("[data-hold-live]");
  function say(attribute) {
    return function () {
      live.textContent = hold.getAttribute(attribute);
    };
  }
  if (left > warnBefore) {
    window.setTimeout(say("data-hold-warning"), left - warnBefore);
  } else if (left > 0) {
    say("data-hold-warning")();
  }
  if (left > 0) {
    window.setTimeout(say("data-hold-expired"), left);
  } else {
    say("data-hold-expired")();
  }
})();
