// The review form saves its draft as the reviewer types (PUT to the review API with the
// session's CSRF token) and keeps every keystroke in localStorage until the server has it, so
// closing the tab loses nothing: an unsaved copy is put back and saved on the next visit.
(function () {
  "use strict";

  var done = document.getElementById("review-submitted");
  if (done) {
    window.localStorage.removeItem(done.dataset.storageKey);
  }
  var form = document.getElementById("review-form");
  if (!form) {
    return;
  }
  var key = form.dataset.storageKey;
  var status = document.getElementById("draft-status");
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var SKIP = { csrf: true, version: true, action: true };
  var DELAY_MS = 800;
  var timer = null;
  var inFlight = null;
  var again = false;

  function values() {
    var found = {};
    new FormData(form).forEach(function (value, name) {
      if (!SKIP[name]) {
        found[name] = String(value);
      }
    });
    return found;
  }

  function number(text) {
    return /^\d+$/.test(text) ? parseInt(text, 10) : text;
  }

  function body(typed) {
    var scores = {};
    Object.keys(typed).forEach(function (name) {
      if (name.indexOf("score.") === 0 && typed[name] !== "") {
        scores[name.slice(6)] = number(typed[name]);
      }
    });
    return {
      version: parseInt(form.elements.version.value, 10),
      scores: scores,
      comments_to_applicants: typed.comments_to_applicants || null,
      confidential_comments: typed.confidential_comments || null,
      recommendation: typed.recommendation || null,
      confidence: typed.confidence ? number(typed.confidence) : null,
    };
  }

  function keep(synced) {
    window.localStorage.setItem(key, JSON.stringify({ values: values(), synced: synced }));
  }

  function restore(typed) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || SKIP[field.name]) {
        return;
      }
      var value = typed[field.name];
      if (field.type === "radio" || field.type === "checkbox") {
        field.checked = value === field.value;
      } else if (value !== undefined) {
        field.value = value;
      }
    });
  }

  function say(text) {
    status.textContent = text;
  }

  function answered(response, problem) {
    if (response.ok) {
      form.elements.version.value = problem.version;
      keep(true);
      say(form.dataset.saved + " " + new Date().toLocaleTimeString(form.dataset.locale));
      // The submit button's verdict follows the saved draft (htmx redraws #submit-state).
      document.body.dispatchEvent(new CustomEvent("draft-saved"));
    } else if (/stale_version$/.test(problem.type || "")) {
      say(form.dataset.stale);
    } else {
      var why = (problem.errors || []).map(function (e) { return e.reason; });
      say([form.dataset.failed, problem.detail].concat(why).filter(Boolean).join(" "));
    }
  }

  function save() {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    say(form.dataset.saving);
    inFlight = fetch(form.dataset.api, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(body(values())),
    })
      .then(function (response) {
        return response.json().then(function (answer) { answered(response, answer); });
      })
      .catch(function () { say(form.dataset.failed); })
      .then(function () {
        inFlight = null;
        if (again) {
          again = false;
          return save();
        }
        return null;
      });
    return inFlight;
  }

  function typed() {
    keep(false);
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY_MS);
  }

  form.addEventListener("input", typed);
  form.addEventListener("change", typed);
  // A submit sends the version the last save answered: wait for a save under way.
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    if (inFlight) {
      event.preventDefault();
      var button = event.submitter;
      inFlight.then(function () { form.requestSubmit(button); });
    }
  });

  var stored = null;
  try {
    stored = JSON.parse(window.localStorage.getItem(key) || "null");
  } catch (ignored) {
    stored = null;
  }
  if (stored && !stored.synced) {
    restore(stored.values);
    say(form.dataset.restored);
    save();
  }
})();
