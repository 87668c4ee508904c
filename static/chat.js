/* The chat page. Bot texts and the person's words are only ever set with textContent.
   The history of this conversation is kept in sessionStorage (this tab only), so that
   leaving the page (help, answers) and coming back loses nothing. */
(function () {
  "use strict";

  var body = document.body;
  var storageKey = "lwiw-chat:" + body.getAttribute("data-history-key");
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var TEXTS = JSON.parse(document.getElementById("page-texts").textContent);

  var log = document.getElementById("log");
  var choices = document.getElementById("choices");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var pauseButton = document.getElementById("pause");
  var errorText = document.getElementById("chat-error-text");
  var errorBox = document.getElementById("chat-error");
  var retryButton = document.getElementById("retry");
  var typing = document.getElementById("typing");
  var progress = document.getElementById("progress");
  var progressText = document.getElementById("progress-text");
  var progressSteps = document.getElementById("progress-steps");
  var codeBox = document.getElementById("code-box");
  var codeValue = document.getElementById("code-value");
  var switchForm = document.getElementById("easy-switch");
  var switchButton = switchForm.querySelector("button");

  /* The endpoints: the public chat's /api, or another base given on the form (the staff
     console proxies the same way for a conversation held together). */
  var api = form.getAttribute("data-api") || "/api";

  var easy = switchButton.getAttribute("aria-pressed") === "true";
  var busy = false;
  var retryAction = null;
  var state = loadState();

  function loadState() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(storageKey));
      if (saved && Array.isArray(saved.entries)) { return saved; }
    } catch (error) { /* no storage: start empty */ }
    return { entries: [], buttons: [], progress: null, code: null };
  }

  function saveState() {
    try { window.sessionStorage.setItem(storageKey, JSON.stringify(state)); }
    catch (error) { /* storage full or disabled: the chat still works */ }
  }

  function t(key) { return TEXTS[easy ? "easy" : "standard"][key]; }

  /* ---------------------------------------------------------------- rendering */

  function addLinks(item, links) {
    /* links come from the web app's whitelist: same-origin /meine-daten/ paths only */
    var list = document.createElement("ul");
    list.className = "msg-links";
    links.forEach(function (link) {
      if (typeof link.href !== "string" || link.href.indexOf("/meine-daten/") !== 0) { return; }
      var entry = document.createElement("li");
      var anchor = document.createElement("a");
      anchor.href = link.href;
      anchor.textContent = link.title;
      entry.appendChild(anchor);
      list.appendChild(entry);
    });
    item.appendChild(list);
  }

  function addMessage(who, text, links) {
    var item = document.createElement("div");
    item.className = "msg msg-" + who;
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.setAttribute("data-t", who === "you" ? "chat_you" : "chat_bot");
    label.textContent = t(who === "you" ? "chat_you" : "chat_bot") + " ";
    var paragraph = document.createElement("p");
    paragraph.className = "msg-text";
    paragraph.textContent = text;
    item.appendChild(label);
    item.appendChild(paragraph);
    if (links && links.length) { addLinks(item, links); }
    log.appendChild(item);
    return item;
  }

  function renderChoices(buttons) {
    while (choices.firstChild) { choices.removeChild(choices.firstChild); }
    buttons.forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button-choice";
      button.textContent = choice.title;
      button.addEventListener("click", function () {
        sendPayload(choice.payload, choice.title);
      });
      choices.appendChild(button);
    });
    choices.hidden = buttons.length === 0;
  }

  function renderProgress() {
    var value = state.progress;
    if (!value) { progress.hidden = true; return; }
    progressText.textContent = t("chat_progress")
      .replace("{current}", value.current).replace("{total}", value.total);
    while (progressSteps.firstChild) { progressSteps.removeChild(progressSteps.firstChild); }
    for (var i = 1; i <= value.total; i++) {
      var step = document.createElement("span");
      step.className = i <= value.current ? "step done" : "step";
      progressSteps.appendChild(step);
    }
    progress.hidden = false;
  }

  function renderCode() {
    codeBox.hidden = !state.code;
    codeValue.textContent = state.code || "";
  }

  function renderAll() {
    while (log.firstChild) { log.removeChild(log.firstChild); }
    state.entries.forEach(function (entry) { addMessage(entry.who, entry.text, entry.links); });
    renderChoices(state.buttons || []);
    renderProgress();
    renderCode();
  }

  /* Returns the first newly added message (to scroll to). */
  function applyTurns(turns) {
    var first = null;
    var buttons = null;
    var lastBot = null;
    turns.forEach(function (turn) {
      if (turn.user) {
        state.entries.push({ who: "you", text: turn.user });
        var mine = addMessage("you", turn.user);
        first = first || mine;
      }
      turn.messages.forEach(function (message) {
        var links = (message.custom && message.custom.links) || [];
        if (typeof message.text !== "string" && links.length && lastBot) {
          /* Rasa sends a custom payload as a message of its own: the links belong to the
             text just before it */
          lastBot.entry.links = links;
          addLinks(lastBot.element, links);
        }
        if (typeof message.text === "string") {
          var entry = { who: "bot", text: message.text, links: links };
          state.entries.push(entry);
          var added = addMessage("bot", message.text, links);
          lastBot = { entry: entry, element: added };
          first = first || added;
          buttons = message.buttons || [];
        } else if (message.buttons) {
          buttons = message.buttons;
        }
        if (message.custom && message.custom.progress) {
          state.progress = message.custom.progress;
        }
      });
    });
    if (buttons !== null) {
      state.buttons = buttons;
      renderChoices(buttons);
    }
    renderProgress();
    return first;
  }

  function setEasy(value) {
    easy = value;
    body.classList.toggle("easy", value);
    switchButton.setAttribute("aria-pressed", value ? "true" : "false");
    switchForm.querySelector('input[name="easy"]').value = value ? "0" : "1";
    Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (element) {
      var text = t(element.getAttribute("data-t"));
      if (!text) { return; }
      element.textContent = element.classList.contains("visually-hidden") &&
        element.parentNode.classList.contains("msg") ? text + " " : text;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-t-label]"), function (element) {
      element.setAttribute("aria-label", t(element.getAttribute("data-t-label")));
    });
    renderProgress();
  }

  function showError(message, retry) {
    errorText.textContent = message;
    errorBox.classList.add("is-visible");
    retryAction = retry || null;
    retryButton.hidden = !retry;
  }

  function clearError() {
    errorText.textContent = "";
    errorBox.classList.remove("is-visible");
    retryButton.hidden = true;
    retryAction = null;
  }

  function setBusy(value) {
    busy = value;
    typing.hidden = !value;
    log.setAttribute("aria-busy", value ? "true" : "false");
  }

  /* ---------------------------------------------------------------- talking */

  function post(url, payload) {
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  /* Sends one request; resolves to true when the bot answered. */
  function request(url, payload, again) {
    if (busy) { return Promise.resolve(false); }
    clearError();
    setBusy(true);
    return post(url, payload).then(function (result) {
      var data = result.data || {};
      if (data.cleared) {
        state = { entries: [], buttons: [], progress: null, code: null };
        renderAll();
      }
      var first = data.turns ? applyTurns(data.turns) : null;
      if (typeof data.easy === "boolean" && data.easy !== easy) { setEasy(data.easy); }
      if (data.resume_code) { state.code = data.resume_code; renderCode(); }
      saveState();
      if (first) { form.scrollIntoView({ block: "end" }); }
      if (!result.ok) {
        var retryable = [429, 502, 503, 504].indexOf(result.status) >= 0;
        showError(data.message || t("error_unavailable"), retryable ? again : null);
        return false;
      }
      return true;
    }, function () {
      showError(t("error_unavailable"), again);
      return false;
    }).then(function (answered) {
      setBusy(false);
      return answered;
    });
  }

  function start() {
    request(api + "/start", { history: state.entries.length > 0 }, start);
  }

  /* A message's own id, the same when it is sent again ("Erneut senden"): the web app
     then knows whether the assistant had received it and only the answer got lost. */
  function newId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  var pendingText = null;   /* the typed message still without an answer: text and id */

  function sendText(again) {
    var text = input.value;
    if (!text.trim()) {
      showError(t("error_empty"), null);
      input.focus();
      return;
    }
    var sentAgain = again === true && pendingText !== null && pendingText.text === text;
    if (!sentAgain) { pendingText = { text: text, id: newId() }; }
    var body = { text: text, id: pendingText.id, again: sentAgain };
    request(api + "/message", body, function () { sendText(true); }).then(function (answered) {
      if (answered) { input.value = ""; pendingText = null; }
      input.focus();
    });
  }

  function sendPayload(payload, label, id) {
    var messageId = id || newId();
    var again = function () { sendPayload(payload, label, messageId); };
    var body = { payload: payload, label: label, id: messageId, again: Boolean(id) };
    request(api + "/message", body, again).then(function (answered) {
      var next = choices.querySelector("button");
      if (answered && next && !choices.hidden) { next.focus(); } else { input.focus(); }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    sendText();
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendText();
    }
  });

  pauseButton.addEventListener("click", function () {
    sendPayload("/pause", t("chat_pause"));
  });

  retryButton.addEventListener("click", function () {
    if (retryAction) { retryAction(); }
  });

  switchForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var wanted = !easy;
    var again = function () { request(api + "/start", { history: true }, again); };
    setEasy(wanted);
    request(api + "/language", { easy: wanted }, again).then(function () {
      switchButton.focus();
    });
  });

  renderAll();
  start();
})();
