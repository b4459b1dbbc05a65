// The customer's chat window (/widget): resumes the visitor, shows history, sends over the WebSocket
// with an outbox that survives reconnects and reloads, and shows delivery and read state.

import { ApiError, Socket, api, errorText, newId, waitUntil, wsUrl } from "./api.js";
import { applyBrandColour } from "./brand_theme.js";
import { applyI18n, translator } from "./i18n.js";
import { Thread, saveBlob, showLightbox } from "./thread.js";
import { FlowWidget, dots } from "./widget_flow.js";
import { showPast } from "./widget_history.js";
import { LeaveMessage } from "./widget_leave.js";
import { keepEndInView } from "./widget_scroll.js";
import { MyTickets } from "./widget_tickets.js";

const TOKEN_KEY = "kefu_visitor_token";
const OUTBOX_KEY = "kefu_outbox";
const MAX_CHARS = 5000;

const body = document.body;
const t = translator(body.dataset.locale);
applyI18n(document, t);
applyBrandColour(body, body.dataset.brandColour);
if (body.dataset.brandName) document.getElementById("head-title").textContent = body.dataset.brandName;
if (body.dataset.brandReply) document.getElementById("head-sub").textContent = body.dataset.brandReply;

const $ = (id) => document.getElementById(id);
const scroller = $("scroller");
const messages = $("messages");
const input = $("input");
const form = $("composer");
const fileInput = $("file");
const typingEl = $("typing");
const endedEl = $("ended");
const errorEl = $("error");
const connEl = $("conn");
const queueEl = $("queue");
const stick = keepEndInView(scroller, messages); // the reader's place at the end (widget_scroll.js)

const embedded = window.parent !== window;
let shown = !embedded || new URLSearchParams(window.location.search).get("open") !== "0";
let token = null;
let customer = null;
let conv = null; // the open conversation, or null
let thread = null;
let ended = false;
let outbox = loadOutbox(); // [{cid, text, gen, pick}]
let queueText = ""; // the routing's latest "前面还有 2 位…" line for the open conversation
let queueInfo = null; // the latest queue status ({state, leave_message}) for the open conversation
let generation = 0;
let readSent = 0;
let lastTypingSent = 0;
let typingTimer = null;
let unseen = 0;
let convPromise = null;
let errorTimer = null;

const flowUi = new FlowWidget({ t, send: (text) => sendText(text) });
const secrets = new Map(); // cid → a secret being sent (kept out of the saved outbox)

const leave = new LeaveMessage({
  t,
  conv: () => (ended ? null : conv),
  queueInfo: () => queueInfo,
  customerName: () => (customer && customer.name) || "",
  token: () => token,
  showError: (text) => showError(text),
  onQueue: (info) => onQueue(info),
});

new MyTickets({ t, token: () => token }); // 我的工单 (header button → a panel over the chat)

function loadOutbox() {
  try {
    const saved = JSON.parse(window.localStorage.getItem(OUTBOX_KEY) || "[]");
    return Array.isArray(saved)
      ? saved
          .filter((e) => e && typeof e.cid === "string" && typeof e.text === "string")
          .map((e) => ({ cid: e.cid, text: e.text, gen: -1, pick: Number.isInteger(e.pick) ? e.pick : null }))
      : [];
  } catch {
    return [];
  }
}

function saveOutbox() {
  try {
    const kept = outbox.filter((e) => !secrets.has(e.cid));
    window.localStorage.setItem(OUTBOX_KEY, JSON.stringify(kept.map(({ cid, text, pick }) => ({ cid, text, pick }))));
  } catch {
    /* storage full or disabled: the outbox still works for this page */
  }
}

function dropFromOutbox(cid) {
  secrets.delete(cid);
  const before = outbox.length;
  outbox = outbox.filter((e) => e.cid !== cid);
  if (outbox.length !== before) saveOutbox();
}

function showError(text) {
  errorEl.textContent = text;
  errorEl.hidden = false;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => {
    errorEl.hidden = true;
  }, 5000);
}

// Whether the customer is reading the end of the thread. Measured before a new message is added (a
// tall message, say a bot's four-line answer, would otherwise push the end out of reach) and true while
// a scroll to the end is pending (several messages arriving in one frame all stick to the end).
let scrollPending = false;

function nearBottom() {
  return scrollPending || stick.atEnd || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
}

function scrollDown(force = false, wasNear = nearBottom()) {
  if (!(force || wasNear) || scrollPending) return;
  scrollPending = true;
  requestAnimationFrame(() => {
    scrollPending = false;
    scroller.scrollTo({ top: scroller.scrollHeight });
  });
}

async function fetchAttachment(att) {
  const response = await fetch(`/api/v1/attachments/${att.id}`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new ApiError(response.status, "attachment", response.statusText);
  return response.blob();
}

function newThread() {
  thread = new Thread(messages, {
    me: "customer",
    t,
    nameOf: (m) => (m.sender_kind === "customer" ? "" : m.sender_kind === "bot" ? t("widget.bot") : m.sender_name || t("widget.agent")),
    imageSrc: async (att) => URL.createObjectURL(await fetchAttachment(att)),
    openFile: async (att) => saveBlob(await fetchAttachment(att), att.filename),
    onImage: (src, name) => showLightbox(src, name),
    onRetry: (cid) => retry(cid),
    bot: {
      send: (text, entryId) => sendText(text, entryId),
      feedback: (message, helpful) =>
        api("POST", `/api/v1/conversations/${message.conversation_id}/feedback`, { body: { message_id: message.id, helpful }, auth: { token } }),
    },
  });
  readSent = 0;
  return thread;
}

// ---- conversation lifecycle -------------------------------------------------------------------

function setConversation(view) {
  conv = view;
  body.dataset.conversation = String(view.id);
  thread.convId = view.id;
  thread.setPeerRead(view.agent_read_seq || 0);
  renderStatus();
}

/** The header and the waiting line follow the conversation: 智能客服, waiting for a person, the agent. */
function renderStatus() {
  const status = conv && !ended ? conv.status : "";
  body.dataset.status = status || "none";
  let title = body.dataset.brandName || t("widget.title"); // the organisation's branding, if an admin set it
  let sub = body.dataset.brandReply || t("widget.subtitle");
  if (status === "bot") {
    title = t("widget.bot_title");
    sub = t("widget.bot_sub");
  } else if (status === "queued") {
    title = t("widget.queued_title");
    sub = t("widget.queued_sub");
  } else if (status === "assigned") {
    title = conv.assignee_name || t("widget.agent");
    sub = t("widget.agent_sub");
  }
  $("head-title").textContent = title;
  $("head-sub").textContent = sub;
  if (status !== "queued") {
    queueText = "";
    queueInfo = null;
  }
  const line = status === "queued" ? queueText || t("widget.queue_waiting") : "";
  $("queue-text").textContent = line;
  queueEl.hidden = !line;
  leave.render();
}

// ---- the waiting line ------------------------------------------------------------------------

function onQueue(info) {
  queueInfo = info;
  queueText = typeof info.text === "string" ? info.text : "";
  renderStatus();
}

async function loadQueue() {
  if (!conv || conv.status !== "queued") return;
  const id = conv.id;
  try {
    const data = await api("GET", `/api/v1/routing/conversations/${id}/queue`, { auth: { token } });
    if (conv && conv.id === id && conv.status === "queued" && data.queue && typeof data.queue.text === "string") {
      onQueue(data.queue);
    }
  } catch {
    /* the generic waiting line stays */
  }
}

/** Catch up with changes announced before this page knew the conversation (e.g. assigned at once). */
async function refreshConversation() {
  if (!conv) return;
  const id = conv.id;
  try {
    const data = await api("GET", `/api/v1/conversations/${id}`, { auth: { token } });
    if (!conv || conv.id !== id || ended) return;
    if (data.conversation.status === "closed") {
      endConversation();
      return;
    }
    conv = data.conversation;
    renderStatus();
    loadQueue();
  } catch {
    /* the socket's frames keep the status */
  }
}

function endConversation() {
  if (ended) return;
  ended = true;
  conv = null;
  convPromise = null;
  delete body.dataset.conversation;
  hideTyping();
  endedEl.hidden = false;
  body.classList.add("is-ended");
  renderStatus();
  scrollDown(true);
  if (outbox.length) startNewThread();
}

/** After an ended conversation: a fresh section; unsent messages move into it. */
function startNewThread() {
  const old = thread;
  newThread();
  ended = false;
  endedEl.hidden = true;
  leave.reset();
  body.classList.remove("is-ended");
  for (const entry of outbox) {
    old.discard(entry.cid);
    thread.addPending(entry.cid, entry.text);
    entry.gen = -1;
  }
}

async function ensureConversation() {
  if (conv) return conv;
  if (!convPromise) {
    convPromise = api("POST", "/api/v1/visitor/conversations", { body: { lang: body.dataset.locale }, auth: { token } })
      .then((data) => {
        setConversation(data.conversation);
        sock.send({ type: "subscribe", conversation_id: conv.id, after_seq: 0 });
        refreshConversation(); // frames sent before we knew the conversation's id were not shown
        return conv;
      })
      .finally(() => {
        convPromise = null;
      });
  }
  return convPromise;
}

// ---- sending ----------------------------------------------------------------------------------

async function flush() {
  if (!outbox.length || !sock.connected) return;
  try {
    await ensureConversation();
  } catch (err) {
    if (err instanceof ApiError && err.status !== 0) showError(errorText(t, err.code, err.message));
    return;
  }
  for (const entry of outbox) {
    if (entry.gen === generation) continue;
    const frame = { type: "send", conversation_id: conv.id, client_msg_id: entry.cid, text: entry.text };
    if (entry.pick) frame.pick_entry_id = entry.pick;
    if (sock.send(frame)) entry.gen = generation;
  }
}

/**
 * Send ``text`` (``pick``: the knowledge entry the customer clicked among the bot's suggestions;
 * ``secret``: a code a flow asked for — shown as dots and never saved in the outbox).
 */
function sendText(text, pick = null, secret = false) {
  if (!text.trim()) return;
  if (text.length > MAX_CHARS) {
    showError(t("err.message_too_long"));
    return;
  }
  if (ended) startNewThread();
  const cid = newId();
  lastTypingSent = 0; // the next keystroke announces typing again
  if (secret) secrets.set(cid, text);
  outbox.push({ cid, text, gen: -1, pick: Number.isInteger(pick) ? pick : null });
  saveOutbox();
  thread.addPending(cid, secret ? dots(text) : text);
  scrollDown(true);
  flush();
}

function retry(cid) {
  const node = thread.byCid.get(cid);
  const text = secrets.get(cid) || (node ? node.querySelector(".msg__text")?.textContent || "" : "");
  if (!text) return;
  thread.unfail(cid);
  outbox.push({ cid, text, gen: -1, pick: null });
  saveOutbox();
  flush();
}

async function sendFile(file) {
  if (ended) startNewThread();
  const cid = newId();
  thread.addPending(cid, "", file);
  scrollDown(true);
  try {
    // Texts typed before the file are stored first, so the conversation keeps the order they were sent in.
    await waitUntil(() => outbox.length === 0);
    await ensureConversation();
    const data = new FormData();
    data.append("file", file, file.name);
    data.append("client_msg_id", cid);
    const result = await api("POST", `/api/v1/conversations/${conv.id}/attachments`, { body: data, auth: { token } });
    thread.add(result.message);
  } catch (err) {
    const code = err instanceof ApiError ? err.code : "network";
    thread.fail(cid, errorText(t, code, err.message));
    if (code === "conversation_closed") endConversation();
  }
}

// ---- socket -----------------------------------------------------------------------------------

function onFrame(frame) {
  switch (frame.type) {
    case "message":
      onMessage(frame.message);
      break;
    case "ack": {
      const near = nearBottom();
      dropFromOutbox(frame.client_msg_id);
      if (conv && frame.message.conversation_id === conv.id) thread.add(frame.message);
      scrollDown(false, near);
      break;
    }
    case "error":
      onSocketError(frame);
      break;
    case "conversation":
      if (conv && frame.conversation.id === conv.id) {
        const was = conv.status;
        conv = frame.conversation;
        if (frame.change === "closed" || conv.status === "closed") endConversation();
        else {
          renderStatus();
          if (conv.status === "queued" && was !== "queued") loadQueue();
        }
      }
      break;
    case "queue":
      if (conv && frame.conversation_id === conv.id) onQueue(frame);
      break;
    case "read":
      if (conv && frame.conversation_id === conv.id && frame.reader === "agent") thread.setPeerRead(frame.seq);
      break;
    case "typing":
      if (conv && frame.conversation_id === conv.id && frame.sender_kind !== "customer") showTyping();
      break;
    default:
      break;
  }
}

function onMessage(message) {
  if (!conv || message.conversation_id !== conv.id) return;
  if (message.client_msg_id) dropFromOutbox(message.client_msg_id);
  const near = nearBottom();
  const fresh = thread.add(message);
  if (!fresh) return;
  flowUi.seen(message);
  if (message.sender_kind !== "customer") {
    hideTyping();
    if (!shown || document.visibilityState !== "visible") {
      unseen += 1;
      tellParent({ kefu: "unread", count: unseen });
    }
  }
  scrollDown(message.sender_kind === "customer", near);
  markRead();
}

function onSocketError(frame) {
  const cid = frame.client_msg_id;
  if (frame.code === "conversation_closed") {
    if (cid) {
      const entry = outbox.find((e) => e.cid === cid);
      if (entry) entry.gen = -1;
    }
    endConversation();
    return;
  }
  if (cid) {
    dropFromOutbox(cid);
    thread.fail(cid, errorText(t, frame.code, frame.message));
    return;
  }
  if (frame.code === "not_found" && frame.conversation_id && conv && frame.conversation_id === conv.id) {
    endConversation();
  }
}

function markRead() {
  if (!conv || !shown || document.visibilityState !== "visible") return;
  const seq = thread.lastSeq;
  if (seq > readSent && sock.send({ type: "read", conversation_id: conv.id, seq })) readSent = seq;
}

function showTyping() {
  typingEl.hidden = false;
  scrollDown();
  clearTimeout(typingTimer);
  typingTimer = setTimeout(hideTyping, 3000);
}

function hideTyping() {
  clearTimeout(typingTimer);
  typingEl.hidden = true;
}

function setConnected(connected) {
  body.classList.toggle("is-offline", !connected);
  if (connected) {
    connEl.hidden = true;
  } else if (token) {
    connEl.textContent = navigator.onLine ? t("widget.connecting") : t("widget.offline");
    connEl.hidden = false;
  }
}

const sock = new Socket(() => wsUrl(token), {
  open() {
    generation += 1;
    readSent = 0;
    if (conv) sock.send({ type: "subscribe", conversation_id: conv.id, after_seq: contiguousSeq() });
    flush();
    markRead();
  },
  frame: onFrame,
  state: setConnected,
});

function contiguousSeq() {
  if (!thread.firstSeq) return 0;
  let seq = thread.firstSeq;
  while (thread.bySeq.has(seq + 1)) seq += 1;
  return seq;
}

// ---- embedding --------------------------------------------------------------------------------

function tellParent(data) {
  if (embedded) window.parent.postMessage(data, "*");
}

window.addEventListener("message", (event) => {
  if (event.source !== window.parent || !event.data || typeof event.data !== "object") return;
  if (event.data.kefu === "shown") {
    shown = true;
    unseen = 0;
    tellParent({ kefu: "unread", count: 0 });
    scrollDown(true);
    markRead();
    input.focus();
  } else if (event.data.kefu === "hidden") {
    shown = false;
  }
});

document.addEventListener("visibilitychange", markRead);

// ---- UI wiring --------------------------------------------------------------------------------

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (flowUi.secret) {
    const secret = flowUi.take();
    if (secret) sendText(secret, null, true);
    flowUi.field.focus();
    return;
  }
  const text = input.value;
  if (!text.trim()) return;
  sendText(text);
  input.value = "";
  autosize();
  input.focus();
});

input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});

input.addEventListener("input", () => {
  autosize();
  const now = Date.now();
  if (conv && input.value.trim() && now - lastTypingSent > 2000 && sock.send({ type: "typing", conversation_id: conv.id })) {
    lastTypingSent = now;
  }
});

function autosize() {
  input.rows = Math.min(5, Math.max(1, input.value.split("\n").length));
}

fileInput.addEventListener("change", () => {
  const file = fileInput.files && fileInput.files[0];
  fileInput.value = "";
  if (file) sendFile(file);
});

$("close-btn").hidden = !embedded;
$("close-btn").addEventListener("click", () => tellParent({ kefu: "close" }));

const renameForm = $("rename-form");
$("rename-btn").addEventListener("click", () => {
  renameForm.hidden = !renameForm.hidden;
  if (!renameForm.hidden) {
    $("name-input").value = customer ? customer.name : "";
    $("name-input").focus();
  }
});
$("rename-cancel").addEventListener("click", () => {
  renameForm.hidden = true;
});
renameForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = $("name-input").value.trim();
  if (!name) return;
  try {
    const data = await api("PATCH", "/api/v1/visitor/me", { body: { name }, auth: { token } });
    customer = data.customer;
    renameForm.hidden = true;
  } catch (err) {
    showError(errorText(t, err.code, err.message));
  }
});

// ---- start ------------------------------------------------------------------------------------

async function start() {
  newThread();
  let saved = null;
  try {
    saved = window.localStorage.getItem(TOKEN_KEY);
  } catch {
    saved = null;
  }
  const group = Number(new URLSearchParams(window.location.search).get("group")) || null; // the page's skill group
  const session = await api("POST", "/api/v1/visitor/session", { body: { ...(saved ? { token: saved } : {}), lang: body.dataset.locale, ...(group ? { group_id: group } : {}) } });
  token = session.token;
  customer = session.customer;
  flowUi.menu(session.menu);
  body.dataset.customer = String(customer.id);
  try {
    window.localStorage.setItem(TOKEN_KEY, token);
  } catch {
    /* private mode */
  }
  const list = await api("GET", "/api/v1/conversations?limit=20", { auth: { token } });
  const open = list.conversations.find((c) => c.status !== "closed");
  if (open) {
    setConversation(open);
    loadQueue();
    const history = await api("GET", `/api/v1/conversations/${open.id}/messages?limit=50`, { auth: { token } });
    for (const message of history.messages) {
      thread.add(message);
      flowUi.seen(message);
      if (message.client_msg_id) dropFromOutbox(message.client_msg_id);
    }
  }
  if (!open) {
    const opts = thread.opts;
    await showPast($("past"), { token, t, nameOf: opts.nameOf, imageSrc: opts.imageSrc, openFile: opts.openFile, onImage: opts.onImage });
  }
  for (const entry of outbox) thread.addPending(entry.cid, entry.text);
  body.classList.add("is-ready");
  scrollDown(true);
  sock.connect();
}

start().catch((err) => {
  showError(t("widget.load_failed"));
  body.classList.add("is-ready");
  console.error(err);
  setTimeout(() => window.location.reload(), 5000);
});
