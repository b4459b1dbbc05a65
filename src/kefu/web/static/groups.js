// Skill groups (/console/groups): create and rename them, set their routing (strategy, capacity) and
// their business hours (time zone, the week, holidays, the off-hours text customers see). Admins change;
// supervisors look. Hours are sent as the JSON kefu/routing/hours.py validates (the server answers a bad
// period with a 422 naming it); special days set through the API are kept as they are.

import { api, el } from "./api.js";
import { $, errText, signedIn, t } from "./staff_page.js";
import { toast } from "./toast.js";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const PERIOD = /^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const state = { me: null, groups: [], current: null };

function periods(text) {
  return text.split(/[,，;；\s]+/).map((p) => p.trim()).filter(Boolean);
}

function renderList() {
  $("grp-list").replaceChildren(
    ...state.groups.map((group) => {
      const button = el(
        "button",
        { type: "button", class: `grp-item${state.current && state.current.id === group.id ? " is-active" : ""}`, dataset: { id: String(group.id) } },
        el("strong", {}, group.name),
        el("small", {}, group.hours ? t("grp.has_hours") : t("grp.always_open_short")),
      );
      button.addEventListener("click", () => select(group.id));
      return el("li", {}, button);
    }),
  );
}

function select(id) {
  state.current = state.groups.find((g) => g.id === id) || null;
  renderList();
  const group = state.current;
  if (!group) return;
  $("grp-form-title").textContent = group.name;
  $("g-name").value = group.name;
  $("g-description").value = group.description || "";
  $("g-strategy").value = group.strategy;
  $("g-capacity").value = String(group.default_capacity);
  $("g-off-hours").value = group.off_hours_text || "";
  const hours = group.hours || null;
  $("g-always").checked = !hours;
  $("g-timezone").value = (hours && hours.timezone) || "Asia/Shanghai";
  for (const day of DAYS) $(`g-day-${day}`).value = hours && hours.weekly && hours.weekly[day] ? hours.weekly[day].join(", ") : "";
  $("g-holidays").value = hours && hours.holidays ? hours.holidays.join(", ") : "";
  $("grp-error").hidden = true;
  toggleHours();
}

function toggleHours() {
  const always = $("g-always").checked;
  for (const id of ["g-week", "g-timezone-field", "g-holidays-field"]) $(id).hidden = always;
  for (const id of ["g-week", "g-timezone", "g-holidays"]) $(id).disabled = !state.me.admin;
}

/** The hours the form describes, or a problem to show. */
function hoursSpec() {
  const weekly = {};
  for (const day of DAYS) {
    const input = $(`g-day-${day}`);
    const list = periods(input.value);
    const bad = list.find((p) => !PERIOD.test(p));
    input.setAttribute("aria-invalid", String(Boolean(bad)));
    if (bad) return { problem: t("grp.bad_period", { period: bad }) };
    if (list.length) weekly[day] = list;
  }
  const holidays = periods($("g-holidays").value);
  const spec = { timezone: $("g-timezone").value.trim() || "Asia/Shanghai", weekly, holidays };
  const old = state.current.hours;
  if (old && old.special_days) spec.special_days = old.special_days;
  return { spec };
}

async function save() {
  const group = state.current;
  $("grp-error").hidden = true;
  const body = {
    strategy: $("g-strategy").value,
    default_capacity: Number($("g-capacity").value),
    off_hours_text: $("g-off-hours").value.trim(),
  };
  if ($("g-always").checked) body.always_open = true;
  else {
    const { spec, problem } = hoursSpec();
    if (problem) {
      $("grp-error").textContent = problem;
      $("grp-error").hidden = false;
      return;
    }
    body.hours = spec;
  }
  try {
    const naming = {};
    if ($("g-name").value.trim() !== group.name) naming.name = $("g-name").value.trim();
    if ($("g-description").value.trim() !== (group.description || "")) naming.description = $("g-description").value.trim();
    if (Object.keys(naming).length) await api("PATCH", `/api/v1/admin/groups/${group.id}`, { body: naming, auth: state.me.auth() });
    const saved = (await api("PATCH", `/api/v1/routing/groups/${group.id}`, { body, auth: state.me.auth() })).group;
    state.groups = state.groups.map((g) => (g.id === saved.id ? saved : g));
    select(saved.id);
    toast(t("adm.saved"));
  } catch (err) {
    $("grp-error").textContent = errText(err);
    $("grp-error").hidden = false;
  }
}

async function create() {
  const name = $("grp-new-name").value.trim();
  if (!name) return;
  try {
    const group = (await api("POST", "/api/v1/admin/groups", { body: { name }, auth: state.me.auth() })).group;
    state.groups.push(group);
    $("grp-new-name").value = "";
    select(group.id);
    toast(t("grp.created", { name: group.name }));
  } catch (err) {
    toast(errText(err), "error");
  }
}

async function start() {
  state.me = await signedIn();
  if (!state.me) return;
  if (!state.me.supervisor) {
    $("adm-forbidden").hidden = false;
    document.body.classList.add("is-ready");
    return;
  }
  state.groups = (await api("GET", "/api/v1/routing/groups", { auth: state.me.auth() })).groups;
  $("grp-form").addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });
  $("grp-new").addEventListener("submit", (event) => {
    event.preventDefault();
    create();
  });
  $("g-always").addEventListener("change", toggleHours);
  if (!state.me.admin) {
    $("adm-readonly").hidden = false;
    $("adm-actions").hidden = true;
    $("grp-new").hidden = true;
    for (const input of document.querySelectorAll("#grp-form input, #grp-form textarea, #grp-form select")) input.disabled = true;
  }
  $("grp-layout").hidden = false;
  if (state.groups.length) select(state.groups[0].id);
  else renderList();
  document.body.classList.add("is-ready");
}

start().catch((err) => {
  console.error(err);
  toast(errText(err), "error");
});
