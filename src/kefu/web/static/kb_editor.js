// The knowledge-base entry editor: the drawer that shows, creates, edits and deletes one entry (agents
// may only look), and saving an answer for a missed question.

import { api, el } from "./api.js";
import { confirmBox } from "./confirm.js";
import { loadCounts, loadEntries } from "./kb_entries.js";
import { resolveMissed } from "./kb_missed.js";
import { auth, commaList, lines, state } from "./kb_state.js";
import { $, errText, t } from "./staff_page.js";
import { toast } from "./toast.js";

/** ISO time → the value of a datetime-local input (local time), and back. */
function toLocalInput(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function fromLocalInput(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}


export function openDrawer(entry, prefill = {}) {
  state.editing = entry;
  state.fromMissed = null;
  const form = $("entry-form");
  form.reset();
  $("entry-error").hidden = true;
  $("drawer-title").textContent = entry
    ? t(state.editor ? "kb.drawer.edit" : "kb.drawer.view", { id: entry.id })
    : t("kb.drawer.new");
  const value = entry || {
    question: prefill.question || "",
    similar: [],
    answer: "",
    category: "",
    group: null,
    keywords: [],
    quick_replies: [],
    handover: false,
    enabled: true,
    valid_from: null,
    valid_until: null,
  };
  $("f-question").value = value.question;
  $("f-similar").value = (value.similar || []).join("\n");
  $("f-answer").value = value.answer;
  $("f-category").value = value.category || "";
  renderGroups(value.group);
  $("f-keywords").value = (value.keywords || []).join(", ");
  $("f-quick").value = (value.quick_replies || []).join("\n");
  $("f-from").value = toLocalInput(value.valid_from);
  $("f-until").value = toLocalInput(value.valid_until);
  $("f-enabled").checked = value.enabled;
  $("f-handover").checked = value.handover;
  for (const field of form.querySelectorAll("input, textarea, select")) field.disabled = !state.editor;
  $("save-entry").hidden = !state.editor;
  $("delete-entry").hidden = !(state.editor && entry);
  $("cancel-entry").textContent = state.editor ? t("kb.cancel") : t("kb.dismiss");
  $("drawer").hidden = false;
  $("drawer-backdrop").hidden = false;
  document.body.classList.add("has-drawer");
  requestAnimationFrame(() => (entry ? $("f-question") : prefill.question ? $("f-answer") : $("f-question")).focus());
}

export function closeDrawer() {
  $("drawer").hidden = true;
  $("drawer-backdrop").hidden = true;
  document.body.classList.remove("has-drawer");
  state.editing = null;
  state.fromMissed = null;
}

function renderGroups(selected) {
  const select = $("f-group");
  const names = state.groups.map((g) => g.name);
  if (selected && !names.includes(selected)) names.push(selected);
  select.replaceChildren(el("option", { value: "" }, t("kb.no_group")), ...names.map((n) => el("option", { value: n }, n)));
  select.value = selected || "";
}

function formBody() {
  return {
    question: $("f-question").value.trim(),
    answer: $("f-answer").value.trim(),
    similar: lines($("f-similar").value),
    category: $("f-category").value.trim(),
    group: $("f-group").value || null,
    keywords: commaList($("f-keywords").value),
    quick_replies: lines($("f-quick").value),
    handover: $("f-handover").checked,
    enabled: $("f-enabled").checked,
    valid_from: fromLocalInput($("f-from").value),
    valid_until: fromLocalInput($("f-until").value),
  };
}

function formError(text) {
  $("entry-error").textContent = text;
  $("entry-error").hidden = false;
}

export async function saveEntry(event) {
  event.preventDefault();
  if (!state.editor) return;
  const body = formBody();
  if (!body.question) {
    formError(t("kb.need_question"));
    $("f-question").focus();
    return;
  }
  if (!body.answer) {
    formError(t("kb.need_answer"));
    $("f-answer").focus();
    return;
  }
  const save = $("save-entry");
  save.disabled = true;
  save.textContent = t("kb.saving");
  const entry = state.editing;
  const missed = state.fromMissed;
  try {
    if (entry) await api("PUT", `/api/v1/kb/entries/${entry.id}`, { body, auth: auth() });
    else await api("POST", "/api/v1/kb/entries", { body, auth: auth() });
    if (missed) await resolveMissed(missed, { quiet: true });
    closeDrawer();
    toast(t("kb.saved"));
    if (body.category) state.categories.add(body.category);
    await Promise.all([loadEntries(), loadCounts()]);
  } catch (err) {
    formError(errText(err));
  } finally {
    save.disabled = false;
    save.textContent = t("kb.save");
  }
}

export async function deleteEntry() {
  const entry = state.editing;
  if (!entry) return;
  if (!(await confirmBox(t("kb.confirm_delete", { q: entry.question }), t("kb.delete"), t("kb.cancel")))) return;
  try {
    await api("DELETE", `/api/v1/kb/entries/${entry.id}`, { auth: auth() });
    closeDrawer();
    toast(t("kb.deleted"));
    await Promise.all([loadEntries(), loadCounts()]);
  } catch (err) {
    formError(errText(err));
  }
}
