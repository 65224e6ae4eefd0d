// The grant page's timeline: each bar carries its place on the project's days as data
// attributes (percentages the server computed); the CSP allows no inline style, so the bars
// are placed here through the CSSOM.
(function () {
  "use strict";

  function place(root) {
    root.querySelectorAll(".timeline .bar[data-offset]").forEach(function (bar) {
      bar.style.left = bar.dataset.offset + "%";
      bar.style.width = bar.dataset.width + "%";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    place(document);
  });
})();
