// The officers' review pages. Forms marked data-autosubmit (the aggregation switches of the
// scores page) submit as soon as a switch changes; their submit button stays for keyboards
// and for browsers without script. The swap check needs no code here: htmx posts it.
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function () {
      form.requestSubmit();
    });
  });
})();
