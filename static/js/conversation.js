/* The deal room's conversation, live (templates/dealroom/room.html): progressive enhancement
 * only, the page's form still posts without it.
 *
 * - listens to the room's server-sent events ([data-stream-url]); EventSource reconnects by
 *   itself when a stream ends (about every 25 s), sending the last id it saw (Last-Event-ID);
 * - appends each message once (by id), and marks it read while the page is visible;
 * - posts new messages through the API (same origin, session cookie, CSRF token) and shows
 *   the error the API names for the body.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-conversation]");
  if (!root) return;
  var list = root.querySelector("ol.messages");
  var form = root.querySelector("form.chat-form");
  var empty = root.querySelector("[data-empty]");
  var error = root.querySelector("[data-testid=message-error]");
  var me = root.dataset.me;
  var lastId = parseInt(root.dataset.lastId || "0", 10) || 0;
  var readTimer = null, readUpTo = 0;

  function csrf() {
    var input = form ? form.querySelector("input[name=csrfmiddlewaretoken]") : null;
    return input ? input.value : "";
  }

  function text(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function render(message) {
    var mine = message.author && String(message.author.id) === me;
    var item = text("li", "chat-message" + (mine ? " chat-mine" : "") + (message.from_administrator ? " chat-admin" : ""));
    item.id = "message-" + message.id;
    item.setAttribute("data-testid", "message");
    item.dataset.id = message.id;
    var meta = text("p", "chat-meta small");
    meta.appendChild(text("strong", "", message.author ? message.author.name : "—"));
    if (mine) { meta.appendChild(document.createTextNode(" ")); meta.appendChild(text("span", "badge badge-role", root.dataset.labelYou)); }
    if (message.enterprise) meta.appendChild(document.createTextNode(" · " + message.enterprise.name));
    if (message.from_administrator) { meta.appendChild(document.createTextNode(" ")); meta.appendChild(text("span", "badge badge-warning", root.dataset.labelAdmin)); }
    meta.appendChild(document.createTextNode(" · "));
    var time = text("time", "", new Date(message.created_at).toLocaleString(document.documentElement.lang || undefined));
    time.setAttribute("datetime", message.created_at);
    meta.appendChild(time);
    meta.appendChild(document.createTextNode(" · "));
    var language = text("span", "badge", message.language_name);
    language.title = root.dataset.labelWrittenIn;
    language.setAttribute("data-testid", "message-language");
    meta.appendChild(language);
    item.appendChild(meta);
    var body = text("p", "chat-body", message.body);
    body.setAttribute("lang", message.language);
    body.style.whiteSpace = "pre-wrap";
    item.appendChild(body);
    var attachments = message.attachments || [];
    if (attachments.length) {
      var files = text("ul", "chat-attachments small");
      files.setAttribute("data-testid", "message-attachments");
      attachments.forEach(function (attachment) {
        var entry = text("li");
        var link = text("a", "", attachment.name);
        link.href = root.dataset.documentUrl.replace(/\/0\/open\/$/, "/" + attachment.id + "/open/");
        link.setAttribute("data-testid", "attachment-" + attachment.id);
        entry.appendChild(link);
        entry.appendChild(document.createTextNode(" · " + (attachment.kind_label || attachment.kind)));
        files.appendChild(entry);
      });
      item.appendChild(files);
    }
    return item;
  }

  function append(message) {
    if (document.getElementById("message-" + message.id)) return;
    list.appendChild(render(message));
    if (empty) empty.hidden = true;
    list.scrollTop = list.scrollHeight;
    if (message.id > lastId) lastId = message.id;
    if (!(message.author && String(message.author.id) === me)) markRead(message.id);
  }

  function markRead(id) {
    readUpTo = Math.max(readUpTo, id);
    if (document.visibilityState !== "visible" || readTimer) return;
    readTimer = setTimeout(function () {
      readTimer = null;
      fetch(root.dataset.readUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json" },
        body: JSON.stringify({ up_to: readUpTo })
      }).catch(function () { /* read state catches up on the next visit */ });
    }, 500);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && readUpTo) markRead(readUpTo);
  });

  if (window.EventSource) {
    var source = new EventSource(root.dataset.streamUrl + "?after=" + lastId);
    source.addEventListener("message", function (event) {
      try { append(JSON.parse(event.data)); } catch (e) { /* a malformed event is skipped */ }
    });
    root.dataset.live = "connecting";
    source.addEventListener("open", function () { root.dataset.live = "open"; });
  }

  if (form && window.fetch) {
    form.addEventListener("submit", function (event) {
      var file = form.querySelector("input[type=file]");
      if (file && file.files && file.files.length) return; // a document: the page's own multipart post
      event.preventDefault();
      var body = form.querySelector("textarea[name=body]");
      var language = form.querySelector("select[name=language]");
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      fetch(root.dataset.postUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json" },
        body: JSON.stringify({ body: body.value, language: language ? language.value : undefined })
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (answer) {
        if (answer.ok) {
          error.hidden = true;
          error.textContent = "";
          body.value = "";
          append(answer.data);
        } else {
          var fields = (answer.data && answer.data.errors) || {};
          var detail = fields.body || fields.language || (answer.data && answer.data.detail);
          error.textContent = Array.isArray(detail) ? detail.join(" ") : (detail || root.dataset.labelFailed);
          error.hidden = false;
        }
      }).catch(function () {
        error.textContent = root.dataset.labelFailed;
        error.hidden = false;
      }).then(function () { button.disabled = false; body.focus(); });
    });
  }
})();
