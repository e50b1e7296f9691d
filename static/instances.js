// instances.js: keeps an instance page current while forkcast follows the instance (the page
// has data-status-url): polls the JSON status, updates state, IP, message and history, and
// reloads the page once following ends. Without scripts a <meta refresh> does the same.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-status-url"), delay = 2000, seen = -1;
  function show(field, value) {
    var el = box.querySelector('[data-field="' + field + '"]');
    if (el) el.textContent = value || "none";
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (s) {
        show("state", s.state); show("public_ip", s.public_ip); show("private_ip", s.private_ip);
        show("message", s.message);
        var list = document.getElementById("history");
        if (list && s.history.length !== seen) {
          seen = s.history.length;
          list.textContent = "";
          s.history.forEach(function (h) {
            var li = document.createElement("li"), b = document.createElement("strong");
            b.textContent = h.state || "note";
            li.append(h.at + " ", b, h.detail ? " \u00b7 " + h.detail : "");
            list.appendChild(li);
          });
        }
        if (!s.following) { window.location.reload(); return; }
        delay = 2000;
        setTimeout(poll, delay);
      })
      .catch(function () { delay = Math.min(delay * 2, 30000); setTimeout(poll, delay); });
  }
  setTimeout(poll, delay);
})();
