// CoFund's page helpers: no inline scripts (the Content-Security-Policy forbids them), so every
// page behaviour lives here, found by data attributes.
"use strict";

// htmx requests carry the session's CSRF token, like the forms.
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers["X-CSRF-Token"] = meta.content;
});
