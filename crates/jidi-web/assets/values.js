// jidi collection form: as the user types, the values are checked by the server
// (POST /api/v1/values/check, the same checks as a submission, nothing written) and each finding
// is shown beside its field: errors in red, warnings in amber with a required explanation
// (情况说明). The server checks everything again on submit; this is only a guide.
(function () {
  "use strict";
  var form = document.getElementById("values-form");
  if (!form) return;
  window.__jidiErrors = window.__jidiErrors || [];
  var base = Number(form.getAttribute("data-base"));
  var period = form.getAttribute("data-period");
  var csrf = form.querySelector("input[name=_csrf]").value;
  var status = document.getElementById("check-status");
  var general = document.getElementById("findings-general");
  var timer = null;
  var sequence = 0;

  function collect() {
    var values = {};
    var inputs = form.querySelectorAll("input[data-field]");
    for (var i = 0; i < inputs.length; i++) {
      var v = inputs[i].value.trim();
      if (v !== "") values[inputs[i].getAttribute("data-field")] = v;
    }
    return values;
  }

  function finding(f) {
    var p = document.createElement("p");
    p.className = "finding " + f.severity;
    p.setAttribute("data-rule", f.rule);
    p.textContent = f.message;
    return p;
  }

  function show(findings) {
    var byField = {};
    var rows = form.querySelectorAll("tr[data-code]");
    var known = {};
    for (var i = 0; i < rows.length; i++) known[rows[i].getAttribute("data-code")] = true;
    general.textContent = "";
    findings.forEach(function (f) {
      if (f.indicator && known[f.indicator]) {
        (byField[f.indicator] = byField[f.indicator] || []).push(f);
      } else {
        general.appendChild(finding(f));
      }
    });
    var errors = 0, warnings = 0;
    for (var j = 0; j < rows.length; j++) {
      var tr = rows[j];
      var code = tr.getAttribute("data-code");
      var list = byField[code] || [];
      var box = tr.querySelector(".findings");
      box.textContent = "";
      var warned = false, failed = false;
      list.forEach(function (f) {
        box.appendChild(finding(f));
        if (f.severity === "warning") { warned = true; warnings++; }
        else { failed = true; errors++; }
      });
      var explanation = tr.querySelector("textarea.explanation");
      explanation.required = warned;
      explanation.hidden = !warned && explanation.value.trim() === "";
      tr.classList.toggle("has-error", failed);
      tr.classList.toggle("has-warning", warned);
    }
    status.textContent = errors || warnings
      ? (status.getAttribute("data-summary") || "{e} / {w}")
          .replace("{e}", errors).replace("{w}", warnings)
      : "";
    status.setAttribute("data-errors", errors);
    status.setAttribute("data-warnings", warnings);
  }

  function check() {
    var mine = ++sequence;
    fetch("/api/v1/values/check", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify({ base_id: base, period: period, values: collect() })
    }).then(function (res) {
      if (!res.ok) return null;
      return res.json();
    }).then(function (body) {
      if (body && mine === sequence) show(body.findings || []);
    }).catch(function (e) {
      window.__jidiErrors.push("values check: " + (e && e.message ? e.message : String(e)));
    });
  }

  form.addEventListener("input", function (ev) {
    if (!ev.target.matches || !ev.target.matches("input[data-field]")) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
  form.addEventListener("submit", function (ev) {
    // A draft keeps whatever was typed; only submitting needs the explanations.
    if (ev.submitter && ev.submitter.value === "draft") return;
    var areas = form.querySelectorAll("textarea.explanation");
    for (var i = 0; i < areas.length; i++) {
      if (areas[i].required && areas[i].value.trim() === "") {
        ev.preventDefault();
        areas[i].focus();
        return;
      }
    }
  });
})();
