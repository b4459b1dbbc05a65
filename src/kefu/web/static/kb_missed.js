// Questions the bot could not answer (or answered unhelpfully): turn one into a new entry, add it as a
// similar question of the entry it came closest to, or dismiss it.

import { api, el, fullTime } from "./api.js";
import { openDrawer } from "./kb_editor.js";
import { auth, lines, notice, state } from "./kb_state.js";
import { $, errText, t } from "./staff_page.js";
import { toast } from "./toast.js";

export async function loadMissed() {
  if (!state.editor) return;
  const all = $("missed-resolved").checked;
  let rows;
  try {
    rows = (await api("GET", `/api/v1/bot/missed?limit=200&include_resolved=${all}`, { auth: auth() })).missed;
  } catch (err) {
    notice(errText(err), "error");
    return;
  }
  state.missed = rows;
  if (!all) $("count-missed").textContent = String(rows.length);
  $("count-missed").classList.toggle("tab__count--hot", !all && rows.length > 0);
  $("missed").replaceChildren(...rows.map(missedRow));
  $("missed-empty").hidden = rows.length > 0;
}

function missedRow(row) {
  const create = el("button", { type: "button", class: "btn btn--sm btn--primary" }, t("kb.missed.create"));
  create.addEventListener("click", () => {
    openDrawer(null, { question: row.text });
    state.fromMissed = row;
  });
  const dismiss = el("button", { type: "button", class: "btn btn--sm" }, t("kb.missed.dismiss"));
  dismiss.addEventListener("click", () => resolveMissed(row));
  const hasBest = row.best_entry_id !== null && row.best_entry_id !== undefined;
  let best = null;
  let addSimilar = null;
  if (hasBest) {
    const label =
      row.reason === "unhelpful" || row.best_confidence === null
        ? t("kb.missed.answered", { id: row.best_entry_id })
        : t("kb.missed.best", { id: row.best_entry_id, c: Number(row.best_confidence).toFixed(2) });
    best = el("button", { type: "button", class: "linkish" }, label);
    best.addEventListener("click", () => openEntryById(row.best_entry_id));
    addSimilar = el("button", { type: "button", class: "btn btn--sm" }, t("kb.missed.add_similar"));
    addSimilar.addEventListener("click", () => openEntryById(row.best_entry_id, row));
  }
  return el(
    "li",
    { class: `missed${row.resolved ? " is-resolved" : ""}`, dataset: { id: String(row.id) } },
    el(
      "div",
      { class: "missed__body" },
      el("div", { class: "missed__text" }, row.text),
      el(
        "div",
        { class: "missed__meta" },
        el("span", { class: `tag tag--${row.reason}` }, t(`kb.missed.${row.reason}`)),
        el("span", {}, t("kb.missed.conversation", { id: row.conversation_id })),
        best,
        el("time", { datetime: row.created_at }, fullTime(row.created_at)),
      ),
    ),
    row.resolved ? el("span", { class: "tag tag--ok" }, t("kb.missed.resolved")) : el("div", { class: "missed__actions" }, dismiss, addSimilar, create),
  );
}

/** Open an entry by id; with ``missed``, its text is added as a similar question (saving resolves it). */
async function openEntryById(id, missed = null) {
  let entry;
  try {
    entry = (await api("GET", `/api/v1/kb/entries/${id}`, { auth: auth() })).entry;
  } catch (err) {
    toast(errText(err), "error");
    return;
  }
  openDrawer(entry);
  if (missed) {
    const similar = lines($("f-similar").value);
    if (!similar.includes(missed.text.trim())) similar.push(missed.text.trim());
    $("f-similar").value = similar.join("\n");
    state.fromMissed = missed;
    $("f-similar").focus();
    $("f-similar").scrollTop = $("f-similar").scrollHeight;
  }
}

export async function resolveMissed(row, { quiet = false } = {}) {
  try {
    await api("POST", `/api/v1/bot/missed/${row.id}/resolve`, { auth: auth() });
  } catch (err) {
    if (!quiet) toast(errText(err), "error");
  }
  loadMissed();
}
