// Charts for the officers' and auditors' pages, drawn by Chart.js from data the server wrote
// into the page as JSON (a <script type="application/json">, which the CSP lets through because
// it is never run). Every chart sits beside a table of the same figures: the table is what a
// screen reader reads and what a test asserts; the chart is for the eye.
"use strict";

function drawCharts(root) {
  if (typeof Chart === "undefined") return;
  for (const canvas of root.querySelectorAll("canvas[data-chart]")) {
    if (canvas.dataset.drawn) continue;
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) continue;
    const config = JSON.parse(source.textContent);
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    new Chart(canvas, config);
    canvas.dataset.drawn = "1";
  }
}

document.addEventListener("DOMContentLoaded", () => drawCharts(document));
// A fragment htmx swapped in may bring charts of its own.
document.addEventListener("htmx:afterSettle", (event) => drawCharts(event.target));
