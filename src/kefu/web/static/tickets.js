// The tickets page (/console/tickets): the agents' views and filters on the left, one ticket on the
// right (header, fields, timeline, reply/note box, status buttons), bulk assign/close and 新建工单.
// Everything goes through /api/v1/tickets…; the server enforces who sees and may change what.

import { api, el, fullTime } from "./api.js";
import { confirmBox } from "./confirm.js";
import { $, errText, signedIn, t } from "./staff_page.js";
import { toast } from "./toast.js";

const STATUSES = ["new", "open", "pending", "resolved", "closed"];
const PRIORITIES = ["low", "normal", "high", "urgent"];
const SOON_MS = 60 * 60 * 1000;
const state = { me: null, view: "mine", rows: [], next: null, types: [], agents: [], groups: [], selected: new Set(), current: null, mode: "reply" };

const auth = () => state.me.auth();
const typeOf = (key) => state.types.find((x) => x.key === key);
const typeName = (key) => typeOf(key)?.name || key;
const agentName = (id) => (id === null || id === undefined ? t("tk.nobody") : state.agents.find((a) => a.user_id === id)?.display_name || `#${id}`);
const groupName = (id) => (id === null || id === undefined ? "—" : state.groups.find((g) => g.id === id)?.name || `#${id}`);

/** "breached" | "soon" | "" for a ticket's nearest SLA clock. */
function slaState(ticket) {
  if (!ticket.sla_due_at || ["resolved", "closed"].includes(ticket.status)) return "";
  if (ticket.sla_breached) return "breached";
  const left = new Date(ticket.sla_due_at).getTime() - Date.now();
  if (left < 0) return "breached";
  return ticket.sla_warned || left < SOON_MS ? "soon" : "";
}

function slaChip(ticket) {
  const s = slaState(ticket);
  if (!ticket.sla_due_at || ["resolved", "closed"].includes(ticket.status)) return el("span", { class: "tk-sla muted" }, "—");
  return el("span", { class: `tk-sla${s ? ` tk-sla--${s}` : ""}`, title: t(`tk.clock.${ticket.sla_clock}`) }, fullTime(ticket.sla_due_at));
}

function options(select, pairs, empty) {
  select.replaceChildren(...(empty ? [el("option", { value: "" }, empty)] : []), ...pairs.map(([v, label]) => el("option", { value: v }, label)));
}

// ---- the list ---------------------------------------------------------------------------------------

function query(before) {
  const params = new URLSearchParams({ limit: "50" });
  if (state.view) params.set("view", state.view);
  for (const [id, name] of [["tk-f-status", "status"], ["tk-f-type", "type"], ["tk-f-priority", "priority"]]) {
    if ($(id).value) params.set(name, $(id).value);
  }
  const q = $("tk-q").value.trim();
  if (q) params.set("q", q);
  if (before) params.set("before", String(before));
  return `/api/v1/tickets?${params}`;
}

async function loadList(more = false) {
  for (const button of document.querySelectorAll("#tk-views .seg__btn")) {
    const active = button.dataset.view === state.view;
    button.classList.toggle("is-active", active);
    button.setAttribute("aria-selected", String(active));
  }
  let page;
  try {
    page = await api("GET", query(more ? state.next : null), { auth: auth() });
  } catch (err) {
    toast(errText(err), "error");
    return;
  }
  state.rows = more ? [...state.rows, ...page.tickets] : page.tickets;
  state.next = page.next_before;
  if (!more) state.selected.clear();
  renderList();
}

function renderList() {
  $("tk-list").replaceChildren(...state.rows.map(renderRow));
  $("tk-empty").hidden = state.rows.length > 0;
  $("tk-more").hidden = !state.next;
  renderBulk();
}

function renderRow(row) {
  const box = el("input", { type: "checkbox", class: "tk-row__check", "aria-label": t("tk.select", { number: row.number }), checked: state.selected.has(row.id) });
  box.addEventListener("change", () => {
    if (box.checked) state.selected.add(row.id);
    else state.selected.delete(row.id);
    renderBulk();
  });
  const open = el(
    "button",
    { type: "button", class: "tk-row__open", onclick: () => openTicket(row.id) },
    el("span", { class: "tk-row__top" }, el("code", {}, row.number), el("span", { class: `chip chip--tk-${row.status}` }, t(`tk.status.${row.status}`)), el("span", { class: `tk-prio tk-prio--${row.priority}` }, t(`tk.priority.${row.priority}`))),
    el("span", { class: "tk-row__title" }, row.title || typeName(row.type_key)),
    el("span", { class: "tk-row__meta" }, el("span", {}, row.customer_name || `#${row.customer_id}`), el("span", {}, agentName(row.assignee_id)), slaChip(row)),
  );
  const active = state.current && state.current.ticket.id === row.id;
  return el("li", { class: `tk-row${active ? " is-active" : ""}`, dataset: { id: String(row.id), status: row.status } }, box, open);
}

function renderBulk() {
  const n = state.selected.size;
  $("tk-bulk").hidden = n === 0;
  $("tk-bulk-count").textContent = t("tk.selected", { n });
}

async function bulk(body) {
  try {
    const out = await api("POST", "/api/v1/tickets/bulk", { body: { ticket_ids: [...state.selected], ...body }, auth: auth() });
    const failed = Object.keys(out.failed).length;
    toast(failed ? t("tk.bulk_partial", { ok: out.changed.length, failed }) : t("tk.bulk_done", { n: out.changed.length }), failed ? "error" : "ok");
  } catch (err) {
    toast(errText(err), "error");
  }
  await loadList();
  if (state.current) await openTicket(state.current.ticket.id);
}

// ---- one ticket -------------------------------------------------------------------------------------

async function openTicket(id) {
  let detail;
  try {
    detail = await api("GET", `/api/v1/tickets/${id}`, { auth: auth() });
  } catch (err) {
    toast(errText(err), "error");
    return;
  }
  state.current = detail;
  const url = new URL(window.location.href);
  url.searchParams.set("id", String(id));
  history.replaceState(null, "", url);
  renderTicket();
  for (const li of document.querySelectorAll(".tk-row")) li.classList.toggle("is-active", li.dataset.id === String(id));
}

function metaSelect(label, id, pairs, value, onchange) {
  const select = el("select", { class: "select select--sm", id, "aria-label": label });
  options(select, pairs);
  select.value = value === null || value === undefined ? "" : String(value);
  select.addEventListener("change", () => onchange(select.value));
  return el("label", { class: "tk-meta" }, el("span", { class: "muted" }, label), select);
}

function renderTicket() {
  const { ticket } = state.current;
  $("tk-pick").hidden = true;
  $("tk-body").hidden = false;
  $("tk-number").textContent = ticket.number;
  $("tk-title").textContent = ticket.title || typeName(ticket.type_key);
  $("tk-status").className = `chip chip--tk-${ticket.status}`;
  $("tk-status").textContent = t(`tk.status.${ticket.status}`);
  $("tk-sla").replaceWith(Object.assign(slaChip(ticket), { id: "tk-sla" }));
  $("tk-meta").replaceChildren(
    metaSelect(t("tk.type"), "tk-type", state.types.filter((x) => x.enabled || x.key === ticket.type_key).map((x) => [x.key, x.name]), ticket.type_key, (v) => patch({ type_key: v })),
    metaSelect(t("tk.priority"), "tk-priority", PRIORITIES.map((p) => [p, t(`tk.priority.${p}`)]), ticket.priority, (v) => patch({ priority: v })),
    metaSelect(t("tk.group"), "tk-group", [["", "—"], ...state.groups.map((g) => [String(g.id), g.name])], ticket.skill_group_id, (v) => patch({ skill_group_id: v ? Number(v) : null })),
    metaSelect(t("tk.assignee"), "tk-assignee", [["", t("tk.nobody")], ...state.agents.map((a) => [String(a.user_id), a.display_name])], ticket.assignee_id, (v) => patch(v ? { assignee_id: Number(v) } : { assignee_id: null })),
    el("span", { class: "tk-meta" }, el("span", { class: "muted" }, t("tk.customer")), el("span", {}, ticket.customer_name || `#${ticket.customer_id}`)),
    el("span", { class: "tk-meta" }, el("span", { class: "muted" }, t("tk.source")), el("span", {}, t(`tk.source.${ticket.source}`))),
  );
  renderActions(ticket);
  renderFields(ticket);
  $("tk-timeline").replaceChildren(...state.current.timeline.map(renderEvent));
  $("tk-timeline").lastElementChild?.scrollIntoView({ block: "nearest" });
}

function renderActions(ticket) {
  const buttons = [];
  const add = (status, key, cls = "") => buttons.push(el("button", { type: "button", class: `btn btn--sm ${cls}`, dataset: { status }, onclick: () => setStatus(status) }, t(key)));
  if (["new", "pending"].includes(ticket.status)) add("open", "tk.act.open");
  if (["resolved", "closed"].includes(ticket.status)) add("open", "tk.act.reopen");
  if (["new", "open"].includes(ticket.status)) add("pending", "tk.act.pending");
  if (!["resolved", "closed"].includes(ticket.status)) add("resolved", "tk.act.resolved", "btn--primary");
  if (ticket.status !== "closed") add("closed", "tk.act.closed", "btn--danger");
  $("tk-actions").replaceChildren(...buttons);
}

function renderFields(ticket) {
  const defs = typeOf(ticket.type_key)?.fields || [];
  const keys = [...defs.map((f) => f.key), ...Object.keys(ticket.fields).filter((k) => !defs.some((f) => f.key === k))];
  const inputs = keys.map((key) => {
    const def = defs.find((f) => f.key === key) || { key, label: key, type: "text" };
    return fieldInput(def, ticket.fields[key] ?? "", "tkf");
  });
  const save = el("button", { type: "submit", class: "btn btn--sm", id: "tk-fields-save" }, t("tk.save_fields"));
  $("tk-fields").replaceChildren(...inputs, keys.length ? save : el("p", { class: "muted" }, t("tk.no_fields")));
  $("tk-fields").onsubmit = (event) => {
    event.preventDefault();
    const fields = {};
    for (const key of keys) {
      const value = $("tk-fields").querySelector(`[name="${CSS.escape(key)}"]`).value.trim();
      if (value !== (ticket.fields[key] ?? "")) fields[key] = value || null;
    }
    if (Object.keys(fields).length) patch({ fields });
  };
}

function fieldInput(def, value, prefix) {
  let input;
  if (def.type === "choice" && def.choices?.length) {
    input = el("select", { class: "select select--sm", name: def.key, id: `${prefix}-${def.key}` }, el("option", { value: "" }, "—"), ...def.choices.map((c) => el("option", { value: c }, c)));
    input.value = value;
  } else {
    input = el("input", { name: def.key, id: `${prefix}-${def.key}`, type: def.type === "date" ? "date" : def.type === "phone" ? "tel" : "text", value, maxlength: "200", required: def.required && prefix === "new" });
  }
  return el("label", { class: "kfield" }, el("span", {}, def.label + (def.required ? " *" : "")), input);
}

function describe(event) {
  const d = event.data || {};
  const show = (field, value) => {
    if (value === null || value === undefined || value === "") return "—";
    if (field === "status") return t(`tk.status.${value}`);
    if (field === "priority") return t(`tk.priority.${value}`);
    if (field === "assignee_id") return agentName(value);
    if (field === "skill_group_id") return groupName(value);
    if (field === "type_key") return typeName(value);
    return String(value);
  };
  switch (event.kind) {
    case "created":
      return t("tk.ev.created");
    case "status":
      return t("tk.ev.status", { before: show("status", d.before), after: show("status", d.after) });
    case "assignee":
      return t("tk.ev.assignee", { before: show("assignee_id", d.before), after: show("assignee_id", d.after) });
    case "field":
      return t("tk.ev.field", { field: d.field || "", before: show(d.field, d.before), after: show(d.field, d.after) });
    case "link":
      return t("tk.ev.link", { id: d.conversation_id ?? "" });
    case "sla":
      return t("tk.ev.sla", { kind: d.kind || d.clock || "" });
    case "attachment":
      return t("tk.ev.attachment", { name: d.filename || d.name || "" });
    default:
      return "";
  }
}

function actorName(event) {
  if (event.actor_kind === "customer") return state.current.ticket.customer_name || t("tk.actor.customer");
  if (event.actor_kind === "system") return t("tk.actor.system");
  return agentName(event.actor_id);
}

function renderEvent(event) {
  const text = ["reply", "note"].includes(event.kind);
  const label = event.kind === "note" ? t("tk.ev.note") : event.kind === "reply" ? (event.actor_kind === "customer" ? t("tk.ev.customer_reply") : t("tk.ev.reply")) : describe(event);
  return el(
    "li",
    { class: `tk-ev tk-ev--${event.kind} tk-ev--by-${event.actor_kind}`, dataset: { kind: event.kind } },
    el("div", { class: "tk-ev__head" }, el("strong", {}, actorName(event)), el("span", { class: "tk-ev__what" }, label), el("time", { datetime: event.created_at, class: "muted" }, fullTime(event.created_at))),
    text || (event.body && event.kind !== "created") ? el("p", { class: "tk-ev__body" }, event.body) : null,
  );
}

async function patch(body) {
  const id = state.current.ticket.id;
  try {
    await api("PATCH", `/api/v1/tickets/${id}`, { body, auth: auth() });
    toast(t("tk.saved"));
  } catch (err) {
    toast(errText(err), "error");
  }
  await Promise.all([openTicket(id), loadList()]);
}

async function setStatus(status) {
  const { ticket } = state.current;
  const complaint = ticket.type_key === "complaint";
  if ((status === "resolved" || status === "closed") && complaint) {
    pendingStatus = status;
    await askResolution(t("tk.resolution_title"), t("tk.resolution"));
    return;
  }
  if (status === "closed" && !(await confirmBox(t("tk.confirm_close", { number: ticket.number }), t("tk.act.closed"), t("tk.cancel")))) return;
  await patch({ status });
}

// ---- dialogs: resolution note, new ticket ----------------------------------------------------------

let dialogDone = null;

function openDialog(title, children, onsubmit) {
  $("tk-dialog-title").textContent = title;
  $("tk-dialog-fields").replaceChildren(...children);
  $("tk-dialog-error").hidden = true;
  $("tk-dialog").hidden = false;
  $("tk-dialog-fields").querySelector("input, textarea, select")?.focus();
  dialogDone = onsubmit;
}

function closeDialog() {
  $("tk-dialog").hidden = true;
  dialogDone = null;
}

function dialogError(text) {
  $("tk-dialog-error").textContent = text;
  $("tk-dialog-error").hidden = false;
}

let pendingStatus = "resolved";

/** A complaint's resolution note, sent with the status; empty is sent too, so the server's 422
 * resolution_required shows in the dialog (the rule lives on the server, not here). */
function askResolution(title, label) {
  return new Promise((resolve) => {
    const area = el("textarea", { id: "tk-resolution", rows: "3", maxlength: "5000" });
    openDialog(title, [el("label", { class: "kfield" }, el("span", {}, label), area)], async () => {
      const id = state.current.ticket.id;
      const status = pendingStatus;
      try {
        await api("PATCH", `/api/v1/tickets/${id}`, { body: { status, resolution: area.value.trim() }, auth: auth() });
      } catch (err) {
        dialogError(errText(err));
        return;
      }
      closeDialog();
      toast(t("tk.saved"));
      resolve(null);
      await Promise.all([openTicket(id), loadList()]);
    });
    $("tk-dialog-cancel").onclick = () => {
      closeDialog();
      resolve(null);
    };
  });
}

function newTicketDialog() {
  const type = el("select", { class: "select", id: "new-type" }, ...state.types.filter((x) => x.enabled).map((x) => el("option", { value: x.key }, x.name)));
  const fieldsBox = el("div", { class: "tk-new-fields" });
  const renderTypeFields = () => fieldsBox.replaceChildren(...(typeOf(type.value)?.fields || []).map((f) => fieldInput(f, "", "new")));
  type.addEventListener("change", renderTypeFields);
  renderTypeFields();
  const prio = el("select", { class: "select", id: "new-priority" }, ...PRIORITIES.map((p) => el("option", { value: p }, t(`tk.priority.${p}`))));
  prio.value = "normal";
  const input = (id, key, attrs = {}) => el("label", { class: "kfield" }, el("span", {}, t(key)), el("input", { id, maxlength: "200", ...attrs }));
  const desc = el("textarea", { id: "new-description", rows: "3", maxlength: "5000" });
  openDialog(
    t("tk.new_title"),
    [
      el("div", { class: "kfield-row" }, el("label", { class: "kfield" }, el("span", {}, t("tk.type")), type), el("label", { class: "kfield" }, el("span", {}, t("tk.priority")), prio)),
      input("new-title", "tk.title_label", { required: true }),
      el("div", { class: "kfield-row" }, input("new-name", "tk.customer_name"), input("new-phone", "tk.customer_phone", { type: "tel", maxlength: "40", required: true })),
      fieldsBox,
      el("label", { class: "kfield" }, el("span", {}, t("tk.description")), desc),
    ],
    async () => {
      const fields = {};
      for (const node of fieldsBox.querySelectorAll("[name]")) if (node.value.trim()) fields[node.name] = node.value.trim();
      const body = {
        type_key: type.value,
        priority: prio.value,
        title: $("new-title").value.trim(),
        customer_name: $("new-name").value.trim(),
        customer_phone: $("new-phone").value.trim(),
        description: desc.value.trim(),
        fields,
        assignee_id: state.me.id,
      };
      let out;
      try {
        out = await api("POST", "/api/v1/tickets", { body, auth: auth() });
      } catch (err) {
        dialogError(errText(err));
        return;
      }
      closeDialog();
      toast(t("tk.created", { number: out.ticket.number }));
      await loadList();
      await openTicket(out.ticket.id);
    },
  );
  $("tk-dialog-cancel").onclick = closeDialog;
}

// ---- the reply box ----------------------------------------------------------------------------------

function setMode(mode) {
  state.mode = mode;
  for (const b of document.querySelectorAll(".tk-compose__tabs .seg__btn")) {
    b.classList.toggle("is-active", b.dataset.mode === mode);
    b.setAttribute("aria-selected", String(b.dataset.mode === mode));
  }
  $("tk-compose").classList.toggle("is-note", mode === "note");
  $("tk-text").placeholder = t(mode === "note" ? "tk.note_placeholder" : "tk.reply_placeholder");
  $("tk-send").textContent = t(mode === "note" ? "tk.send_note" : "tk.send");
}

async function send(event) {
  event.preventDefault();
  const body = $("tk-text").value.trim();
  if (!body || !state.current) return;
  const id = state.current.ticket.id;
  const path = state.mode === "note" ? "notes" : "replies";
  $("tk-send").disabled = true;
  try {
    await api("POST", `/api/v1/tickets/${id}/${path}`, { body: { body }, auth: auth() });
    $("tk-text").value = "";
  } catch (err) {
    toast(errText(err), "error");
  } finally {
    $("tk-send").disabled = false;
  }
  await Promise.all([openTicket(id), loadList()]);
}

// ---- start ------------------------------------------------------------------------------------------

async function start() {
  state.me = await signedIn();
  if (!state.me) return;
  const [types, agents, groups] = await Promise.all([
    api("GET", "/api/v1/ticket-types", { auth: auth() }).catch(() => ({ types: [] })),
    api("GET", "/api/v1/routing/agents", { auth: auth() }).catch(() => ({ agents: [] })),
    api("GET", "/api/v1/routing/groups", { auth: auth() }).catch(() => ({ groups: [] })),
  ]);
  state.types = types.types;
  state.agents = agents.agents;
  state.groups = groups.groups;
  options($("tk-f-status"), STATUSES.map((s) => [s, t(`tk.status.${s}`)]), t("tk.all_active"));
  options($("tk-f-type"), state.types.map((x) => [x.key, x.name]), t("tk.all_types"));
  options($("tk-f-priority"), PRIORITIES.map((p) => [p, t(`tk.priority.${p}`)]), t("tk.all_priorities"));
  options($("tk-bulk-agent"), state.agents.map((a) => [String(a.user_id), a.display_name]));
  for (const button of document.querySelectorAll("#tk-views .seg__btn")) {
    button.addEventListener("click", () => {
      state.view = button.dataset.view;
      loadList();
    });
  }
  for (const id of ["tk-f-status", "tk-f-type", "tk-f-priority"]) $(id).addEventListener("change", () => loadList());
  let timer = null;
  $("tk-q").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => loadList(), 250);
  });
  $("tk-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    loadList();
  });
  $("tk-more").addEventListener("click", () => loadList(true));
  $("tk-bulk-assign").addEventListener("click", () => bulk({ assignee_id: Number($("tk-bulk-agent").value) }));
  $("tk-bulk-close").addEventListener("click", async () => {
    if (await confirmBox(t("tk.confirm_bulk_close", { n: state.selected.size }), t("tk.bulk_close"), t("tk.cancel"))) bulk({ status: "closed" });
  });
  $("tk-new").addEventListener("click", newTicketDialog);
  $("tk-dialog-form").addEventListener("submit", (event) => {
    event.preventDefault();
    dialogDone?.();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("tk-dialog").hidden) $("tk-dialog-cancel").click();
  });
  for (const b of document.querySelectorAll(".tk-compose__tabs .seg__btn")) b.addEventListener("click", () => setMode(b.dataset.mode));
  $("tk-compose").addEventListener("submit", send);
  setMode("reply");
  const wanted = Number(new URL(window.location.href).searchParams.get("id"));
  if (wanted) state.view = "";
  await loadList();
  if (wanted) await openTicket(wanted);
  document.body.classList.add("is-ready");
}

start();
