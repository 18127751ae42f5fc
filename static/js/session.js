// Warns before the session ends for inactivity and lets the person stay signed in;
// says so in the page once it has ended, so that typed text is not lost unawares.
// The markup and its translated texts are in templates/accounts/includes/session_warning.html.
(function () {
  "use strict";
  var warning = document.getElementById("session-warning");
  var expired = document.getElementById("session-expired");
  if (!warning || !expired) return;

  var form = warning.querySelector("form");
  var deadlineText = warning.querySelector("[data-session-deadline]");
  var idleMs = Number(warning.dataset.idleSeconds) * 1000;
  var warnMs = Math.min(Number(warning.dataset.warnSeconds) * 1000, idleMs / 2);
  // The server rewrites its activity time only when it is a minute old or more
  // (accounts.middleware.session_touch); the page mirrors that rule to know it.
  var resolutionMs = 60 * 1000;
  var stored = Date.now() - (Number(warning.dataset.idleSeconds) -
    Number(warning.dataset.idleLeftSeconds || warning.dataset.idleSeconds)) * 1000;
  var timer = null;
  var ended = false;
  var previousFocus = null;
  var nativeFetch = window.fetch.bind(window);

  function deadline() {
    return stored + idleMs;
  }

  function requestSeen() {
    var now = Date.now();
    if (now - stored >= resolutionMs) stored = now;
    if (!warning.hidden && deadline() - now > warnMs) hide();
    schedule();
  }

  function schedule() {
    clearTimeout(timer);
    if (ended) return;
    var left = deadline() - Date.now();
    if (left <= 0) {
      end();
    } else if (left <= warnMs) {
      show();
      timer = setTimeout(schedule, Math.min(left, 10 * 1000));
    } else {
      timer = setTimeout(schedule, left - warnMs);
    }
  }

  function show() {
    if (!warning.hidden) return;
    deadlineText.textContent = new Date(deadline()).toLocaleTimeString(
      document.documentElement.lang || undefined,
      { hour: "2-digit", minute: "2-digit" }
    );
    deadlineText.setAttribute("datetime", new Date(deadline()).toISOString());
    previousFocus = document.activeElement;
    warning.hidden = false;
    form.querySelector("button").focus();
  }

  function hide() {
    var hadFocus = warning.contains(document.activeElement);
    warning.hidden = true;
    if (hadFocus && previousFocus && document.contains(previousFocus)) previousFocus.focus();
  }

  function end() {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    warning.hidden = true;
    expired.hidden = false;
    expired.focus();
  }

  function stay() {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    nativeFetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "X-Requested-With": "XMLHttpRequest" },
    }).then(function (response) {
      if (response.status === 204) {
        stored = Date.now(); // the keep-alive always rewrites the activity time
        hide();
        schedule();
      } else {
        end();
      }
    }, function () {
      // Offline: the session may still be alive; try again at the next request.
      hide();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    stay();
  });
  warning.addEventListener("keydown", function (event) {
    if (event.key === "Escape") stay();
  });

  // Any request to the site counts as activity; a 401 means the session has ended.
  function answered(status) {
    if (status === 401) end();
    else if (status) requestSeen();
  }
  document.addEventListener("htmx:afterRequest", function (event) {
    answered(event.detail.xhr && event.detail.xhr.status);
  });
  window.fetch = function (resource, options) {
    var request = nativeFetch(resource, options);
    request.then(function (response) {
      if (new URL(response.url, location.href).origin === location.origin) {
        answered(response.status);
      }
    }, function () {});
    return request;
  };
  // Timers of a background tab may be late: check again when it comes back.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) schedule();
  });

  schedule();
})();
