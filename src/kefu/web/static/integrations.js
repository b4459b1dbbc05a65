// The backend actions page (/console/integrations): the company's actions that flows call — URL, shared
// secret, timeout, attempts, private addresses, on/off — and a 测试 button that calls one with JSON params
// and shows the outcome. Admins change and test; supervisors may look. The secret is never sent back by
// the server: the page shows only its last four characters, and an empty secret field keeps it.

import { api, el, shortTime } from "./api.js";
import { confirmBox } from "./confirm.js";
import { $, errText, signedIn, t } from "./staff_page.js";
import { toast } from "./toast.js";

const NUMBERS = ["timeout_ms", "max_attempts"];
const SWITCHES = ["enabled", "allow_private"];
const TEXTS = ["description", "url"];
const KINDS = { ok: "assigned", not_found: "closed", refused: "queued", unavailable: "unavailable" };

const state = { me: null, actions: [], selected: null }; // selected: an action's name, "" for a new one, null

const current = () => state.actions.find((a) => a.name === state.selected) || null;

function renderList() {
  const list = $("int-list");
  list.replaceChildren(
    ...state.actions.map((action) =>
      el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            class: `int-item${action.name === state.selected ? " is-active" : ""}`,
            "aria-current": action.name === state.selected ? "true" : null,
            onclick: () => select(action.name),
          },
          el(
            "span",
            { class: "int-item__top" },
            el("code", { class: "int-item__name" }, action.name),
            el("span", { class: `chip ${action.enabled ? "chip--assigned" : "chip--closed"}` }, t(action.enabled ? "int.on" : "int.off")),
            action.allow_private ? el("span", { class: "chip chip--queued", title: t("int.allow_private") }, t("int.private")) : null,
          ),
          action.description ? el("span", { class: "int-item__desc" }, action.description) : null,
          el("span", { class: "int-item__url muted" }, action.url),
          el(
            "span",
            { class: "int-item__meta muted" },
            t("int.meta", { timeout: action.timeout_ms, attempts: action.max_attempts }),
            " · ",
            action.secret_set ? t("int.secret_tail", { last4: action.secret_last4 || "…" }) : t("int.no_secret"),
          ),
        ),
      ),
    ),
  );
  $("int-empty").hidden = state.actions.length > 0;
  $("int-count").textContent = t("int.count", { n: state.actions.length });
}

function showError(id, text) {
  $(id).textContent = text || "";
  $(id).hidden = !text;
}

/** Show the form for ``name`` (an existing action), "" (a new one) or nothing (null). */
function select(name) {
  state.selected = name;
  const action = current();
  const creating = name === "";
  $("int-pick").hidden = name !== null;
  $("int-form").hidden = name === null;
  $("int-test").hidden = !action || !state.me.admin;
  showError("int-error", "");
  if (name !== null) {
    $("int-form-title").textContent = creating ? t("int.new") : action.name;
    $("f-name").value = creating ? "" : action.name;
    $("f-name").disabled = !creating || !state.me.admin;
    $("f-name").closest("label").hidden = !creating;
    $("f-description").value = action ? action.description : "";
    $("f-url").value = action ? action.url : "";
    $("f-secret").value = "";
    $("f-secret").placeholder = action && action.secret_set ? t("int.secret.keep", { last4: action.secret_last4 || "…" }) : "";
    $("f-secret-help").textContent = t(action ? "int.secret.help_edit" : "int.secret.help");
    $("f-timeout_ms").value = String(action ? action.timeout_ms : 5000);
    $("f-max_attempts").value = String(action ? action.max_attempts : 3);
    $("f-enabled").checked = action ? action.enabled : true;
    $("f-allow_private").checked = action ? action.allow_private : false;
    $("int-delete").hidden = creating;
    $("int-updated").textContent = action
      ? t("int.updated", { time: shortTime(action.updated_at), name: action.updated_by_name || "—" })
      : "";
    $("t-result").hidden = true;
    showError("t-error", "");
    if (creating) $("f-name").focus();
    // One column (phones): the form is below the list, so bring it into view.
    if (window.matchMedia("(max-width: 900px)").matches) $("int-form").scrollIntoView({ block: "start" });
  }
  renderList();
}

/** The fields to send: everything for a new action, only what changed for an existing one. */
function formBody() {
  const action = current();
  const values = {};
  for (const name of TEXTS) values[name] = $(`f-${name}`).value.trim();
  for (const name of NUMBERS) values[name] = Number($(`f-${name}`).value);
  for (const name of SWITCHES) values[name] = $(`f-${name}`).checked;
  const secret = $("f-secret").value;
  if (!action) return { name: $("f-name").value.trim(), ...values, secret };
  const changed = Object.fromEntries(Object.entries(values).filter(([key, value]) => value !== action[key]));
  if (secret) changed.secret = secret;
  return changed;
}

/** The first problem the server would report anyway, caught before sending. */
function problem(body) {
  if ("name" in body && !/^[a-z][a-z0-9_]{0,63}$/.test(body.name)) return t("err.bad_action_name");
  if ("url" in body && !/^https?:\/\/\S+$/i.test(body.url)) return t("err.bad_url");
  if ("secret" in body && (body.secret.length < 16 || body.secret.length > 256)) return t("err.bad_secret");
  if ("timeout_ms" in body && !(Number.isInteger(body.timeout_ms) && body.timeout_ms >= 100 && body.timeout_ms <= 60000)) return t("err.bad_timeout");
  if ("max_attempts" in body && !(Number.isInteger(body.max_attempts) && body.max_attempts >= 1 && body.max_attempts <= 5)) return t("err.bad_max_attempts");
  return "";
}

async function reload(select_name) {
  state.actions = (await api("GET", "/api/v1/integrations/actions", { auth: state.me.auth() })).actions;
  select(state.actions.some((a) => a.name === select_name) ? select_name : null);
}

async function save(event) {
  event.preventDefault();
  const creating = state.selected === "";
  const body = formBody();
  const bad = problem(body);
  if (bad) return showError("int-error", bad);
  if (!creating && Object.keys(body).length === 0) return toast(t("int.unchanged"));
  $("int-save").disabled = true;
  try {
    const path = creating ? "/api/v1/integrations/actions" : `/api/v1/integrations/actions/${encodeURIComponent(state.selected)}`;
    const saved = (await api(creating ? "POST" : "PUT", path, { body, auth: state.me.auth() })).action;
    await reload(saved.name);
    toast(t("int.saved"));
  } catch (err) {
    showError("int-error", errText(err));
  } finally {
    $("int-save").disabled = false;
  }
}

async function remove() {
  const name = state.selected;
  if (!(await confirmBox(t("int.confirm_delete", { name }), t("int.delete"), t("int.cancel")))) return;
  try {
    await api("DELETE", `/api/v1/integrations/actions/${encodeURIComponent(name)}`, { auth: state.me.auth() });
    await reload(null);
    toast(t("int.deleted", { name }));
  } catch (err) {
    showError("int-error", errText(err));
  }
}

async function runTest() {
  let params;
  try {
    params = JSON.parse($("t-params").value.trim() || "{}");
  } catch {
    return showError("t-error", t("int.bad_json"));
  }
  if (params === null || typeof params !== "object" || Array.isArray(params)) return showError("t-error", t("int.bad_json"));
  showError("t-error", "");
  $("t-run").disabled = true;
  $("t-run").textContent = t("int.running");
  try {
    const path = `/api/v1/integrations/actions/${encodeURIComponent(state.selected)}/test`;
    const { outcome } = await api("POST", path, { body: { params }, auth: state.me.auth() });
    $("t-kind").className = `chip chip--${KINDS[outcome.kind]}`;
    $("t-kind").textContent = t(`int.kind.${outcome.kind}`);
    $("t-figures").textContent = t("int.figures", { attempts: outcome.attempts, ms: Math.round(outcome.elapsed_ms), backend: Math.round(outcome.backend_ms) });
    $("t-message").textContent = outcome.message || "";
    $("t-message").hidden = !outcome.message;
    $("t-data").textContent = JSON.stringify(outcome.data, null, 2);
    $("t-result").hidden = false;
  } catch (err) {
    showError("t-error", errText(err));
  } finally {
    $("t-run").disabled = false;
    $("t-run").textContent = t("int.run");
  }
}

async function start() {
  state.me = await signedIn();
  if (!state.me) return;
  if (!state.me.supervisor) {
    $("int-forbidden").hidden = false;
    document.body.classList.add("is-ready");
    return;
  }
  $("int-form").addEventListener("submit", save);
  $("int-cancel").addEventListener("click", () => select(null));
  $("int-delete").addEventListener("click", remove);
  $("t-run").addEventListener("click", runTest);
  $("int-new").addEventListener("click", () => select(""));
  if (state.me.admin) $("int-new").hidden = false;
  else {
    $("int-readonly").hidden = false;
    $("int-actions").hidden = true;
    for (const input of document.querySelectorAll("#int-form input")) input.disabled = true;
  }
  await reload(null);
  $("int-layout").hidden = false;
  document.body.classList.add("is-ready");
}

start().catch((err) => {
  console.error(err);
  toast(errText(err), "error");
});
