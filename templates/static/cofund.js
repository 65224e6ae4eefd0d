// CoFund's page helpers: no inline scripts (the Content-Security-Policy forbids them), so every
// page behaviour lives here, found by data attributes.
"use strict";

// htmx requests carry the session's CSRF token, like the forms.
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers["X-CSRF-Token"] = meta.content;
});

// ORCID iD (ISO 7064 MOD 11-2) and ROR id (base32 + mod 97-10) check digits, as typed: the
// server checks the same (grants.common.codes); this only says so earlier.
function orcidValid(value) {
  const digits = value.trim().replace(/^https?:\/\/orcid\.org\//, "").replace(/-/g, "").toUpperCase();
  if (!/^\d{15}[\dX]$/.test(digits)) return false;
  let total = 0;
  for (const ch of digits.slice(0, 15)) total = (total + Number(ch)) * 2;
  const check = (12 - (total % 11)) % 11;
  return digits[15] === (check === 10 ? "X" : String(check));
}

function rorValid(value) {
  const text = value.trim().toLowerCase().replace(/^https:\/\/ror\.org\//, "");
  const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  if (!/^0[0-9a-hjkmnp-tv-z]{6}\d{2}$/.test(text)) return false;
  let number = 0n;
  for (const ch of text.slice(1, 7)) number = number * 32n + BigInt(alphabet.indexOf(ch));
  return BigInt(String(number) + text.slice(7)) % 97n === 1n;
}

const CHECKS = { orcid: orcidValid, ror: rorValid };

function checkField(input) {
  const valid = !input.value.trim() || CHECKS[input.dataset.check](input.value);
  const note = document.getElementById(`${input.id}-check`);
  input.setAttribute("aria-invalid", valid ? "false" : "true");
  if (note) note.hidden = valid;
}

function setUpChecks() {
  const wrong = document.body.dataset.checkWrong || "";
  for (const input of document.querySelectorAll("input[data-check]")) {
    const note = document.createElement("small");
    note.id = `${input.id}-check`;
    note.className = "field-error";
    note.hidden = true;
    note.textContent = input.dataset.checkMessage || wrong;
    input.insertAdjacentElement("afterend", note);
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    input.setAttribute("aria-describedby", [...described, note.id].join(" "));
    input.addEventListener("input", () => checkField(input));
    input.addEventListener("blur", () => checkField(input));
  }
}

// The budget table's totals against the caps are computed by the server as the researcher
// types (htmx: the form's hx-post to …/budget/totals swaps the table's footer in place).

// Time left until a deadline, in the page's language, updated each minute.
function setUpCountdowns() {
  const locale = document.documentElement.lang || "en";
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const cells = document.querySelectorAll(".countdown[data-deadline]");
  const update = () => {
    for (const cell of cells) {
      const minutes = Math.round((Date.parse(cell.dataset.deadline) - Date.now()) / 60000);
      const days = Math.trunc(minutes / 1440);
      const hours = Math.trunc((minutes % 1440) / 60);
      cell.textContent = Math.abs(days) >= 1
        ? `(${relative.format(days, "day")}${hours ? `, ${relative.format(hours, "hour").replace(/^\D*/, "")}` : ""})`
        : `(${relative.format(minutes >= 60 || minutes <= -60 ? hours : minutes, minutes >= 60 || minutes <= -60 ? "hour" : "minute")})`;
    }
  };
  if (cells.length) {
    update();
    setInterval(update, 60000);
  }
}

// A document's upload: streamed to the API (`POST /api/proposals/{id}/documents`) with a
// progress bar; the SHA-256 the server computed is shown when it is stored.
function setUpUploads() {
  const csrf = document.querySelector('meta[name="csrf-token"]');
  for (const form of document.querySelectorAll("form[data-upload]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const file = form.querySelector('input[type="file"]').files[0];
      const kind = form.querySelector('[name="kind"]').value;
      const bar = form.querySelector("progress");
      const status = form.querySelector("[data-upload-status]");
      if (!file) {
        status.textContent = form.dataset.noFile;
        return;
      }
      // Refused here when the browser can tell (size, type): nothing is sent. The server
      // checks the same and says why for anything else.
      let limits = {};
      try { limits = JSON.parse(form.dataset.kinds || "{}")[kind] || {}; } catch (e) { limits = {}; }
      if (limits.max && file.size > limits.max) {
        status.textContent = form.dataset.tooLarge.replace("{size}", limits.max.toLocaleString(document.documentElement.lang || "en"));
        return;
      }
      const types = limits.types || [];
      if (types.length && !types.includes(file.type)) {
        status.textContent = form.dataset.wrongType.replace("{types}", types.join(", "));
        return;
      }
      const request = new XMLHttpRequest();
      request.open("POST", `${form.dataset.upload}?kind=${encodeURIComponent(kind)}`);
      request.setRequestHeader("Content-Type", file.type || "application/octet-stream");
      request.setRequestHeader("X-Filename", encodeURIComponent(file.name));
      if (csrf) request.setRequestHeader("X-CSRF-Token", csrf.content);
      bar.hidden = false;
      bar.value = 0;
      request.upload.addEventListener("progress", (progress) => {
        if (progress.lengthComputable) bar.value = Math.round((progress.loaded / progress.total) * 100);
      });
      request.addEventListener("load", () => {
        let body = {};
        try { body = JSON.parse(request.responseText); } catch (e) { body = {}; }
        if (request.status >= 200 && request.status < 300) {
          bar.value = 100;
          const digest = form.querySelector("[data-upload-digest]");
          digest.textContent = body.sha256 || "";
          digest.closest("p").hidden = false;
          status.textContent = form.dataset.done;
        } else {
          const reasons = (body.errors || []).map((e) => e.reason).join(" ");
          status.textContent = `${body.detail || request.statusText} ${reasons}`.trim();
        }
      });
      request.addEventListener("error", () => { status.textContent = form.dataset.failed; });
      request.send(file);
    });
  }
}

// A form sent when the session had ended is not lost: every form's fields are kept in
// sessionStorage as it is sent; the sign-in page (reached with `next`) marks them to come back,
// and the page they were sent from fills them in again after sign-in, to send once more. Any
// other page load forgets them (the send went through). Tokens, passwords and files are never
// kept.
const UNSENT = "cofund:unsent";
const RESUME = "cofund:resume";
const NOT_KEPT = new Set(["csrf", "password"]);

function here() {
  return window.location.pathname + window.location.search;
}

function formKey(form) {
  return new URL(form.action, window.location.href).pathname;
}

function keepUnsent(form) {
  const fields = [];
  for (const field of form.elements) {
    if (!field.name || NOT_KEPT.has(field.name) || field.type === "file" || field.type === "password") continue;
    if ((field.type === "checkbox" || field.type === "radio") && !field.checked) continue;
    fields.push([field.name, field.value]);
  }
  try {
    sessionStorage.setItem(UNSENT, JSON.stringify({ page: here(), form: formKey(form), fields }));
  } catch (e) { /* storage full or refused: nothing kept */ }
}

function restoreUnsent() {
  let unsent = null;
  let resume = null;
  try {
    unsent = JSON.parse(sessionStorage.getItem(UNSENT) || "null");
    resume = JSON.parse(sessionStorage.getItem(RESUME) || "null");
  } catch (e) { /* unreadable: start afresh */ }
  const login = document.querySelector("form[data-login]");
  if (login) {
    if (unsent && login.dataset.next && login.dataset.next === unsent.page) {
      sessionStorage.setItem(RESUME, JSON.stringify({ page: unsent.page, note: login.dataset.restored }));
    }
    return;
  }
  sessionStorage.removeItem(UNSENT);
  sessionStorage.removeItem(RESUME);
  if (!unsent || !resume || resume.page !== here() || unsent.page !== here()) return;
  const form = [...document.querySelectorAll("form[method=post]")].find((f) => formKey(f) === unsent.form);
  if (!form) return;
  for (const [name, value] of unsent.fields) {
    const field = form.elements.namedItem(name);
    if (!field || name === "csrf") continue;
    if (field instanceof RadioNodeList) {
      for (const option of field) if (option.value === value) option.checked = true;
    } else if (field.type === "checkbox") {
      field.checked = field.value === value;
    } else {
      field.value = value;
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
  const note = document.createElement("p");
  note.className = "flash flash-info";
  note.setAttribute("role", "status");
  note.dataset.restoredNote = "";
  note.textContent = resume.note || "";
  form.insertAdjacentElement("beforebegin", note);
  const first = form.querySelector("input:not([type=hidden]), textarea, select");
  if (first) first.focus();
}

function setUpUnsent() {
  restoreUnsent();
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.method === "post" && !form.hasAttribute("data-login")
        && !form.hasAttribute("data-upload") && form.querySelector('input[name="csrf"]')) {
      keepUnsent(form);
    }
  }, true);
}

document.addEventListener("DOMContentLoaded", () => {
  setUpUnsent();
  setUpChecks();
  setUpCountdowns();
  setUpUploads();
});
