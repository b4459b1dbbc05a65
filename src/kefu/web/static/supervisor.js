// The supervisor view (/console/supervisor): every queue with its waiting conversations and times,
// every agent with presence and load, reassigning, and SLA alerts as toasts. Live: the page listens on
// the WebSocket and reloads the overview when something moves (and every 10 s for the waiting times).

import { Socket, api, el, wsUrl } from "./api.js";
import { $, duration, errText, signedIn, t } from "./staff_page.js";
import { toast } from "./toast.js";

const LONG_WAIT = 300;
const state = { me: null, data: null, timer: null };

async function load() {
  try {
    state.data = await api("GET", "/api/v1/routing/overview", { auth: state.me.auth() });
  } catch (err) {
    toast(errText(err), "error");
    return;
  }
  render();
  const now = new Date();
  $("sup-updated").textContent = t("sup.updated", { time: `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}:${String(now.getSeconds()).padStart(2, "0")}` });
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(load, 250);
}

function render() {
  const { groups, queues, agents } = state.data;
  const byGroup = new Map(queues.map((q) => [q.group_id, q]));
  const panels = [];
  const ungrouped = byGroup.get(null);
  if (ungrouped) panels.push(queuePanel(ungrouped, t("sup.ungrouped"), null));
  for (const group of groups) panels.push(queuePanel(byGroup.get(group.id), group.name, group));
  $("sup-queues").replaceChildren(...panels);
  $("sup-agents").replaceChildren(
    ...agents.map((a) =>
      el(
        "tr",
        { dataset: { agent: String(a.user_id), status: a.status } },
        el("td", {}, a.display_name),
        el("td", {}, el("span", { class: `chip chip--${a.status}` }, t(`presence.${a.status}`))),
        el("td", { class: `num${a.load >= a.capacity ? " waited--long" : ""}` }, `${a.load}/${a.capacity}`),
        el("td", { class: "muted" }, a.group_names.join("、") || t("console.no_group")),
      ),
    ),
  );
}

function queuePanel(queue, name, group) {
  const length = queue ? queue.length : 0;
  const open = queue ? queue.open : group ? group.open : true;
  const head = el(
    "div",
    { class: "panel__head" },
    el("h3", {}, name),
    el("span", { class: `chip chip--${open ? "online" : "offline"}` }, t(open ? "sup.open" : "sup.closed")),
    el("span", { class: "panel__meta" }, t("sup.waiting", { n: length })),
  );
  const panel = el("div", { class: "panel", dataset: { group: group ? String(group.id) : "none" } }, head);
  if (!length) {
    panel.append(el("div", { class: "panel__empty" }, t("sup.no_queue")));
    return panel;
  }
  const rows = queue.waiting.map((w) => {
    const select = el(
      "select",
      { class: "select select--sm", "aria-label": t("sup.pick_agent") },
      ...state.data.agents.map((a) => el("option", { value: String(a.user_id) }, `${a.display_name} ${a.load}/${a.capacity}`)),
    );
    return el(
      "tr",
      { dataset: { conversation: String(w.conversation_id) } },
      el("td", { class: "num" }, `#${w.conversation_id}`),
      el("td", {}, w.customer_name || `#${w.customer_id}`),
      el("td", { class: "num" }, String(w.priority)),
      el("td", { class: "num" }, String(w.position)),
      el("td", { class: `num${w.waiting_seconds >= LONG_WAIT ? " waited--long" : ""}` }, duration(w.waiting_seconds)),
      el("td", { class: "num" }, duration(w.eta_seconds)),
      el(
        "td",
        {},
        select,
        " ",
        el("button", { type: "button", class: "btn btn--sm sup-reassign", onclick: () => reassign(w.conversation_id, Number(select.value)) }, t("sup.reassign")),
      ),
    );
  });
  const cols = ["conversation", "customer", "priority", "position", "waited", "eta", "actions"];
  panel.append(
    el(
      "table",
      { class: "table" },
      el("thead", {}, el("tr", {}, ...cols.map((c) => el("th", {}, t(`sup.col.${c}`))))),
      el("tbody", {}, ...rows),
    ),
  );
  return panel;
}

async function reassign(conversationId, agentId) {
  const agent = state.data.agents.find((a) => a.user_id === agentId);
  try {
    await api("POST", `/api/v1/routing/conversations/${conversationId}/reassign`, { body: { agent_id: agentId }, auth: state.me.auth() });
    toast(t("sup.reassigned", { name: agent ? agent.display_name : `#${agentId}` }));
  } catch (err) {
    toast(errText(err), "error");
  }
  load();
}

async function start() {
  state.me = await signedIn();
  if (!state.me) return;
  if (!state.me.supervisor) {
    $("sup-forbidden").hidden = false;
    $("sup-grid").hidden = true;
    document.body.classList.add("is-ready");
    return;
  }
  await load();
  setInterval(load, 10000);
  const socket = new Socket(() => wsUrl(null), {
    open: schedule,
    frame(frame) {
      if (frame.type === "alert") {
        const head = frame.kind === "sla_breach" ? t("alert.sla_breach", { id: frame.conversation_id }) : t("alert.generic");
        toast(frame.text ? `${head}：${frame.text}` : head, "alert", 12000);
      }
      if (["queue", "presence", "conversation", "alert", "transfer"].includes(frame.type)) schedule();
    },
  });
  socket.connect();
  document.body.classList.add("is-ready");
}

start().catch((err) => {
  console.error(err);
  toast(t("err.network"), "error");
});
