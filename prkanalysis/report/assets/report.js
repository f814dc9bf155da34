// prkanalysis report: the "show all code" toggle. Pages work without it (each code cell
// still has its own <details> toggle); nothing is fetched from the network.
(function () {
  "use strict";
  function setAll(open) {
    var cells = document.querySelectorAll("details.cell-input");
    for (var i = 0; i < cells.length; i++) { cells[i].open = open; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("toggle-code");
    if (!button) { return; }
    if (!document.querySelector("details.cell-input")) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-pressed") !== "true";
      setAll(open);
      button.setAttribute("aria-pressed", open ? "true" : "false");
      button.textContent = open ? "Hide all code" : "Show all code";
    });
  });
})();
