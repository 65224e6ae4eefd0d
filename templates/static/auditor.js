// The auditors' pages. An inclusion proof ([data-proof]) is checked again in the browser with
// Web Crypto SHA-256 (RFC 9162): the leaf hash from the leaf (when shown), then each step
// (0x01 ‖ left ‖ right) against the hash the server says it makes, then the root. An export
// form ([data-export-form]) rewrites its download link as its fields change.
(function () {
  "use strict";

  function bytes(base64) {
    var text = window.atob(base64);
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i += 1) {
      out[i] = text.charCodeAt(i);
    }
    return out;
  }

  function base64(buffer) {
    var view = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < view.length; i += 1) {
      text += String.fromCharCode(view[i]);
    }
    return window.btoa(text);
  }

  function joined(prefix, parts) {
    var length = 1;
    parts.forEach(function (part) { length += part.length; });
    var out = new Uint8Array(length);
    out[0] = prefix;
    var at = 1;
    parts.forEach(function (part) { out.set(part, at); at += part.length; });
    return out;
  }

  function sha256(data) {
    return window.crypto.subtle.digest("SHA-256", data).then(function (digest) {
      return new Uint8Array(digest);
    });
  }

  async function check(section) {
    var said = section.dataset;
    var verdict = section.querySelector("[data-browser-verdict]");
    if (!window.crypto || !window.crypto.subtle) {
      verdict.textContent = said.saidUnavailable;
      return;
    }
    var ok = true;
    var current = bytes(said.leafHash);
    if (said.leaf !== undefined) {
      var leaf = await sha256(joined(0, [new TextEncoder().encode(said.leaf)]));
      ok = base64(leaf) === said.leafHash;
    }
    var rows = section.querySelectorAll("tr[data-step]");
    for (var i = 0; i < rows.length; i += 1) {
      var row = rows[i];
      var sibling = bytes(row.dataset.sibling);
      var pair = row.dataset.side === "left" ? [sibling, current] : [current, sibling];
      current = await sha256(joined(1, pair));
      var same = base64(current) === row.dataset.made;
      ok = ok && same;
      row.querySelector("[data-step-check]").textContent = same ? said.saidStepOk : said.saidStepBad;
    }
    ok = ok && base64(current) === said.root;
    verdict.textContent = ok ? said.saidOk : said.saidBad;
    verdict.classList.add(ok ? "ok" : "bad");
    section.dataset.browserChecked = ok ? "ok" : "bad";
  }

  function checkAll(root) {
    root.querySelectorAll("[data-proof]:not([data-browser-checked])").forEach(function (section) {
      section.dataset.browserChecked = "pending";
      check(section);
    });
  }

  function exportLink(form) {
    var link = form.querySelector("[data-export-link]");
    var data = new FormData(form);
    var params = new URLSearchParams();
    ["call", "agency", "since", "until"].forEach(function (name) {
      var value = String(data.get(name) || "").trim();
      if (value) {
        params.set(name, value);
      }
    });
    if (data.get("excel")) {
      params.set("excel", "1");
    }
    var query = params.toString();
    var href = form.getAttribute("data-export-base") + data.get("dataset") + "." + data.get("format") + (query ? "?" + query : "");
    link.setAttribute("href", href);
    link.querySelector("code").textContent = href;
  }

  function wireExports() {
    document.querySelectorAll("[data-export-form]").forEach(function (form) {
      form.addEventListener("input", function () { exportLink(form); });
      form.addEventListener("change", function () { exportLink(form); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    checkAll(document);
    wireExports();
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    checkAll(event.target);
  });
})();
