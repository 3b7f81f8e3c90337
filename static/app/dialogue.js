/* The conversation without page reloads. Progressive enhancement only: every form
   posts normally when this file is missing or fetch fails. New messages are appended
   to the role="log" region, which screen readers announce; focus moves to the new
   question, or to the error summary when the answer could not be used. */
(function () {
  "use strict";
  var chat = document.querySelector('[data-module="dialogue"]');
  if (!chat || !window.fetch || !window.FormData) {
    return;
  }
  var log = document.getElementById("chat-log");
  var current = document.getElementById("chat-current");
  var busy = false;
  // Forms in the history that act on the turn being asked (fetched like the answer form).
  var LIVE_IN_LOG = ".app-change, .app-call-back-offer";

  function lastMessageId() {
    var items = log.querySelectorAll("[data-id]");
    return items.length ? items[items.length - 1].getAttribute("data-id") : "0";
  }

  function showMinutes() {
    var box = current.querySelector(".app-minutes-live");
    if (!box) {
      return;
    }
    box.hidden = false;
    var meter = box.querySelector("meter");
    var text = box.querySelector(".app-minutes-text");
    var freed = parseInt(box.getAttribute("data-freed"), 10) || 0;
    var used = 0;
    var boxes = current.querySelectorAll("input[type=checkbox][data-minutes]");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].checked) {
        used += parseInt(boxes[i].getAttribute("data-minutes"), 10) || 0;
      }
    }
    meter.max = Math.max(freed, used, 1);
    meter.value = used;
    var template = box.getAttribute(used > freed ? "data-over" : "data-template");
    text.textContent = template.replace("{used}", used).replace("{over}", used - freed);
  }

  function focusAfter(ok) {
    var target = ok ? document.getElementById("current-question")
                    : current.querySelector('[data-module="error-summary"]');
    if (target) {
      target.focus();
    }
  }

  function update(data) {
    if (data.restart) {
      log.innerHTML = "";
      // A new conversation: "Vis tidligere beskeder" was for the one just closed.
      var earlier = chat.querySelector(".app-chat-earlier");
      if (earlier) {
        earlier.parentNode.removeChild(earlier);
      }
    }
    if (data.ok) {
      // "Ændr" belongs to the summary asked about until it is answered (issue 12 item 10),
      // and "Ring mig op" after "Det forstod jeg ikke" to that turn (issue 13).
      var changes = log.querySelectorAll(LIVE_IN_LOG);
      for (var i = 0; i < changes.length; i++) {
        changes[i].parentNode.removeChild(changes[i]);
      }
    }
    log.insertAdjacentHTML("beforeend", data.log);
    current.innerHTML = data.question;
    // As on a page sent without JavaScript: "Fejl: " first in the title while an error shows.
    document.title = chat.getAttribute(data.ok ? "data-title" : "data-error-title");
    showMinutes();
    focusAfter(data.ok);
  }

  chat.addEventListener("submit", function (event) {
    var form = event.target;
    var live = current.contains(form) || (log.contains(form) && form.matches(LIVE_IN_LOG));
    if (!live) {
      return;
    }
    event.preventDefault();
    if (busy) {
      return; // one answer at a time: a double click sends once
    }
    busy = true;
    var body = new FormData(form);
    // The button pressed travels too, as in an ordinary post ("Vis flere", issue 12, 3).
    var pressed = event.submitter;
    if (pressed && pressed.name && !body.has(pressed.name)) {
      body.append(pressed.name, pressed.value);
    }
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"X-Requested-With": "fetch", "X-Last-Message": lastMessageId(),
                "Accept": "application/json"}
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        throw new Error("not json");
      }
      return response.json();
    }).then(function (data) {
      busy = false;
      if (data.redirect) {
        window.location.assign(data.redirect); // a confirmation page of its own
        return;
      }
      update(data);
    }).catch(function () {
      busy = false;
      form.submit(); // fall back to the ordinary post
    });
  });

  chat.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[data-minutes]")) {
      showMinutes();
    }
  });
  showMinutes();
})();
