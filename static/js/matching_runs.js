/* The matching runs page follows its runs live (progressive enhancement: without this file the
 * page still shows every run as it was when loaded).
 *
 * Every row of a run still queued or running carries data-run-live: the address of its row as
 * the server renders it (translated, with the real duration and counts). Every POLL_MS the rows
 * still live are fetched again (same origin, session cookie) and put in place; a finished run's
 * row has no data-run-live, so its polling stops by itself. The "Run full re-plan" button is
 * enabled again once no full run blocks it (the rows' data-run-busy).
 */
(function () {
  "use strict";

  var POLL_MS = 1500;
  var list = document.querySelector("[data-testid='matching-runs']");
  var button = document.querySelector("[data-run-start]");
  if (!list || !window.fetch) return;

  function liveRows() {
    return Array.prototype.slice.call(list.querySelectorAll("[data-run-live]"));
  }

  function replace(row, html) {
    var holder = document.createElement("ul");
    holder.innerHTML = html.trim();
    var fresh = holder.firstElementChild;
    if (!fresh) return;
    row.replaceWith(fresh);
    if (button && fresh.dataset.runBusy === "0") {
      button.disabled = false;
      button.removeAttribute("title");
    }
  }

  function refresh(row) {
    return fetch(row.dataset.runLive, {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
      cache: "no-store"
    })
      .then(function (response) {
        // signed out, no longer an administrator, or the run is gone: stop following this row
        if (response.status >= 400 && response.status < 500) row.removeAttribute("data-run-live");
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) { replace(row, html); })
      .catch(function () { /* a missed poll is retried at the next tick */ });
  }

  function tick() {
    var rows = liveRows();
    if (!rows.length) return;
    Promise.all(rows.map(refresh)).then(function () { window.setTimeout(tick, POLL_MS); });
  }

  if (liveRows().length) window.setTimeout(tick, POLL_MS);
})();
