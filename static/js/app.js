// Small progressive enhancements; the pages work without JavaScript.
// Loaded as a file (the Content Security Policy allows no inline scripts).
(function () {
  "use strict";

  // <select data-autosubmit>: submit its form on change (the language switch).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });

  // <select data-search="Search regions">: a search box before it that keeps only the options
  // (and groups) whose text holds what is typed; the first match is selected.
  document.querySelectorAll("select[data-search]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-search";
    box.placeholder = select.dataset.search;
    box.setAttribute("aria-label", select.dataset.search);
    box.setAttribute("aria-controls", select.id);
    box.dataset.searchFor = select.name;
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase();
      var first = null;
      select.querySelectorAll("optgroup").forEach(function (group) {
        var groupHits = group.label.toLowerCase().indexOf(words) !== -1;
        var shown = 0;
        group.querySelectorAll("option").forEach(function (option) {
          var hit = !words || groupHits || option.textContent.toLowerCase().indexOf(words) !== -1;
          option.hidden = !hit;
          if (hit) {
            shown += 1;
            if (!first && words) first = option;
          }
        });
        group.hidden = shown === 0;
      });
      if (first) select.value = first.value;
    });
  });

  // <time data-countdown datetime="ISO">: live "2 d 03:04:05" until that moment.
  function pad(n) {
    return String(n).padStart(2, "0");
  }
  var countdowns = document.querySelectorAll("[data-countdown]");
  function tick() {
    countdowns.forEach(function (el) {
      var end = Date.parse(el.getAttribute("datetime") || el.dataset.countdown);
      if (isNaN(end)) return;
      var left = Math.max(0, Math.floor((end - Date.now()) / 1000));
      var days = Math.floor(left / 86400);
      var rest = left % 86400;
      var text = pad(Math.floor(rest / 3600)) + ":" + pad(Math.floor((rest % 3600) / 60)) + ":" + pad(rest % 60);
      el.textContent = (days ? days + " d " : "") + text;
      if (left === 0 && el.dataset.reloadWhenDone !== undefined && !el.dataset.reloaded) {
        el.dataset.reloaded = "1";
        window.setTimeout(function () { window.location.reload(); }, 3000);
      }
    });
  }
  if (countdowns.length) {
    tick();
    window.setInterval(tick, 1000);
  }
})();
