// Shared helpers: JSON API calls, a self-healing WebSocket, ids, times and safe DOM building.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

/**
 * Call the kefu API. ``auth`` is {token} for visitors (Bearer) or {csrf} for agents (cookie + header).
 * ``body`` is sent as JSON unless it is FormData. Resolves to the parsed JSON; rejects with ApiError.
 */
export async function api(method, path, { body, auth = {} } = {}) {
  const headers = { Accept: "application/json" };
  if (auth.token) headers.Authorization = `Bearer ${auth.token}`;
  if (auth.csrf && method !== "GET") headers["X-CSRF-Token"] = auth.csrf;
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  } catch (err) {
    throw new ApiError(0, "network", String(err));
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw new ApiError(response.status, error.code || "http_error", error.message || response.statusText);
  }
  return data;
}

/** Resolve once ``isEmpty()`` holds (checked every 50 ms), or after ``timeoutMs`` regardless. */
export function waitUntil(isEmpty, timeoutMs = 15000) {
  return new Promise((resolve) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      if (isEmpty() || Date.now() > deadline) resolve();
      else setTimeout(check, 50);
    };
    check();
  });
}

/** A random id usable as client_msg_id (letters, digits and dashes). */
export function newId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A WebSocket that reconnects by itself (exponential backoff capped at 5 s, immediately when the
 * browser comes back online) and notices dead connections with pings.
 * handlers: {open(), frame(data), state(connected: boolean)}.
 */
export class Socket {
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.pingTimer = null;
    this.lastSeen = 0;
    this.stopped = false;
    window.addEventListener("online", () => this.reconnectNow());
    window.addEventListener("offline", () => this.drop());
  }

  get connected() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN && this.ready;
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.ready = false;
    const url = typeof this.url === "function" ? this.url() : this.url;
    let ws;
    try {
      ws = new WebSocket(url);
    } catch {
      this.schedule();
      return;
    }
    this.ws = ws;
    ws.onmessage = (event) => {
      if (ws !== this.ws) return;
      this.lastSeen = Date.now();
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (data.type === "hello") {
        this.attempt = 0;
        this.ready = true;
        this.handlers.state?.(true);
        this.handlers.open?.(data);
        return;
      }
      if (data.type === "pong") return;
      this.handlers.frame?.(data);
    };
    ws.onclose = () => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.ready = false;
      this.handlers.state?.(false);
      this.schedule();
    };
    ws.onerror = () => {};
    clearInterval(this.pingTimer);
    this.lastSeen = Date.now();
    this.pingTimer = setInterval(() => this.heartbeat(), 10000);
  }

  heartbeat() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastSeen > 25000) {
      this.drop();
      return;
    }
    this.send({ type: "ping" });
  }

  schedule() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const delay = Math.min(5000, 300 * 2 ** this.attempt) * (0.8 + Math.random() * 0.4);
    this.attempt += 1;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /** Close the current connection (it will reconnect with backoff). */
  drop() {
    const ws = this.ws;
    if (!ws) return;
    this.ws = null;
    this.ready = false;
    try {
      ws.close();
    } catch {
      /* already closed */
    }
    this.handlers.state?.(false);
    this.schedule();
  }

  reconnectNow() {
    if (this.connected) return;
    this.attempt = 0;
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      try {
        ws.close();
      } catch {
        /* ignore */
      }
    }
    this.connect();
  }

  /** Send a frame; false if not connected (the caller keeps it for later). */
  send(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || !this.ready) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.pingTimer);
    if (this.ws) this.ws.close();
  }
}

export function wsUrl(token) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const query = token ? `?token=${encodeURIComponent(token)}` : "";
  return `${scheme}//${window.location.host}/ws${query}`;
}

/** Build an element: el("div", {class: "x", dataset: {a: 1}}, "text", child). Text goes in as text nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "14:05" today, "03-02 14:05" otherwise (locale-neutral digits). */
export function shortTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const hm = `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
  if (sameDay(date, new Date())) return hm;
  return `${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")} ${hm}`;
}

export function fullTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function humanSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A message to show for an ApiError or WS error code (known codes translated, ``{message}`` filled in). */
export function errorText(t, code, message) {
  const key = `err.${code}`;
  const text = t(key, { message: message || code });
  return text === key ? t("err.generic", { message: message || code }) : text;
}
