/* Vorlesen (read aloud) in the chat: every message of the assistant gets a button that reads
   its visible text aloud with the browser's own speech synthesis. Only voices the browser
   marks as local (localService) are used, so the text never leaves this device; without a
   local German voice (or without speechSynthesis at all) none of this is shown.

   "Neue Nachrichten automatisch vorlesen" reads each new message of the assistant as it
   arrives. Until the person chooses in this tab (sessionStorage), it follows the page's
   register: on in Leichte Sprache, where listening helps most, off otherwise.

   chat.js knows nothing of this file: new messages are found by watching the log, and the
   register by watching the body's "easy" class (chat.js switches it without a reload). */
(function () {
  "use strict";

  var synth = window.speechSynthesis;
  var Utterance = window.SpeechSynthesisUtterance;
  var log = document.getElementById("log");
  var tools = document.getElementById("read-aloud");
  var autoSwitch = document.getElementById("read-aloud-auto");
  var textsElement = document.getElementById("page-texts");
  if (!synth || typeof synth.getVoices !== "function" || typeof synth.speak !== "function" ||
      typeof synth.cancel !== "function" || typeof Utterance !== "function" ||
      !log || !tools || !autoSwitch || !textsElement) {
    return;
  }

  var TEXTS = JSON.parse(textsElement.textContent);
  /* not "lwiw-chat:…": common.js removes those keys when the conversation changes */
  var STORAGE_KEY = "lwiw-read-aloud";
  var EXCERPT_WORDS = 6;
  var body = document.body;
  var voice = null;
  var choice = loadChoice();        /* "on", "off", or null while the person has not chosen */
  var pending = [];                 /* {button, utterance} not yet ended, in speaking order */

  function easy() { return body.classList.contains("easy"); }

  function t(key) { return TEXTS[easy() ? "easy" : "standard"][key]; }

  /* ---------------------------------------------------------------- the choice */

  function loadChoice() {
    try {
      var saved = window.sessionStorage.getItem(STORAGE_KEY);
      return saved === "on" || saved === "off" ? saved : null;
    } catch (error) {
      return null;
    }
  }

  function saveChoice(value) {
    choice = value;
    try { window.sessionStorage.setItem(STORAGE_KEY, value); }
    catch (error) { /* storage disabled: the choice holds for this page */ }
  }

  function autoRead() { return choice === null ? easy() : choice === "on"; }

  function showAuto() { autoSwitch.setAttribute("aria-pressed", autoRead() ? "true" : "false"); }

  /* ---------------------------------------------------------------- voices */

  function langOf(candidate) {
    return typeof candidate.lang === "string" ? candidate.lang.replace("_", "-").toLowerCase() : "";
  }

  /* A local German voice (de-DE first, the device's default among equals), or null. */
  function findVoice() {
    var voices;
    try { voices = synth.getVoices() || []; } catch (error) { voices = []; }
    var german = Array.prototype.filter.call(voices, function (candidate) {
      if (!candidate || candidate.localService !== true) { return false; }
      var lang = langOf(candidate);
      return lang === "de" || lang.indexOf("de-") === 0;
    });
    function first(test) {
      for (var i = 0; i < german.length; i++) { if (test(german[i])) { return german[i]; } }
      return null;
    }
    return first(function (v) { return langOf(v) === "de-de" && v["default"]; }) ||
      first(function (v) { return langOf(v) === "de-de"; }) ||
      first(function (v) { return v["default"]; }) ||
      german[0] || null;
  }

  /* ---------------------------------------------------------------- messages */

  /* What the person sees of a message: its text and its links, not the hidden "Assistent:"
     label and not this button. */
  function spokenText(item) {
    var parts = [];
    Array.prototype.forEach.call(item.querySelectorAll(".msg-text, .msg-links a"), function (part) {
      var words = part.textContent.replace(/\s+/g, " ").trim();
      if (words) { parts.push(words); }
    });
    return parts.reduce(function (all, part) {
      if (!all) { return part; }
      return all + (/[.!?:…]$/.test(all) ? " " : ". ") + part;
    }, "");
  }

  /* The start of a message, for the button's name: which message it reads. */
  function excerpt(item) {
    var paragraph = item.querySelector(".msg-text");
    var words = (paragraph ? paragraph.textContent : "").split(/\s+/).filter(Boolean);
    return words.slice(0, EXCERPT_WORDS).join(" ") + (words.length > EXCERPT_WORDS ? " …" : "");
  }

  function controlOf(item) { return item.querySelector(".read-aloud-button"); }

  function isSpeaking(button) { return button.classList.contains("is-speaking"); }

  function show(button, speaking) {
    button.classList.toggle("is-speaking", speaking);
    button.querySelector(".read-aloud-text").textContent =
      t(speaking ? "read_aloud_stop" : "read_aloud");
    button.setAttribute("aria-label", t(speaking ? "read_aloud_stop_label" : "read_aloud_label")
      .replace("{excerpt}", excerpt(button.parentNode)));
  }

  function addControl(item) {
    var existing = controlOf(item);
    if (existing) { return existing; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "read-aloud-button";
    var icon = document.createElement("span");
    icon.className = "read-aloud-icon";
    icon.setAttribute("aria-hidden", "true");
    var label = document.createElement("span");
    label.className = "read-aloud-text";
    button.appendChild(icon);
    button.appendChild(label);
    button.addEventListener("click", function () {
      var wasSpeaking = isSpeaking(button);
      stop();
      if (!wasSpeaking) {
        speak(item);
        show(button, true);
      }
    });
    item.appendChild(button);
    show(button, false);
    return button;
  }

  function removeControls() {
    Array.prototype.forEach.call(log.querySelectorAll(".read-aloud-button"), function (button) {
      if (document.activeElement === button) {
        var input = document.getElementById("message");
        if (input) { input.focus(); }
      }
      button.parentNode.removeChild(button);
    });
  }

  /* ---------------------------------------------------------------- speaking */

  function finish(entry) {
    var at = pending.indexOf(entry);
    if (at < 0) { return; }               /* stopped already */
    pending.splice(at, 1);
    var again = pending.some(function (other) { return other.button === entry.button; });
    if (!again) { show(entry.button, false); }
  }

  function speak(item) {
    var button = addControl(item);
    var utterance = new Utterance(spokenText(item));
    utterance.lang = "de-DE";
    utterance.voice = voice;             /* the local voice: never one that sends the text away */
    var entry = { button: button, utterance: utterance };
    /* the utterance stays referenced in `pending` until it ends: some browsers drop the
       events of an utterance nothing refers to */
    utterance.onstart = function () {
      if (pending.indexOf(entry) >= 0) { show(button, true); }
    };
    utterance.onend = function () { finish(entry); };
    utterance.onerror = function () { finish(entry); };
    pending.push(entry);
    synth.speak(utterance);
    if (synth.paused && typeof synth.resume === "function") { synth.resume(); }
  }

  function stop() {
    var stopped = pending;
    pending = [];
    synth.cancel();
    stopped.forEach(function (entry) {
      if (entry.button.parentNode) { show(entry.button, false); }
    });
  }

  /* ---------------------------------------------------------------- wiring */

  function updateVoice() {
    voice = findVoice();
    tools.hidden = !voice;
    if (voice) {
      Array.prototype.forEach.call(log.querySelectorAll(".msg-bot"), addControl);
    } else {
      stop();
      removeControls();
    }
  }

  new MutationObserver(function (records) {
    var added = [];
    var removed = false;
    records.forEach(function (record) {
      Array.prototype.forEach.call(record.addedNodes, function (node) {
        if (node.nodeType === 1 && node.classList.contains("msg-bot")) { added.push(node); }
      });
      removed = removed || record.removedNodes.length > 0;
    });
    if (removed && pending.some(function (entry) { return !log.contains(entry.button); })) {
      stop();                              /* the message being read is gone (chat cleared) */
    }
    added = added.filter(function (node) { return log.contains(node); });
    if (!voice || added.length === 0) { return; }
    added.forEach(addControl);
    if (autoRead()) {
      stop();                              /* the newest message wins */
      added.forEach(speak);
    }
  }).observe(log, { childList: true });

  new MutationObserver(function () {
    showAuto();
    Array.prototype.forEach.call(log.querySelectorAll(".read-aloud-button"), function (button) {
      show(button, isSpeaking(button));
    });
  }).observe(body, { attributes: true, attributeFilter: ["class"] });

  autoSwitch.addEventListener("click", function () {
    saveChoice(autoRead() ? "off" : "on");
    showAuto();
    if (!autoRead()) { stop(); }
  });

  /* Chrome and others load their voices after the page: they say so with voiceschanged */
  if (typeof synth.addEventListener === "function") {
    synth.addEventListener("voiceschanged", updateVoice);
  } else {
    synth.onvoiceschanged = updateVoice;
  }
  window.addEventListener("pagehide", function () { synth.cancel(); });

  showAuto();
  updateVoice();
})();
