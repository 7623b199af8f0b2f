/* The application form: tabs, add/remove rows, autosave with live pre-check. Without it the form still works
   (all sections on one page, a "保存草稿" button that posts everything). */
(function () {
  "use strict";

  var app = document.getElementById("application-app");
  var form = document.getElementById("application-form");
  if (!app || !form) { return; }

  var autosaveUrl = app.getAttribute("data-autosave-url");
  var pageCsrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  // Signing in again (after the session expired) issues a new CSRF token: always send the current one.
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : pageCsrf;
  }
  var STORE = "peiyu-unsaved:" + autosaveUrl;
  var expired = false;  // the last save found the session expired: the sign-in link stays until one succeeds
  var saveState = document.getElementById("save-state");
  var DELAY = 800;
  var timers = {};
  var dirty = {};
  var inFlight = null;
  var queued = {};
  var rowMaps = {};

  app.classList.add("js-tabs");
  document.querySelectorAll(".add-row").forEach(function (b) { b.hidden = false; });

  function sectionOf(el) {
    var fs = el.closest("fieldset[data-section]");
    return fs ? fs.getAttribute("data-section") : null;
  }

  function fieldsetFor(key) { return form.querySelector('fieldset[data-section="' + key + '"]'); }

  function isBlank(el) { return (el.value || "").trim() === ""; }

  // The section's values as the server expects them; repeating rows are numbered 0..n-1 in page order and
  // blank rows are left out, and the map remembers which table row each posted index came from.
  function sectionData(key) {
    var fs = fieldsetFor(key);
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf());
    data.append("_section", key);
    fs.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (el) {
      if (el.closest("[data-rows]") || el.name === "_section") { return; }
      data.append(el.name, el.value);
    });
    fs.querySelectorAll("[data-rows]").forEach(function (block) {
      var prefix = block.getAttribute("data-rows");
      var map = [];
      block.querySelectorAll("tbody tr.row").forEach(function (tr) {
        var inputs = tr.querySelectorAll("[data-field]");
        var blank = Array.prototype.every.call(inputs, isBlank);
        if (blank) { return; }
        var index = map.length;
        map.push(tr);
        inputs.forEach(function (el) {
          data.append(prefix + "." + index + "." + el.getAttribute("data-field"), el.value);
        });
      });
      rowMaps[prefix] = map;
    });
    return data;
  }

  function slotFor(path) {
    var row = /^(.*)\.(\d+)\.(\w+)$/.exec(path);
    if (row && rowMaps[row[1]]) {
      var tr = rowMaps[row[1]][parseInt(row[2], 10)];
      var input = tr && tr.querySelector('[data-field="' + row[3] + '"]');
      return input ? input.closest(".cell") : null;
    }
    var el = form.querySelector('[name="' + path + '"]');
    if (el) { return el.closest(".field"); }
    var block = form.querySelector('[data-error-for="' + path + '"]');
    return block ? block.parentNode : null;
  }

  function clearErrors(key) {
    var fs = fieldsetFor(key);
    fs.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    fs.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    fs.querySelectorAll("p.error").forEach(function (p) { p.textContent = ""; p.hidden = true; });
  }

  function showErrors(sections, errors) {
    sections.forEach(clearErrors);
    Object.keys(errors).forEach(function (path) {
      if (sections.indexOf(path.split(".")[0]) < 0) { return; }
      var slot = slotFor(path);
      if (!slot) { return; }
      var p = slot.querySelector('[data-error-for="' + path + '"]') || slot.querySelector("p.error");
      if (slot.classList.contains("cell") || slot.classList.contains("field")) {
        slot.classList.add("has-error");
        var input = slot.querySelector("[data-field]");
        if (input) { input.setAttribute("aria-invalid", "true"); }
      }
      if (p) { p.textContent = errors[path]; p.hidden = false; }
    });
  }

  function showCounts(counts) {
    document.querySelectorAll("[data-count-for]").forEach(function (badge) {
      var n = counts[badge.getAttribute("data-count-for")] || 0;
      badge.textContent = n;
      badge.hidden = n === 0;
    });
  }

  function stamp(text, link) {
    if (!saveState) { return; }
    // Retrying every few seconds must not replace a link the person is about to click.
    if (link && saveState.querySelector("#relogin-link") && saveState.firstChild.nodeValue === text) { return; }
    saveState.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = link; a.id = "relogin-link";
      a.textContent = "重新登录";
      a.addEventListener("click", keepLocal);
      saveState.appendChild(document.createTextNode(" "));
      saveState.appendChild(a);
    }
  }

  // A local copy of everything typed and not yet saved, so nothing is lost when the session expires, the
  // network drops or the page is closed; it is put back when the form opens again, and dropped once saved.
  function keepLocal() {
    try {
      var values = {};
      form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (el) {
        if (el.name === "csrfmiddlewaretoken" || el.name === "_section" || el.name === "tab") { return; }
        if (el.type === "file" || el.readOnly) { return; }
        values[el.name] = el.value;
      });
      window.localStorage.setItem(STORE, JSON.stringify({ at: Date.now(), values: values }));
    } catch (e) { /* storage full or disabled: the server copy is all there is */ }
  }
  function dropLocal() {
    try { window.localStorage.removeItem(STORE); } catch (e) { /* nothing kept */ }
  }
  function anyDirty() { return Object.keys(dirty).some(function (k) { return dirty[k]; }); }

  function save(key) {
    clearTimeout(timers[key]);
    if (inFlight) { queued[key] = true; return inFlight; }
    dirty[key] = false;
    if (!expired) { stamp("正在保存…"); }
    inFlight = fetch(autosaveUrl, {
      method: "POST", body: sectionData(key), credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": csrf(), Accept: "application/json", "X-Page-Path": location.pathname + location.search }
    }).then(function (r) {
      if (r.status === 401 || r.status === 403 || r.type === "opaqueredirect") {
        return r.json().catch(function () { return {}; }).then(function (body) {
          return { ok: false, expired: true, body: body };
        });
      }
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (res.expired) {
        expired = true;
        dirty[key] = true;
        stamp(res.body.message || "登录已超时，请重新登录。您填写的内容已暂存在本机，重新登录后会自动保存，不会丢失。",
              res.body.login_url || "/login/");
        timers[key] = setTimeout(function () { save(key); }, 5000);
        return;
      }
      expired = false;
      if (!res.ok) { stamp(res.body.message || "保存失败，请稍后重试"); return; }
      var body = res.body;
      showErrors(body.sections, body.errors);
      showCounts(body.error_counts);
      document.getElementById("precheck-panel").innerHTML = body.precheck_html;
      var when = new Date(body.saved_at);
      var verdict = document.getElementById("precheck-verdict");
      stamp("草稿已自动保存 " + when.toLocaleTimeString("zh-CN", { hour12: false }) +
            (verdict ? "，实时预审：" + verdict.textContent.trim() : ""));
      app.setAttribute("data-saved-at", body.saved_at);
      if (!anyDirty() && !Object.keys(queued).length) { dropLocal(); }
    }).catch(function () {
      dirty[key] = true;
      stamp("网络异常，草稿尚未保存，将自动重试");
      timers[key] = setTimeout(function () { save(key); }, 5000);
    }).then(function () {
      inFlight = null;
      var next = Object.keys(queued);
      queued = {};
      next.forEach(save);
    });
    return inFlight;
  }

  function schedule(key) {
    if (!key) { return; }
    dirty[key] = true;
    keepLocal();
    // While signed out, the sign-in message (and its link, which the blur of a field must not pull away from under
    // the pointer) stays.
    if (!expired) { stamp("有未保存的修改…"); }
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () { save(key); }, DELAY);
  }

  // Conditional columns: shown in a table once any of its rows has the value they depend on.
  function revealColumns() {
    form.querySelectorAll("table.rows").forEach(function (table) {
      var needed = Array.prototype.some.call(table.querySelectorAll("thead [data-shown-when]"), function (th) {
        var rule = th.getAttribute("data-shown-when").split(":");
        return Array.prototype.some.call(table.querySelectorAll('tbody [data-field="' + rule[0] + '"]'),
          function (el) { return el.value === rule[1]; }) ||
          table.querySelector("tbody td[data-shown-when].has-error") !== null;
      });
      if (needed) { table.setAttribute("data-reveal", "1"); } else { table.removeAttribute("data-reveal"); }
    });
  }
  revealColumns();
  form.addEventListener("change", revealColumns);

  form.addEventListener("input", function (e) { schedule(sectionOf(e.target)); });
  form.addEventListener("change", function (e) { schedule(sectionOf(e.target)); });

  // A field's error message is part of its description, so a screen reader reads it with the field.
  function describe(slot) {
    var input = slot.querySelector("input[id], select[id], textarea[id]");
    var p = slot.querySelector("p.error");
    if (!input || !p) { return; }
    p.id = input.id + "-error";
    input.setAttribute("aria-describedby", p.id);
  }
  form.querySelectorAll(".field, td.cell").forEach(describe);

  function renumber(block) {
    var prefix = block.getAttribute("data-rows");
    block.querySelectorAll("tbody tr.row").forEach(function (tr, i) {
      tr.querySelectorAll("[data-field]").forEach(function (el) {
        el.name = prefix + "." + i + "." + el.getAttribute("data-field");
        el.id = "f-" + el.name.replace(/\./g, "-");
        describe(el.closest("td.cell") || el.parentNode);
      });
    });
  }

  form.addEventListener("click", function (e) {
    var add = e.target.closest(".add-row");
    var remove = e.target.closest(".remove-row");
    if (add) {
      var block = add.closest("[data-rows]");
      var tpl = block.querySelector("template");
      block.querySelector("tbody").appendChild(tpl.content.cloneNode(true));
      renumber(block);
      var rows = block.querySelectorAll("tbody tr.row");
      var first = rows[rows.length - 1].querySelector("[data-field]");
      if (first) { first.focus(); }
    } else if (remove) {
      var owner = remove.closest("[data-rows]");
      var key = sectionOf(remove);
      remove.closest("tr").remove();
      renumber(owner);
      save(key);
    }
  });

  // Tabs: one section at a time; leaving a section saves it at once.
  var current = app.getAttribute("data-active-tab") || "identity";
  function showTab(key) {
    if (current && current !== key && dirty[current]) { save(current); }
    current = key;
    document.querySelectorAll("[data-section], [data-tab-panel]").forEach(function (el) {
      var owner = el.getAttribute("data-tab-panel") || el.getAttribute("data-section");
      el.classList.toggle("active", owner === key);
    });
    document.querySelectorAll(".tabs [data-tab]").forEach(function (a) {
      var on = a.getAttribute("data-tab") === key;
      a.classList.toggle("active", on);
      if (on) { a.setAttribute("aria-current", "true"); } else { a.removeAttribute("aria-current"); }
    });
    form.querySelector("input[name=tab]").value = key;
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "?tab=" + key);
    }
  }
  // The shown section takes the focus, so the next Tab reaches its first field rather than the other tabs.
  function focusSection(key) {
    var panel = document.querySelector('[data-section="' + key + '"], [data-tab-panel="' + key + '"]');
    if (!panel) { return; }
    panel.setAttribute("tabindex", "-1");
    panel.focus();
  }
  document.querySelectorAll(".tabs [data-tab]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      showTab(a.getAttribute("data-tab"));
      if (e.detail === 0) { focusSection(a.getAttribute("data-tab")); }  // Enter on the tab, not a pointer click
    });
  });
  showTab(current);
  // The summary of a refused submission links each place to its tab and field; it has the focus on arrival.
  document.querySelectorAll("[data-tab-link]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      var key = a.getAttribute("data-tab-link");
      showTab(key);
      var target = a.hash && document.getElementById(a.hash.slice(1));
      if (target) { target.focus(); } else { focusSection(key); }
    });
  });
  var summary = document.getElementById("submit-errors");
  if (summary) { summary.focus(); }

  // Leaving the page: send what is still unsaved without waiting for an answer.
  window.addEventListener("pagehide", function () {
    Object.keys(dirty).forEach(function (key) {
      if (dirty[key] && navigator.sendBeacon) { navigator.sendBeacon(autosaveUrl, sectionData(key)); dirty[key] = false; }
    });
  });

  // Resolves once nothing is unsaved and no save is under way (at most a few rounds if the network fails).
  function flush(rounds) {
    rounds = rounds === undefined ? 3 : rounds;
    Object.keys(dirty).forEach(function (k) { if (dirty[k]) { save(k); } });
    if (!inFlight || rounds <= 0) { return Promise.resolve(); }
    return inFlight.then(function () { return flush(rounds - 1); });
  }

  // Submitting first saves whatever is pending, so the server checks exactly what is on screen.
  var submitForm = document.getElementById("submit-form");
  if (submitForm) {
    submitForm.addEventListener("submit", function (e) {
      var pending = Object.keys(dirty).some(function (k) { return dirty[k]; });
      if (!pending && !inFlight) { return; }
      e.preventDefault();
      e.stopPropagation();
      var msg = submitForm.getAttribute("data-confirm");
      if (msg && !window.confirm(msg)) { return; }
      flush().then(function () { submitForm.submit(); });
    });
  }
  // "保存草稿" posts the whole form; keep a copy first in case the session has expired meanwhile.
  form.addEventListener("submit", keepLocal);

  // Put back what was typed and not saved (e.g. before the session expired), then save it.
  function restoreLocal() {
    var kept;
    try { kept = JSON.parse(window.localStorage.getItem(STORE) || "null"); } catch (e) { kept = null; }
    if (!kept || !kept.values) { return; }
    var changed = {};
    Object.keys(kept.values).forEach(function (name) {
      var el = form.querySelector('[name="' + name + '"]');
      var row = /^(.*)\.(\d+)\.(\w+)$/.exec(name);
      if (!el && row) {
        var block = form.querySelector('[data-rows="' + row[1] + '"]');
        var tpl = block && block.querySelector("template");
        while (block && tpl && block.querySelectorAll("tbody tr.row").length <= parseInt(row[2], 10)) {
          block.querySelector("tbody").appendChild(tpl.content.cloneNode(true));
          renumber(block);
        }
        el = form.querySelector('[name="' + name + '"]');
      }
      if (el && !el.readOnly && el.value !== kept.values[name]) {
        el.value = kept.values[name];
        var key = sectionOf(el);
        if (key) { changed[key] = true; }
      }
    });
    var keys = Object.keys(changed);
    if (!keys.length) { dropLocal(); return; }
    stamp("已恢复您上次尚未保存的内容，正在保存…");
    keys.forEach(function (key) { dirty[key] = true; save(key); });
  }
  restoreLocal();

  window.poolApplicationForm = { save: save, flush: flush, pending: function () { return !!inFlight; } };
})();
