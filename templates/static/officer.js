// The call set-up form's row editors (rubric criteria, document kinds): "Add" copies the row's
// <template>, "Remove" takes a row out; the rows' fields are then numbered 0, 1, 2… again, so
// the server's messages (`rubric[1].weight`) land on the row the officer sees second.
(function () {
  "use strict";

  function renumber(body, prefix) {
    var pattern = new RegExp("^" + prefix + "-(\\d+|__i__)_");
    Array.prototype.forEach.call(body.querySelectorAll("tr[data-row]"), function (row, index) {
      Array.prototype.forEach.call(row.querySelectorAll("[name], [id]"), function (el) {
        ["name", "id"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value && pattern.test(value)) {
            el.setAttribute(attr, value.replace(pattern, prefix + "-" + index + "_"));
          }
        });
      });
    });
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) {
      var prefix = add.dataset.addRow;
      var template = document.getElementById(prefix + "-template");
      var body = document.querySelector('table[data-rows="' + prefix + '"] tbody');
      body.appendChild(template.content.cloneNode(true));
      renumber(body, prefix);
      var rows = body.querySelectorAll("tr[data-row]");
      var first = rows[rows.length - 1].querySelector("input");
      if (first) {
        first.focus();
      }
      return;
    }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      var table = remove.closest("table[data-rows]");
      remove.closest("tr[data-row]").remove();
      renumber(table.querySelector("tbody"), table.dataset.rows);
    }
  });
})();
