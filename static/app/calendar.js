/* "Mine besøg": the print button needs JavaScript, so it is shown only when it works.
   Without JavaScript the browser's own print command prints the same page. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () {
      window.print();
    });
  }
})();
