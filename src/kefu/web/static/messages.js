// Messages customers left (/console/messages): filter by status, take or (supervisors) assign, answer.
// The answer reaches the customer in their open conversation, or the next one they open.

import { api, el, fullTime } from "./api.js";
import { $, errText, signedIn, t } from "./staff_page.js";
import { toast } from "./toast.js";

const state = { me: null, status: "open", agents: [], rows: [] };

function agentName(id) {
  return state.agents.find((a) => a.user_id === id)?.display_name || `#${id}`;
}

async function load() {
  for (const button of document.querySelectorAll("#msg-filter .seg__btn")) {
    const active = button.dataset.status === state.status;
    button.classList.toggle("is-active", active);
    button.setAttribute("aria-selected", String(active));
  }
  try {
    const query = state.status ? `?status=${state.status}` : "";
    state.rows = (await api("GET", `/api/v1/routing/leave-messages${query}`, { auth: state.me.auth() })).leave_messages;
  } catch (err) {
    toast(errText(err), "error");
    return;
  }
  state.rows.sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
  $("msg-list").replaceChildren(...state.rows.map(render));
  $("msg-empty").hidden = state.rows.length > 0;
}

function render(row) {
  const mineOrFree = row.assignee_id === null || row.assignee_id === state.me.id || state.me.supervisor;
  const item = el(
    "li",
    { class: "lm", dataset: { id: String(row.id), status: row.status } },
    el(
      "div",
      { class: "lm__top" },
      el("span", { class: `chip chip--${row.status}` }, t(`msgs.status.${row.status}`)),
      el("span", { class: "lm__name" }, row.name || `#${row.customer_id}`),
      el("span", { class: "lm__contact" }, `${t("msgs.contact")}：${row.contact}`),
      row.assignee_id !== null ? el("span", { class: "lm__assignee" }, `${t("msgs.assignee")}：${agentName(row.assignee_id)}`) : null,
      el("time", { class: "lm__time", datetime: row.created_at }, fullTime(row.created_at)),
    ),
    el("p", { class: "lm__text" }, row.text),
    row.answer ? el("p", { class: "lm__answer" }, `${t("msgs.answered")}：${row.answer}`) : null,
  );
  if (row.status === "answered") return item;
  const actions = el("div", { class: "lm__actions" });
  if (row.status === "open") {
    actions.append(el("button", { type: "button", class: "btn btn--sm lm-take", onclick: () => assign(row, null) }, t("msgs.take")));
  }
  if (state.me.supervisor) {
    const select = el(
      "select",
      { class: "select select--sm lm-agent", "aria-label": t("msgs.assign_to") },
      ...state.agents.map((a) => el("option", { value: String(a.user_id) }, `${a.display_name}（${t(`presence.${a.status}`)}）`)),
    );
    actions.append(
      el("span", { class: "muted" }, t("msgs.assign_to")),
      select,
      el("button", { type: "button", class: "btn btn--sm", onclick: () => assign(row, Number(select.value)) }, t("msgs.assign")),
    );
  }
  item.append(actions);
  if (mineOrFree) {
    const text = el("textarea", { class: "modal__text lm-answer", rows: "2", maxlength: "5000", placeholder: t("msgs.answer_placeholder"), "aria-label": t("msgs.answer") });
    const form = el("form", { class: "lm__form" }, text, el("button", { type: "submit", class: "btn btn--primary btn--sm" }, t("msgs.send")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      answer(row, text);
    });
    item.append(form);
  }
  return item;
}

async function assign(row, agentId) {
  try {
    await api("POST", `/api/v1/routing/leave-messages/${row.id}/assign`, { body: agentId ? { agent_id: agentId } : {}, auth: state.me.auth() });
    toast(agentId ? t("sup.reassigned", { name: agentName(agentId) }) : t("msgs.taken"));
  } catch (err) {
    toast(errText(err), "error");
  }
  load();
}

async function answer(row, input) {
  const text = input.value.trim();
  if (!text) {
    toast(t("msgs.need_text"), "error");
    input.focus();
    return;
  }
  try {
    await api("POST", `/api/v1/routing/leave-messages/${row.id}/answer`, { body: { text }, auth: state.me.auth() });
    toast(t("msgs.sent"));
  } catch (err) {
    toast(errText(err), "error");
  }
  load();
}

async function start() {
  state.me = await signedIn();
  if (!state.me) return;
  for (const button of document.querySelectorAll("#msg-filter .seg__btn")) {
    button.addEventListener("click", () => {
      state.status = button.dataset.status;
      load();
    });
  }
  try {
    state.agents = (await api("GET", "/api/v1/routing/agents", { auth: state.me.auth() })).agents;
  } catch {
    state.agents = [];
  }
  await load();
  document.body.classList.add("is-ready");
}

start().catch((err) => {
  console.error(err);
  toast(t("err.network"), "error");
});
