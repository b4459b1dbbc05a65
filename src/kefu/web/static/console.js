// The agent console: conversation lists with live updates, the open conversation with history paging,
// replies over the WebSocket (with an outbox resent after reconnects), take / close, customer info.

import { ApiError, Socket, api, el, errorText, fullTime, newId, shortTime, waitUntil, wsUrl } from "./api.js";
import { CustomerNamer } from "./console_customer.js";
import { CannedPicker } from "./canned.js";
import { ConsoleRouting } from "./console_routing.js";
import { wireTicketButton } from "./console_ticket.js";
import { FlowSummary, flowHandover } from "./flow_summary.js";
import { Collision } from "./collision.js";
import { Notes } from "./notes.js";
import { $, avatarTone, initial, setAvatar, signedIn, t } from "./staff_page.js";
import { Thread, showLightbox } from "./thread.js";

let VIEWS = ["waiting", "mine", "closed"]; // supervisors and admins also get "all"
const MAX_CHARS = 5000;

const state = {
  me: null,
  csrf: "",
  view: "waiting",
  lists: { waiting: [], mine: [], closed: [], all: [] },
  conv: null, // the conversation shown in the middle
  currentId: null, // the conversation the right column belongs to (history mode shows another)
  thread: null,
  outbox: [], // [{cid, convId, text, gen}]
  generation: 0,
  readSent: new Map(),
  lastTyping: 0,
};

let refreshTimer = null;
let typingTimer = null;
let errorTimer = null;
let openToken = 0;
let routing = null; // presence, transfer and alerts (console_routing.js)
let canned = null; // the 话术库 popup and placeholder guard (canned.js)
let notes = null; // internal notes and mentions (notes.js)
let collision = null; // who else views or types here (collision.js)
// The summary of the self-service flow that handed the open conversation over (flow_summary.js).
const flowSummary = new FlowSummary($("flow-summary"), { t, auth: () => auth() });

const auth = () => ({ csrf: state.csrf });
// Naming the customer in the right-hand panel (console_customer.js).
const namer = new CustomerNamer({ auth: () => auth(), onRenamed: (id, name) => customerRenamed(id, name) });

function customerRenamed(customerId, name) {
  for (const list of Object.values(state.lists)) {
    for (const conv of list) if (conv.customer_id === customerId) conv.customer_name = name;
  }
  if (state.conv && state.conv.customer_id === customerId) {
    state.conv.customer_name = name;
    renderHeader();
    $("info-name").textContent = name;
    setAvatar($("info-avatar"), name, customerId);
  }
  renderLists();
  scheduleRefresh(); // a refresh already on its way may carry the old name: fetch the lists again
}

// ---- helpers ----------------------------------------------------------------------------------

function statusChip(status) {
  return el("span", { class: `chip chip--${status}`, dataset: { status } }, t(`status.${status}`));
}

function handoverText(reason) {
  if (!reason) return "";
  const flow = flowHandover(t, reason);
  if (flow) return flow;
  const key = `handover.${reason}`;
  return t(key) === key ? reason : t(key);
}

function showError(text) {
  const box = $("chat-error");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(() => {
    box.hidden = true;
  }, 6000);
}

function nearBottom() {
  const scroller = $("chat-scroll");
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 150;
}

function scrollDown(force = false) {
  const scroller = $("chat-scroll");
  if (force || nearBottom()) requestAnimationFrame(() => scroller.scrollTo({ top: scroller.scrollHeight }));
}

function isMine(conv) {
  return conv && conv.status === "assigned" && conv.assignee_id === state.me.id;
}

function canClose(conv) {
  if (!conv || conv.status === "closed") return false;
  return conv.assignee_id === state.me.id || state.me.role === "admin" || state.me.role === "supervisor";
}

// ---- lists ------------------------------------------------------------------------------------

async function refreshLists() {
  try {
    const results = await Promise.all(
      VIEWS.map((view) => api("GET", `/api/v1/conversations?view=${view}&limit=100`, { auth: auth() })),
    );
    VIEWS.forEach((view, i) => {
      state.lists[view] = results[i].conversations;
    });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      window.location.assign("/console/login");
      return;
    }
    return;
  }
  renderLists();
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refreshLists, 150);
}

function renderLists() {
  let unreadTotal = 0;
  for (const view of VIEWS) {
    $(`count-${view}`).textContent = String(state.lists[view].length);
    $(`count-${view}`).classList.toggle("tab__count--hot", view === "waiting" && state.lists[view].length > 0);
  }
  for (const view of ["waiting", "mine"]) for (const c of state.lists[view]) unreadTotal += c.unread || 0;
  document.title = unreadTotal ? `(${unreadTotal}) ${t("console.title")}` : t("console.title");
  for (const tab of document.querySelectorAll(".tab")) {
    const active = tab.dataset.view === state.view;
    tab.classList.toggle("is-active", active);
    tab.setAttribute("aria-selected", String(active));
  }
  const list = $("conv-list");
  const rows = state.lists[state.view];
  list.replaceChildren(...rows.map(renderRow));
  $("list-empty").textContent = t(`console.empty.${state.view}`);
  $("list-empty").hidden = rows.length > 0;
}

function renderRow(conv) {
  const unread = conv.id === state.conv?.id && isMine(state.conv) ? 0 : conv.unread || 0;
  const preview = conv.preview || t("console.no_messages");
  const avatar = el("span", { class: `avatar ${avatarTone(conv.customer_id)}`, "aria-hidden": "true" }, initial(conv.customer_name));
  const row = el(
    "li",
    {
      class: `conv${conv.id === state.conv?.id ? " is-selected" : ""}${unread ? " has-unread" : ""}`,
      role: "option",
      tabindex: "0",
      dataset: { id: String(conv.id), status: conv.status },
    },
    avatar,
    el(
      "div",
      { class: "conv__body" },
      el(
        "div",
        { class: "conv__top" },
        el("span", { class: "conv__name" }, conv.customer_name || `#${conv.customer_id}`),
        el("time", { class: "conv__time", datetime: conv.last_message_at || conv.created_at }, shortTime(conv.last_message_at || conv.created_at)),
      ),
      el(
        "div",
        { class: "conv__bottom" },
        el("span", { class: `conv__preview${conv.preview ? "" : " muted"}` }, preview),
        unread ? el("span", { class: "badge", title: t("console.unread", { n: unread }) }, unread > 99 ? "99+" : String(unread)) : null,
      ),
      el(
        "div",
        { class: "conv__tags" },
        statusChip(conv.status),
        el("span", { class: "conv__group" }, conv.skill_group_name || t("console.no_group")),
        conv.assignee_name && state.view !== "mine" ? el("span", { class: "conv__assignee" }, conv.assignee_name) : null,
        conv.handover_reason && conv.status === "queued" ? el("span", { class: "conv__reason", dataset: { reason: conv.handover_reason } }, handoverText(conv.handover_reason)) : null,
        flowHandover(t, conv.handover_reason) ? el("span", { class: "conv__flow", title: handoverText(conv.handover_reason) }, t("flowcard.badge")) : null,
      ),
    ),
  );
  row.addEventListener("click", () => openConversation(conv.id));
  row.addEventListener("keydown", (event) => {
    if (event.key === "Enter") openConversation(conv.id);
  });
  return row;
}

// ---- the open conversation --------------------------------------------------------------------

function makeThread(conv) {
  $("thread-host").replaceChildren();
  return new Thread($("thread-host"), {
    me: "agent",
    t,
    nameOf: (m) => (m.sender_kind === "customer" ? conv.customer_name : m.sender_kind === "bot" ? t("bot.label") : m.sender_name),
    imageSrc: async (att) => `/api/v1/attachments/${att.id}`,
    openFile: (att) => window.open(`/api/v1/attachments/${att.id}`, "_blank", "noopener"),
    onImage: (src, name) => showLightbox(src, name),
    onRetry: (cid) => retry(cid),
  });
}

async function openConversation(id, { history = false } = {}) {
  const token = ++openToken;
  let conv;
  let messages;
  try {
    const [c, m] = await Promise.all([
      api("GET", `/api/v1/conversations/${id}`, { auth: auth() }),
      api("GET", `/api/v1/conversations/${id}/messages?limit=50`, { auth: auth() }),
    ]);
    conv = c.conversation;
    messages = m.messages;
  } catch (err) {
    showError(errorText(t, err.code, err.message));
    return;
  }
  if (token !== openToken) return;
  state.conv = conv;
  if (!history) state.currentId = conv.id;
  state.thread = makeThread(conv);
  state.thread.convId = conv.id;
  state.thread.setPeerRead(conv.customer_read_seq || 0);
  for (const message of messages) state.thread.add(message);
  for (const entry of state.outbox) if (entry.convId === conv.id) state.thread.addPending(entry.cid, entry.text);
  $("load-earlier").hidden = !(state.thread.firstSeq > 1);
  $("load-earlier").disabled = false;
  $("load-earlier").textContent = t("console.load_earlier");
  $("chat-empty").hidden = true;
  $("chat-main").hidden = false;
  $("history-banner").hidden = !history;
  document.body.classList.add("show-chat");
  hideTyping();
  renderHeader();
  renderLists();
  scrollDown(true);
  subscribe();
  markRead();
  if (!history) loadInfo(conv);
  flowSummary.show(conv.id);
  routing.loadNote(history ? null : conv);
  notes.show(conv, state.thread);
  collision.open(conv.id);
  if (isMine(conv)) $("reply-input").focus();
}

function subscribe() {
  const conv = state.conv;
  if (!conv) return;
  state.socket.send({ type: "subscribe", conversation_id: conv.id, after_seq: contiguousSeq(state.thread) });
}

function contiguousSeq(thread) {
  if (!thread.firstSeq) return 0;
  let seq = thread.firstSeq;
  while (thread.bySeq.has(seq + 1)) seq += 1;
  return seq;
}

function renderHeader() {
  const conv = state.conv;
  if (!conv) return;
  $("chat-name").textContent = conv.customer_name || `#${conv.customer_id}`;
  setAvatar($("chat-avatar"), conv.customer_name, conv.customer_id);
  $("chat-status").replaceWith(Object.assign(statusChip(conv.status), { id: "chat-status" }));
  $("chat-group").textContent = conv.skill_group_name || t("console.no_group");
  const reason = $("chat-handover");
  reason.hidden = !conv.handover_reason;
  reason.textContent = conv.handover_reason ? `${t("handover.label")}：${handoverText(conv.handover_reason)}` : "";
  if (conv.handover_reason) reason.dataset.reason = conv.handover_reason;
  $("take-btn").hidden = !(conv.status === "queued" || conv.status === "bot");
  $("close-conv").hidden = !canClose(conv);
  routing.renderButton(conv);
  const mine = isMine(conv);
  const form = $("reply");
  form.classList.toggle("is-disabled", !mine);
  $("reply-input").disabled = !mine;
  $("reply-send").disabled = !mine;
  $("reply-file").disabled = !mine;
  const hint = $("reply-hint");
  if (mine) hint.hidden = true;
  else {
    hint.hidden = false;
    if (conv.status === "closed") hint.textContent = t("console.closed_hint");
    else if (conv.status === "assigned") hint.textContent = t("console.other_hint", { name: conv.assignee_name || "" });
    else hint.textContent = t("console.take_hint");
  }
}

async function loadInfo(conv) {
  $("info").hidden = false;
  if ($("info").dataset.customer !== String(conv.customer_id)) {
    $("info").dataset.customer = String(conv.customer_id);
    $("info-history").replaceChildren();
    $("info-history-empty").hidden = true;
  }
  $("info-name").textContent = conv.customer_name || `#${conv.customer_id}`;
  setAvatar($("info-avatar"), conv.customer_name, conv.customer_id);
  namer.show(conv);
  $("info-id").textContent = String(conv.customer_id);
  $("info-channel").textContent = t(`channel.${conv.channel}`) === `channel.${conv.channel}` ? conv.channel : t(`channel.${conv.channel}`);
  $("info-group").textContent = conv.skill_group_name || t("console.no_group");
  $("info-assignee").textContent = conv.assignee_name || t("console.none");
  $("info-started").textContent = fullTime(conv.created_at);
  $("info-handover").textContent = handoverText(conv.handover_reason);
  $("info-handover").hidden = !conv.handover_reason;
  $("info-handover-label").hidden = !conv.handover_reason;
  let rows = [];
  try {
    rows = (await api("GET", `/api/v1/customers/${conv.customer_id}/conversations`, { auth: auth() })).conversations;
  } catch {
    rows = [];
  }
  if (state.currentId !== conv.id) return;
  const others = rows.filter((row) => row.id !== conv.id);
  $("info-history").replaceChildren(
    ...others.map((row) => {
      const item = el(
        "li",
        { class: "history-item", tabindex: "0", dataset: { id: String(row.id) } },
        el("div", { class: "history-item__top" }, statusChip(row.status), el("time", {}, fullTime(row.created_at))),
        el("div", { class: "history-item__preview" }, row.preview || t("console.no_messages")),
      );
      item.addEventListener("click", () => openConversation(row.id, { history: true }));
      return item;
    }),
  );
  $("info-history-empty").hidden = others.length > 0;
}

async function loadEarlier() {
  const thread = state.thread;
  const conv = state.conv;
  if (!thread || !thread.firstSeq || thread.firstSeq <= 1) return;
  const button = $("load-earlier");
  button.disabled = true;
  const scroller = $("chat-scroll");
  const fromBottom = scroller.scrollHeight - scroller.scrollTop;
  try {
    const data = await api("GET", `/api/v1/conversations/${conv.id}/messages?before_seq=${thread.firstSeq}&limit=50`, { auth: auth() });
    if (state.thread !== thread) return;
    for (const message of data.messages) thread.add(message);
    scroller.scrollTop = scroller.scrollHeight - fromBottom;
    if (thread.firstSeq <= 1 || data.messages.length === 0) {
      button.textContent = t("console.no_earlier");
      button.disabled = true;
    } else button.disabled = false;
  } catch (err) {
    button.disabled = false;
    showError(errorText(t, err.code, err.message));
  }
}

function markRead() {
  const conv = state.conv;
  if (!conv || !isMine(conv) || document.visibilityState !== "visible") return;
  const seq = state.thread.lastSeq;
  if (seq <= (state.readSent.get(conv.id) || 0) || seq <= (conv.agent_read_seq || 0)) return;
  state.readSent.set(conv.id, seq);
  if (!state.socket.send({ type: "read", conversation_id: conv.id, seq })) {
    api("POST", `/api/v1/conversations/${conv.id}/read`, { body: { seq }, auth: auth() }).catch(() => state.readSent.delete(conv.id));
  }
  for (const list of Object.values(state.lists)) {
    for (const row of list) if (row.id === conv.id) row.unread = 0;
  }
  renderLists();
}

function showTyping() {
  $("typing").hidden = false;
  scrollDown();
  clearTimeout(typingTimer);
  typingTimer = setTimeout(hideTyping, 3000);
}

function hideTyping() {
  clearTimeout(typingTimer);
  $("typing").hidden = true;
}

// ---- actions ----------------------------------------------------------------------------------

async function take() {
  const conv = state.conv;
  $("take-btn").disabled = true;
  try {
    const data = await api("POST", `/api/v1/conversations/${conv.id}/take`, { auth: auth() });
    if (state.conv && state.conv.id === data.conversation.id) state.conv = data.conversation;
    state.view = "mine";
    renderHeader();
    loadInfo(state.conv);
    markRead();
    $("reply-input").focus();
  } catch (err) {
    showError(errorText(t, err.code, err.message));
  } finally {
    $("take-btn").disabled = false;
    scheduleRefresh();
  }
}

async function closeConversation() {
  const conv = state.conv;
  $("close-conv").disabled = true;
  try {
    const data = await api("POST", `/api/v1/conversations/${conv.id}/close`, { auth: auth() });
    if (state.conv && state.conv.id === data.conversation.id) state.conv = data.conversation;
    renderHeader();
  } catch (err) {
    showError(errorText(t, err.code, err.message));
  } finally {
    $("close-conv").disabled = false;
    scheduleRefresh();
  }
}

function flush() {
  if (!state.socket.connected) return;
  for (const entry of state.outbox) {
    if (entry.gen === state.generation) continue;
    const frame = { type: "send", conversation_id: entry.convId, client_msg_id: entry.cid, text: entry.text };
    if (state.socket.send(frame)) entry.gen = state.generation;
  }
}

function sendReply() {
  const input = $("reply-input");
  const text = input.value;
  const conv = state.conv;
  if (!text.trim() || !isMine(conv)) return;
  if (canned?.blocksSend()) return; // a 【请填写：…】 placeholder is still in the box
  if (text.length > MAX_CHARS) {
    showError(t("err.message_too_long"));
    return;
  }
  const cid = newId();
  state.lastTyping = 0; // the next keystroke announces typing again
  state.outbox.push({ cid, convId: conv.id, text, gen: -1 });
  state.thread.addPending(cid, text);
  input.value = "";
  canned?.refresh();
  scrollDown(true);
  flush();
}

function retry(cid) {
  const node = state.thread?.byCid.get(cid);
  const text = node?.querySelector(".msg__text")?.textContent || "";
  if (!text || !state.conv) return;
  state.thread.unfail(cid);
  state.outbox.push({ cid, convId: state.conv.id, text, gen: -1 });
  flush();
}

async function sendFile(file) {
  const conv = state.conv;
  if (!isMine(conv)) return;
  const cid = newId();
  const thread = state.thread;
  thread.addPending(cid, "", file);
  scrollDown(true);
  const data = new FormData();
  data.append("file", file, file.name);
  data.append("client_msg_id", cid);
  try {
    // Replies typed before the file are stored first, so the conversation keeps the order they were sent in.
    await waitUntil(() => !state.outbox.some((e) => e.convId === conv.id));
    const result = await api("POST", `/api/v1/conversations/${conv.id}/attachments`, { body: data, auth: auth() });
    thread.add(result.message);
  } catch (err) {
    thread.fail(cid, errorText(t, err.code, err.message));
  }
}

// ---- socket events ----------------------------------------------------------------------------

function onFrame(frame) {
  const conv = state.conv;
  switch (frame.type) {
    case "message": {
      const message = frame.message;
      if (conv && message.conversation_id === conv.id) {
        if (message.client_msg_id) state.outbox = state.outbox.filter((e) => e.cid !== message.client_msg_id);
        const fresh = state.thread.add(message);
        if (fresh) {
          if (message.sender_kind === "customer") hideTyping();
          scrollDown(message.sender_kind === "agent");
          markRead();
        }
      }
      scheduleRefresh();
      break;
    }
    case "ack":
      state.outbox = state.outbox.filter((e) => e.cid !== frame.client_msg_id);
      if (conv && frame.message.conversation_id === conv.id) state.thread.add(frame.message);
      break;
    case "error":
      if (frame.client_msg_id) {
        state.outbox = state.outbox.filter((e) => e.cid !== frame.client_msg_id);
        state.thread?.fail(frame.client_msg_id, errorText(t, frame.code, frame.message));
      } else if (frame.code !== "not_found") showError(errorText(t, frame.code, frame.message));
      break;
    case "conversation":
      if (conv && frame.conversation.id === conv.id) {
        if (frame.conversation.handover_reason !== conv.handover_reason) flowSummary.show(conv.id);
        state.conv = frame.conversation;
        renderHeader();
        if (state.currentId === conv.id) loadInfo(state.conv);
      }
      scheduleRefresh();
      routing.schedulePresence();
      break;
    case "revoked":
      // The conversation left this agent's view (a colleague took it, or it was transferred away).
      if (conv && frame.conversation_id === conv.id) {
        state.conv = null;
        state.thread = null;
        $("chat-main").hidden = true;
        $("chat-empty").hidden = false;
        document.body.classList.remove("show-chat");
        collision.open(null);
        showError(t("err.not_waiting"));
      }
      scheduleRefresh();
      break;
    case "read":
      if (conv && frame.conversation_id === conv.id && frame.reader === "customer") state.thread.setPeerRead(frame.seq);
      break;
    case "typing":
      if (conv && frame.conversation_id === conv.id && frame.sender_kind === "customer") showTyping();
      break;
    default:
      if (!notes.onFrame(frame) && !collision.onFrame(frame)) routing.onFrame(frame);
      break;
  }
}

/** A conversation changed by an action of this page (e.g. a transfer). */
function onConversation(view) {
  if (state.conv && state.conv.id === view.id) {
    state.conv = view;
    renderHeader();
    if (state.currentId === view.id) loadInfo(view);
  }
  scheduleRefresh();
}

// ---- wiring -----------------------------------------------------------------------------------

function wire() {
  for (const tab of document.querySelectorAll(".tab")) {
    tab.addEventListener("click", () => {
      state.view = tab.dataset.view;
      renderLists();
    });
  }
  $("take-btn").addEventListener("click", take);
  $("close-conv").addEventListener("click", closeConversation);
  $("load-earlier").addEventListener("click", loadEarlier);
  $("back-current").addEventListener("click", () => state.currentId && openConversation(state.currentId));
  $("back-btn").addEventListener("click", () => {
    document.body.classList.remove("show-chat");
  });
  const form = $("reply");
  const input = $("reply-input");
  canned = new CannedPicker({ input, conv: () => state.conv, t, auth, showError }); // "/" opens the 话术库
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendReply();
  });
  input.addEventListener("keydown", (event) => {
    if (event.defaultPrevented) return; // the canned-reply popup took the key
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendReply();
    }
  });
  input.addEventListener("input", () => {
    const conv = state.conv;
    const now = Date.now();
    if (isMine(conv) && input.value.trim() && now - state.lastTyping > 2000) {
      if (state.socket.send({ type: "typing", conversation_id: conv.id })) state.lastTyping = now;
    }
  });
  $("reply-file").addEventListener("change", () => {
    const file = $("reply-file").files?.[0];
    $("reply-file").value = "";
    if (file) sendFile(file);
  });
  document.addEventListener("visibilitychange", markRead);
  window.addEventListener("focus", markRead);
}

async function start() {
  const me = await signedIn();
  if (!me) return;
  state.me = me;
  state.csrf = me.csrf_token;
  if (me.supervisor) {
    VIEWS = ["waiting", "mine", "closed", "all"];
    document.querySelector('.tab[data-view="all"]').hidden = false;
  }
  wire();
  routing = new ConsoleRouting({
    t,
    auth,
    me,
    conv: () => state.conv,
    isMine,
    showError,
    onConversation,
  });
  routing.wire();
  routing.loadPresence();
  wireTicketButton($("ticket-btn"), { convId: () => state.conv?.id, auth, t, onError: showError });
  const socket = () => state.socket;
  notes = new Notes({ t, auth, me, socket, showError, open: (id) => openConversation(id) });
  notes.wire();
  collision = new Collision({ t, me, socket });
  state.socket = new Socket(() => wsUrl(null), {
    open() {
      state.generation += 1;
      subscribe();
      flush();
      refreshLists();
      routing.loadPresence();
      collision.reconnect();
      notes.loadMentions();
    },
    frame: onFrame,
    state(connected) {
      $("conn").hidden = connected;
      document.body.classList.toggle("is-offline", !connected);
    },
  });
  await refreshLists();
  document.body.classList.add("is-ready");
  state.socket.connect();
}

start().catch((err) => {
  console.error(err);
  showError(t("err.network"));
});
