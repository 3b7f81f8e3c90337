// The print button of the provider report: shown only when JavaScript runs (it needs it).
document.querySelectorAll(".js-print").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
