/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // Progress of a Celery job: poll its status URL until it is finished.
  function watchJob(el) {
    var url = el.getAttribute("data-job-url");
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          el.setAttribute("data-status", job.status);
          el.querySelector(".progress-bar").style.width = job.percent + "%";
          el.querySelector(".progress").setAttribute("aria-valuenow", job.percent);
          el.querySelector(".job-status").textContent = job.status_label;
          el.querySelector(".job-count").textContent = job.done + " / " + job.total;
          el.querySelector(".job-message").textContent = job.message || "";
          var link = el.querySelector(".job-download");
          if (link && job.download_url) { link.href = job.download_url; link.hidden = false; }
          if (!job.finished) { setTimeout(tick, 1000); }
          else { el.dispatchEvent(new CustomEvent("job:finished", { bubbles: true, detail: job })); }
        })
        .catch(function () { setTimeout(tick, 3000); });
    }
    tick();
  }
  document.querySelectorAll("[data-job-url]").forEach(watchJob);
  window.portalWatchJob = watchJob;

  // Menus: one open at a time; Escape or a click elsewhere closes it.
  var menus = document.querySelectorAll(".mainnav details");
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open) { menus.forEach(function (other) { if (other !== menu) { other.open = false; } }); }
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) { if (!menu.contains(event.target)) { menu.open = false; } });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      menus.forEach(function (menu) {
        if (menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
      });
    }
  });
  menus.forEach(function (menu) {
    var summary = menu.querySelector("summary");
    // Tabbing out of an open menu closes it, so it never covers what has the focus next. (A pointer that leaves
    // focus nowhere, relatedTarget null, is left to the click handler: some browsers do not focus a clicked link.)
    menu.addEventListener("focusout", function (event) {
      if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) { menu.open = false; }
    });
    // Arrow keys: down on the group opens it at its first entry; up and down move between its entries.
    menu.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") { return; }
      var links = Array.prototype.slice.call(menu.querySelectorAll(".submenu a"));
      var at = links.indexOf(document.activeElement);
      if (document.activeElement === summary) {
        if (event.key !== "ArrowDown") { return; }
        menu.open = true;
        at = -1;
      } else if (at < 0) {
        return;
      }
      event.preventDefault();
      var next = event.key === "ArrowDown" ? at + 1 : at - 1;
      if (next < 0) { summary.focus(); } else if (next < links.length) { links[next].focus(); }
    });
  });

  // Bars and meters carry their size as data (the Content-Security-Policy refuses inline style attributes).
  document.querySelectorAll("[data-width]").forEach(function (el) {
    el.style.width = el.getAttribute("data-width") + "%";
  });
  document.querySelectorAll("[data-pct]").forEach(function (el) {
    el.style.setProperty("--pct", el.getAttribute("data-pct"));
  });

  // "Back" on an error page (a javascript: link would be refused by the Content-Security-Policy).
  document.querySelectorAll("a[data-history-back]").forEach(function (link) {
    link.addEventListener("click", function (e) {
      if (window.history.length > 1) { e.preventDefault(); window.history.back(); }
    });
  });

  // Ask before a destructive action.
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });

  // A submit button is disabled after the first click, so a double click never posts twice.
  document.addEventListener("submit", function (e) {
    if (e.defaultPrevented) { return; }
    var form = e.target;
    if ((form.method || "").toLowerCase() !== "post" || form.hasAttribute("data-allow-repeat")) { return; }
    setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });

  // A button with data-print prints the page (no inline script: the Content-Security-Policy forbids it).
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) { window.print(); }
  });
})();
