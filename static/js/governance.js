/* Governance pages, progressive enhancement only: without this file every page still works.
 *
 * - [data-countdown]: counts down to an ISO time every second (the server-rendered closing
 *   time stays on the page); at zero it shows the element's data-closed text.
 * - [data-proposal-form]: shows the sections that apply to the chosen type of proposal,
 *   offers only the parameters that type may change, adds parameter rows, and under each row
 *   describes the chosen parameter (its description, allowed range, unit and value in force,
 *   from the page's <script type="application/json" id="parameters">).
 * - [data-vote-progress]: while a vote is open, fetches the turnout fragment again every
 *   [data-poll-seconds] (same origin, session cookie) and puts it in place; it stops once the
 *   fragment says the window has closed ([data-final]).
 */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function countdown(element) {
    var end = Date.parse(element.dataset.countdown);
    if (isNaN(end)) return;
    var timer;
    function tick() {
      var left = Math.floor((end - Date.now()) / 1000);
      if (left <= 0) {
        element.textContent = element.dataset.closed;
        element.classList.add("countdown-closed");
        clearInterval(timer);
        return;
      }
      var days = Math.floor(left / 86400), hours = Math.floor((left % 86400) / 3600);
      var minutes = Math.floor((left % 3600) / 60), seconds = left % 60;
      var clock = pad(hours) + ":" + pad(minutes) + ":" + pad(seconds);
      element.textContent = (days ? element.dataset.days.replace("%(days)s", days) + " " : "") + clock;
    }
    tick();
    timer = setInterval(tick, 1000);
  }

  function proposalForm(form) {
    var keys = document.getElementById(form.dataset.charterKeys);
    var charter = keys ? JSON.parse(keys.textContent) : [];
    var rows = form.querySelector("[data-change-rows]");
    var template = form.querySelector("template[data-change-row]");
    var total = form.querySelector("input[name$=-TOTAL_FORMS]");
    var maximum = form.querySelector("input[name$=-MAX_NUM_FORMS]");
    var add = form.querySelector("[data-add-change-row]");
    var fixedKind = form.dataset.fixedKind || "";
    var source = document.getElementById(form.dataset.parameters);
    var parameters = source ? JSON.parse(source.textContent) : {};

    function describe(select) {
      var row = select.closest("[data-testid=change-row]");
      var help = row ? row.querySelector("[data-parameter-help]") : null;
      if (!help) return;
      var rule = parameters[select.value];
      help.hidden = !rule;
      if (!rule) { help.textContent = ""; return; }
      var unit = rule.unit ? " " + rule.unit : "";
      help.textContent = rule.description + " " + help.dataset.rangeLabel + " " + rule.range + unit + ". " +
        help.dataset.valueLabel + " " + rule.value + unit + ".";
    }
    function watch(select) {
      select.addEventListener("change", function () { describe(select); });
      describe(select);
    }

    function kind() {
      if (fixedKind) return fixedKind;
      var checked = form.querySelector("input[name=kind]:checked");
      return checked ? checked.value : "";
    }
    function filterOptions(select) {
      var k = kind();
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var isCharter = charter.indexOf(option.value) !== -1;
        var allowed = k === "charter_change" ? isCharter : k === "rule_change" ? !isCharter : true;
        option.disabled = !allowed;
        option.hidden = !allowed;
        if (!allowed && option.selected) select.value = "";
      });
    }
    function update() {
      var k = kind();
      form.querySelectorAll("[data-show-for]").forEach(function (section) {
        section.hidden = k !== "" && section.dataset.showFor.split(" ").indexOf(k) === -1;
      });
      if (rows) rows.querySelectorAll("select").forEach(filterOptions);
    }
    if (rows) rows.querySelectorAll("select").forEach(watch);
    form.querySelectorAll("input[name=kind]").forEach(function (input) {
      input.addEventListener("change", update);
    });
    if (add && rows && template && total) {
      var wrapper = add.closest(".js-only");
      if (wrapper) wrapper.hidden = false;
      add.addEventListener("click", function () {
        var count = parseInt(total.value, 10);
        if (maximum && count >= parseInt(maximum.value, 10)) return;
        rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(count)));
        total.value = String(count + 1);
        var select = rows.lastElementChild.querySelector("select");
        filterOptions(select);
        watch(select);
        select.focus();
      });
    }
    update();
  }

  function voteProgress(element) {
    var seconds = parseInt(element.dataset.pollSeconds, 10) || 10;
    var timer;
    function poll() {
      fetch(element.dataset.progressUrl, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) return;
          var holder = document.createElement("div");
          holder.innerHTML = html;
          var fresh = holder.querySelector("[data-vote-progress-body]");
          var current = element.querySelector("[data-vote-progress-body]");
          if (fresh && current) current.replaceWith(fresh);
          if (fresh && fresh.hasAttribute("data-final")) clearInterval(timer);
        })
        .catch(function () { /* the figures stay as they were; the next poll tries again */ });
    }
    timer = setInterval(poll, seconds * 1000);
  }

  function start() {
    document.querySelectorAll("[data-countdown]").forEach(countdown);
    document.querySelectorAll("[data-vote-progress]").forEach(voteProgress);
    document.querySelectorAll("[data-proposal-form]").forEach(proposalForm);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
