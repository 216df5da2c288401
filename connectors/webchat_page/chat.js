/*
 * The web chat widget of «Городской помощник» (served by connectors/webchat.py).
 *
 * - Talks to Rasa's socket.io channel on the same origin: `session_request {session_id: <signed token>}` on every
 *   (re)connect, the server answers `session_confirm <signed token>` (a new one if ours did not verify).
 * - Keeps the signed token and the transcript in localStorage, so a reload shows the conversation and goes on.
 * - Writes every text with textContent: bot or user text is never parsed as HTML.
 * - Buttons and quick replies become <button>s; a click sends the payload, shows the title as the resident's
 *   message and disables the buttons shown so far. Images become links (http/https only).
 */
(function () {
  "use strict";

  var TOKEN_KEY = "webchat.session";
  var TRANSCRIPT_KEY = "webchat.transcript";
  var MAX_ENTRIES = 200;
  var MAX_TEXT = 4000;

  var root = document.getElementById("chat");
  var log = document.getElementById("chat-log");
  var form = document.getElementById("chat-form");
  var input = document.getElementById("chat-input");
  var sendButton = document.getElementById("chat-send");
  var statusLine = document.getElementById("chat-status");

  var userEvent = root.dataset.userEvent || "user_uttered";
  var botEvent = root.dataset.botEvent || "bot_uttered";
  var socketPath = root.dataset.socketioPath || "/socket.io";

  var token = readStorage(TOKEN_KEY);
  var transcript = readTranscript();
  var ready = false;
  var socket = null;

  function readStorage(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  function writeStorage(key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, value);
      }
    } catch (error) {
      /* storage full or disabled: the chat still works, it just will not survive a reload */
    }
  }

  function readTranscript() {
    try {
      var entries = JSON.parse(readStorage(TRANSCRIPT_KEY) || "[]");
      return Array.isArray(entries) ? entries.filter(isEntry) : [];
    } catch (error) {
      return [];
    }
  }

  function isEntry(entry) {
    return entry !== null && typeof entry === "object" && (entry.from === "user" || entry.from === "bot");
  }

  function saveTranscript() {
    if (transcript.length > MAX_ENTRIES) {
      transcript = transcript.slice(transcript.length - MAX_ENTRIES);
    }
    writeStorage(TRANSCRIPT_KEY, JSON.stringify(transcript));
  }

  function asText(value) {
    return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
  }

  function safeUrl(value) {
    if (typeof value !== "string" || !value) {
      return null;
    }
    try {
      var url = new URL(value, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  /* One bot message as Rasa's socket.io output sends it → a transcript entry (or null if nothing to show). */
  function botEntry(data) {
    if (typeof data === "string") {
      data = { text: data };
    }
    if (data === null || typeof data !== "object") {
      return null;
    }
    var entry = { from: "bot", text: asText(data.text) };
    var choices = Array.isArray(data.buttons) ? data.buttons : Array.isArray(data.quick_replies) ? data.quick_replies : [];
    var buttons = choices
      .filter(function (choice) {
        return choice !== null && typeof choice === "object" && choice.title !== undefined;
      })
      .map(function (choice) {
        return { title: asText(choice.title), payload: asText(choice.payload !== undefined ? choice.payload : choice.title) };
      });
    if (buttons.length) {
      entry.buttons = buttons;
    }
    var attachment = data.attachment;
    var image = data.image;
    if (!image && attachment && typeof attachment === "object" && attachment.type === "image" && attachment.payload) {
      image = attachment.payload.src || attachment.payload.url;
    }
    var href = safeUrl(image);
    if (href) {
      entry.image = href;
    }
    return entry.text || entry.buttons || entry.image ? entry : null;
  }

  function render(entry) {
    var item = document.createElement("div");
    item.className = "chat__message chat__message--" + entry.from;
    var author = document.createElement("span");
    author.className = "visually-hidden";
    author.textContent = entry.from === "user" ? "Вы: " : "Помощник: ";
    item.appendChild(author);
    if (entry.text) {
      var text = document.createElement("p");
      text.className = "chat__text";
      text.textContent = entry.text;
      item.appendChild(text);
    }
    if (entry.image) {
      var link = document.createElement("a");
      link.className = "chat__link";
      link.href = entry.image;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.textContent = "Изображение: " + entry.image;
      item.appendChild(link);
    }
    if (entry.buttons) {
      var group = document.createElement("div");
      group.className = "chat__choices";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Варианты ответа");
      entry.buttons.forEach(function (choice) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "chat__choice";
        button.textContent = choice.title;
        button.disabled = Boolean(entry.closed);
        button.addEventListener("click", function () {
          choose(choice);
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    return item;
  }

  function show(entry) {
    transcript.push(entry);
    saveTranscript();
    log.appendChild(render(entry));
    log.scrollTop = log.scrollHeight;
  }

  function showAll() {
    log.textContent = "";
    transcript.forEach(function (entry) {
      log.appendChild(render(entry));
    });
    log.scrollTop = log.scrollHeight;
  }

  function showBotMessage(data) {
    var entry = botEntry(data);
    if (entry) {
      show(entry);
    }
  }

  function closeChoices() {
    transcript.forEach(function (entry) {
      if (entry.buttons) {
        entry.closed = true;
      }
    });
    saveTranscript();
    Array.prototype.forEach.call(log.querySelectorAll(".chat__choice"), function (button) {
      button.disabled = true;
    });
  }

  function setReady(isReady, status) {
    ready = isReady;
    input.disabled = !isReady;
    sendButton.disabled = !isReady;
    statusLine.textContent = status;
  }

  function send(message, shown) {
    if (!ready || !message || message.length > MAX_TEXT) {
      return false;
    }
    socket.emit(userEvent, { message: message });
    show({ from: "user", text: shown });
    return true;
  }

  function choose(choice) {
    if (send(choice.payload, choice.title)) {
      closeChoices();
      input.focus();
    }
  }

  function confirmSession(data) {
    var confirmed = typeof data === "string" ? data : data && typeof data === "object" ? data.session_id : null;
    if (typeof confirmed !== "string" || !confirmed) {
      return;
    }
    if (confirmed !== token) {
      /* The server started a new conversation: what we kept belonged to another session. */
      transcript = [];
      saveTranscript();
      showAll();
      token = confirmed;
      writeStorage(TOKEN_KEY, token);
    }
    setReady(true, "");
  }

  function connect() {
    if (typeof window.io !== "function") {
      setReady(false, "Не удалось загрузить чат. Обновите страницу позже.");
      return;
    }
    socket = window.io({ path: socketPath });
    socket.on("connect", function () {
      setReady(false, "Подключение…");
      socket.emit("session_request", { session_id: token });
    });
    socket.on("session_confirm", confirmSession);
    socket.on(botEvent, showBotMessage);
    socket.on("disconnect", function () {
      setReady(false, "Нет связи, переподключаюсь…");
    });
    socket.on("connect_error", function () {
      setReady(false, "Нет связи, переподключаюсь…");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var message = input.value.trim();
    if (message && send(message, message)) {
      input.value = "";
    }
    input.focus();
  });

  /* For tests and embedding pages: what a bot message looks like on this page. */
  window.cityChat = { showBotMessage: showBotMessage };

  showAll();
  connect();
})();
