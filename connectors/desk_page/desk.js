// Operator desk (connectors/desk.py). Everything shown comes from residents or operators: it is put on the page
// with textContent only, never parsed as HTML.
"use strict";

(function () {
  const BASE = window.location.pathname.replace(/[^/]*$/, "");
  const REFRESH_MS = 4000;
  const TOKEN_KEY = "desk.token";
  const OPERATOR_KEY = "desk.operator";

  const STATUS = { open: "ждёт", taken: "в работе", closed: "закрыто" };
  const SPEAKER = { resident: "Житель", bot: "Бот", operator: "Оператор" };
  const REASON = { resident_asked: "житель попросил оператора", bot_stuck: "бот не справился" };
  const ERRORS = {
    unauthorized: "Неверный токен.",
    desk_disabled: "Пульт выключен: на сервере не задан OPERATOR_TOKEN.",
    not_ready: "Ассистент ещё запускается, попробуйте через минуту.",
    not_found: "Обращение не найдено.",
    taken: "Обращение уже взял другой оператор.",
    not_yours: "Обращение ведёт другой оператор.",
    open: "Сначала возьмите обращение.",
    closed: "Обращение уже закрыто.",
    text_required: "Напишите текст ответа.",
    text_too_long: "Ответ длиннее 4000 символов.",
    operator_required: "Укажите своё имя.",
    bad_operator: "Имя оператора — не длиннее 64 символов.",
    internal: "Ошибка сервера, подробности в журнале.",
    network: "Сервер недоступен.",
  };

  const $ = (id) => document.getElementById(id);
  const state = { requests: [], selected: null, shown: "", timer: null };

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }
  function operator() { return sessionStorage.getItem(OPERATOR_KEY) || ""; }

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function timeText(iso) {
    if (!iso) return "";
    const moment = new Date(iso);
    return isNaN(moment.getTime()) ? String(iso) : moment.toLocaleString("ru-RU");
  }

  async function api(method, path, body) {
    let reply;
    try {
      reply = await fetch(BASE + path, {
        method: method,
        headers: Object.assign(
          { Authorization: "Bearer " + token() },
          body === undefined ? {} : { "Content-Type": "application/json" }
        ),
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
      });
    } catch (error) {
      throw { status: 0, code: "network" };
    }
    let data = {};
    try { data = await reply.json(); } catch (error) { data = {}; }
    if (!reply.ok) throw { status: reply.status, code: data.code, message: data.error };
    return data;
  }

  function errorText(problem) {
    return ERRORS[problem.code] || problem.message || "Ошибка " + problem.status + ".";
  }

  // ---- login ------------------------------------------------------------------------------------------------

  function showLogin(message) {
    stopRefresh();
    $("desk").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("operator-input").value = operator();
    $("token-input").value = "";
  }

  async function login(event) {
    event.preventDefault();
    const name = $("operator-input").value.trim();
    const secret = $("token-input").value.trim();
    if (!name || !secret) {
      $("login-error").textContent = "Укажите имя и токен.";
      return;
    }
    sessionStorage.setItem(OPERATOR_KEY, name);
    sessionStorage.setItem(TOKEN_KEY, secret);
    $("token-input").value = "";
    await start();
  }

  function logout() {
    sessionStorage.removeItem(TOKEN_KEY);
    state.selected = null;
    showLogin("");
  }

  async function start() {
    try {
      await refresh();
    } catch (problem) {
      sessionStorage.removeItem(TOKEN_KEY);
      showLogin(errorText(problem));
      return;
    }
    $("login").hidden = true;
    $("desk").hidden = false;
    $("operator-name").textContent = operator();
    stopRefresh();
    state.timer = window.setInterval(poll, REFRESH_MS);
  }

  function stopRefresh() {
    if (state.timer !== null) window.clearInterval(state.timer);
    state.timer = null;
  }

  async function poll() {
    try {
      await refresh();
      $("status").textContent = "";
    } catch (problem) {
      if (problem.status === 401 || (problem.status === 503 && problem.code === "desk_disabled")) {
        sessionStorage.removeItem(TOKEN_KEY);
        showLogin(errorText(problem));
      } else {
        $("status").textContent = errorText(problem);
      }
    }
  }

  // ---- queue ------------------------------------------------------------------------------------------------

  async function refresh() {
    const data = await api("GET", "api/requests");
    state.requests = Array.isArray(data.requests) ? data.requests : [];
    renderQueue();
    renderRequest();
  }

  function current() {
    return state.requests.find((request) => request.id === state.selected) || null;
  }

  function lastResidentText(request) {
    const lines = (request.messages || []).concat([]).reverse();
    const line = lines.find((item) => item.speaker === "resident");
    return line ? line.text : "";
  }

  function renderQueue() {
    const list = $("queue");
    list.replaceChildren();
    $("queue-empty").hidden = state.requests.length > 0;
    for (const request of state.requests) {
      const item = element("li");
      const button = element("button", null, "queue-item");
      button.type = "button";
      button.dataset.requestId = String(request.id);
      button.dataset.status = request.status;
      if (request.id === state.selected) button.classList.add("selected");
      const mine = request.status === "taken" && request.operator === operator();
      button.append(
        element("span", "№ " + request.id, "number"),
        element("span", mine ? "ваше" : STATUS[request.status] || request.status, "badge " + request.status),
        element("span", request.channel, "channel"),
        element("span", timeText(request.created_at), "time"),
        element("span", lastResidentText(request), "preview")
      );
      button.addEventListener("click", () => select(request.id));
      item.append(button);
      list.append(item);
    }
  }

  function select(id) {
    state.selected = id;
    state.shown = "";
    $("request-error").textContent = "";
    $("reply-text").value = "";
    renderQueue();
    renderRequest();
  }

  // ---- one request ------------------------------------------------------------------------------------------

  function renderMessages(list, lines) {
    list.replaceChildren();
    for (const line of lines || []) {
      const item = element("li", null, "message " + (line.speaker || ""));
      if (line.after_request) item.classList.add("after-request");
      const who = line.speaker === "operator" && line.operator
        ? "Оператор " + line.operator
        : SPEAKER[line.speaker] || line.speaker;
      item.append(element("span", who, "speaker"), element("time", timeText(line.time), "time"));
      item.append(element("p", line.text, "text"));
      list.append(item);
    }
    list.scrollTop = list.scrollHeight;
  }

  function info(list, label, value) {
    if (value === null || value === undefined || value === "") return;
    list.append(element("dt", label), element("dd", value));
  }

  function renderRequest() {
    const request = current();
    $("request").hidden = request === null;
    $("no-request").hidden = request !== null;
    if (request === null) {
      state.shown = "";
      return;
    }
    const mine = request.status === "taken" && request.operator === operator();
    $("take-button").disabled = request.status !== "open";
    $("close-button").disabled = !mine;
    $("reply-text").disabled = !mine;
    $("reply-button").disabled = !mine;
    const shown = JSON.stringify(request);
    if (shown === state.shown) return; // nothing new: keep the operator's scroll position and selection
    state.shown = shown;
    $("request-title").textContent = "Обращение № " + request.id;
    const details = $("request-info");
    details.replaceChildren();
    info(details, "Статус", STATUS[request.status] || request.status);
    info(details, "Оператор", request.operator);
    info(details, "Канал", request.channel);
    info(details, "Житель", request.resident_id === null ? "" : "№ " + request.resident_id);
    info(details, "Телефон", request.phone);
    info(details, "Разговор", request.conversation_id);
    info(details, "Причина", REASON[request.reason] || request.reason);
    info(details, "Создано", timeText(request.created_at));
    renderMessages($("transcript"), request.transcript);
    renderMessages($("messages"), (request.messages || []).filter((line) => line.after_request));
  }

  async function act(path, body, button) {
    const request = current();
    if (request === null) return;
    $("request-error").textContent = "";
    button.disabled = true;
    try {
      const result = await api(
        "POST", "api/requests/" + request.id + "/" + path, Object.assign({ operator: operator() }, body)
      );
      if (path === "reply") {
        $("reply-text").value = "";
        if (result.delivered === false) {
          $("request-error").textContent =
            "Ответ сохранён в разговоре, но канал жителя не принимает сообщений от оператора: доставить его сейчас не удалось.";
        }
      }
    } catch (problem) {
      if (problem.status === 401) {
        logout();
        $("login-error").textContent = errorText(problem);
        return;
      }
      $("request-error").textContent = errorText(problem);
    }
    try { await refresh(); } catch (problem) { $("status").textContent = errorText(problem); }
    if (path === "close") select(null);
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("login-form").addEventListener("submit", login);
    $("logout-button").addEventListener("click", logout);
    $("take-button").addEventListener("click", (event) => act("take", {}, event.currentTarget));
    $("close-button").addEventListener("click", (event) => act("close", {}, event.currentTarget));
    $("reply-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const text = $("reply-text").value.trim();
      if (!text) {
        $("request-error").textContent = ERRORS.text_required;
        return;
      }
      act("reply", { text: text }, $("reply-button"));
    });
    if (token() && operator()) start(); else showLogin("");
  });
})();
