// The bot's settings page (/console/settings): the answer and clarify thresholds, how many failed answers
// before a person takes over, and the hand-over triggers. Admins change them (the running bot uses them
// from the next message on); supervisors may look. Values left alone follow the server's defaults.

import { api } from "./api.js";
import { confirmBox } from "./confirm.js";
import { $, errText, signedIn, t } from "./staff_page.js";
import { toast } from "./toast.js";

const THRESHOLDS = ["answer_threshold", "clarify_threshold"];
const TRIGGERS = ["handover_on_request", "handover_on_negative", "handover_on_vip", "handover_on_sensitive"];
const FIELDS = [...THRESHOLDS, "max_failures", ...TRIGGERS];

const state = { me: null, loaded: null }; // loaded: the server's answer {settings, defaults, overridden}

function shown(name, value) {
  if (TRIGGERS.includes(name)) return value ? t("set.on") : t("set.off");
  return THRESHOLDS.includes(name) ? Number(value).toFixed(2) : String(value);
}

/** The form's values, as the API wants them. */
function formValues() {
  const values = {};
  for (const name of FIELDS) {
    const input = $(`s-${name}`);
    if (TRIGGERS.includes(name)) values[name] = input.checked;
    else values[name] = input.value.trim() === "" ? Number.NaN : Number(input.value);
  }
  return values;
}

/** What the admin changed compared with what is saved. */
function changes() {
  const values = formValues();
  return Object.fromEntries(FIELDS.filter((name) => values[name] !== state.loaded.settings[name]).map((name) => [name, values[name]]));
}

/** The first problem with the form's values (the server checks again), or "". */
function problem(values) {
  for (const name of THRESHOLDS) {
    if (!Number.isFinite(values[name]) || values[name] < 0 || values[name] > 1) return [name, t("err.bad_threshold")];
  }
  if (values.clarify_threshold > values.answer_threshold) return ["clarify_threshold", t("err.clarify_above_answer")];
  const failures = values.max_failures;
  const changed = failures !== state.loaded.settings.max_failures; // the server's default may be 0 (never)
  if (changed && (!Number.isInteger(failures) || failures < 1 || failures > 10)) return ["max_failures", t("err.bad_max_failures")];
  return null;
}

function fill(data) {
  state.loaded = data;
  for (const name of FIELDS) {
    const value = data.settings[name];
    if (TRIGGERS.includes(name)) $(`s-${name}`).checked = value;
    else $(`s-${name}`).value = THRESHOLDS.includes(name) ? value.toFixed(2) : String(value);
    if (THRESHOLDS.includes(name)) $(`s-${name}-range`).value = String(value);
    document.querySelector(`[data-default-for="${name}"]`).textContent = t("set.default", { value: shown(name, data.defaults[name]) });
  }
  refresh();
}

/** Mark changed and overridden rows, show the first problem, and enable the buttons that apply. */
function refresh() {
  const changed = changes();
  const bad = problem(formValues());
  for (const row of document.querySelectorAll(".set-row")) {
    const name = row.dataset.setting;
    row.classList.toggle("is-changed", name in changed);
    row.classList.toggle("is-overridden", state.loaded.overridden.includes(name));
    row.querySelector(".set-number, .switch").setAttribute("aria-invalid", String(Boolean(bad && bad[0] === name)));
  }
  $("set-error").textContent = bad ? bad[1] : "";
  $("set-error").hidden = !bad;
  const dirty = Object.keys(changed).length > 0;
  $("set-save").disabled = !dirty || Boolean(bad);
  $("set-undo").disabled = !dirty;
  $("set-defaults").disabled = state.loaded.overridden.length === 0;
  $("set-state").textContent = dirty ? t("set.unsaved", { n: Object.keys(changed).length }) : "";
}

async function put(body, done) {
  $("set-save").disabled = true;
  try {
    fill(await api("PUT", "/api/v1/bot/settings", { body, auth: state.me.auth() }));
    toast(done);
  } catch (err) {
    $("set-error").textContent = errText(err);
    $("set-error").hidden = false;
    $("set-save").disabled = false;
  }
}

function wire() {
  for (const name of THRESHOLDS) {
    const range = $(`s-${name}-range`);
    const number = $(`s-${name}`);
    range.addEventListener("input", () => {
      number.value = Number(range.value).toFixed(2);
      refresh();
    });
    number.addEventListener("input", () => {
      if (number.value !== "" && Number.isFinite(Number(number.value))) range.value = number.value;
      refresh();
    });
  }
  $("s-max_failures").addEventListener("input", refresh);
  for (const name of TRIGGERS) $(`s-${name}`).addEventListener("change", refresh);
  $("bot-settings").addEventListener("submit", (event) => {
    event.preventDefault();
    const changed = changes();
    if (Object.keys(changed).length && !problem(formValues())) put(changed, t("set.saved"));
  });
  $("set-undo").addEventListener("click", () => fill(state.loaded));
  $("set-defaults").addEventListener("click", async () => {
    if (!(await confirmBox(t("set.confirm_defaults"), t("set.defaults"), t("kb.cancel")))) return;
    put(Object.fromEntries(state.loaded.overridden.map((name) => [name, null])), t("set.restored"));
  });
  window.addEventListener("beforeunload", (event) => {
    if (state.loaded && Object.keys(changes()).length) event.preventDefault();
  });
}

async function start() {
  state.me = await signedIn();
  if (!state.me) return;
  if (!state.me.supervisor) {
    $("set-forbidden").hidden = false;
    document.body.classList.add("is-ready");
    return;
  }
  wire();
  fill(await api("GET", "/api/v1/bot/settings", { auth: state.me.auth() }));
  if (!state.me.admin) {
    $("set-readonly").hidden = false;
    $("set-actions").hidden = true;
    for (const input of document.querySelectorAll("#bot-settings input")) input.disabled = true;
  }
  $("bot-settings").hidden = false;
  document.body.classList.add("is-ready");
}

start().catch((err) => {
  console.error(err);
  toast(errText(err), "error");
});
