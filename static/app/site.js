/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");
  // DKFDS's error summary needs tabindex="-1" to take focus (known gap in dkfds 11).
  var summaries = document.querySelectorAll('[data-module="error-summary"]');
  for (var i = 0; i < summaries.length; i++) {
    summaries[i].setAttribute("tabindex", "-1");
  }
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
  if (summaries.length) {
    summaries[0].focus();
  }
})();
/* The confirmation page's print button: shown only where it works (issue 12 item 1). */
(function () {
  "use strict";
  var buttons = document.querySelectorAll('[data-module="print-page"]');
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].parentNode.hidden = false;
    buttons[i].addEventListener("click", function () {
      window.print();
    });
  }
})();
