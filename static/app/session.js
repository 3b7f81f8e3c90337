/* The warning before the idle timeout (issue 12 item 9; WCAG 2.2.1 "Timing Adjustable").
   The page says how many seconds the session has left; a few minutes before the end a
   dialog offers "Bliv logget ind", which starts the session's time again without leaving
   the page. At the end the dialog says she is signed out. Without JavaScript the dialog
   never opens; the answer she sends after the timeout is kept instead (kept_answer.py). */
(function () {
  "use strict";
  var dialog = document.getElementById("session-warning");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var warningSeconds = Number(dialog.getAttribute("data-warning-seconds"));
  var extend = dialog.querySelector("[data-session-extend]");
  var timers = [];

  function show(state) {
    var parts = dialog.querySelectorAll("[data-session-state]");
    for (var i = 0; i < parts.length; i++) {
      parts[i].hidden = parts[i].getAttribute("data-session-state") !== state;
    }
    dialog.setAttribute("aria-labelledby", "session-" + state + "-title");
    if (!dialog.open) {
      dialog.showModal();
    }
    dialog.querySelector('[data-session-state="' + state + '"] .button').focus();
  }

  function schedule(secondsLeft) {
    while (timers.length) {
      window.clearTimeout(timers.pop());
    }
    var warnIn = Math.max(0, secondsLeft - warningSeconds);
    timers.push(window.setTimeout(function () { show("warning"); }, warnIn * 1000));
    timers.push(window.setTimeout(function () { show("ended"); }, secondsLeft * 1000));
  }

  extend.addEventListener("submit", function (event) {
    event.preventDefault();
    window.fetch(extend.action, {
      method: "POST",
      body: new FormData(extend),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("application/json") === -1) {
        throw new Error("the session had already ended");
      }
      return response.json();
    }).then(function (answer) {
      dialog.close();
      schedule(answer.seconds_left);
    }).catch(function () {
      show("ended");
    });
  });

  dialog.querySelector("[data-session-close]").addEventListener("click", function () {
    dialog.close();
  });

  schedule(Number(dialog.getAttribute("data-seconds-left")));
})();
