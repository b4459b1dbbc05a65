// The widget's branding (/console/widget): its name, reply-time line, colour, greeting (the text
// chat.welcome, per locale) and logo, with a live preview of the widget's head. Admins change them;
// supervisors look. The server checks everything again (#RRGGBB, lengths, the logo's bytes and size).

import { api } from "./api.js";
import { applyBrandColour } from "./brand_theme.js";
import { DICT } from "./i18n.js";
import { $, errText, signedIn, t } from "./staff_page.js";
import { toast } from "./toast.js";

const COLOUR = /^#[0-9a-fA-F]{6}$/;
const DEFAULT_COLOUR = "#1f6feb";
const LOCALES = ["zh-CN", "en"];
const locale = document.body.dataset.locale;
const state = { me: null, branding: null, greetings: {}, defaults: {}, maxLogo: 0 };

function values() {
  const greetings = Object.fromEntries(LOCALES.map((l) => [l, $(`b-greeting-${l}`).value.trim()]));
  return { name: $("b-name").value.trim(), reply_time: $("b-reply").value.trim(), colour: $("b-colour").value.trim(), greetings };
}

/** What differs from what is saved: {branding: {...}, greetings: {locale: text}}. */
function changes() {
  const now = values();
  const saved = state.branding;
  const branding = {};
  for (const name of ["name", "reply_time", "colour"]) if (now[name] !== (saved[name] || "")) branding[name] = now[name];
  const greetings = {};
  for (const l of LOCALES) if (now.greetings[l] !== (state.greetings[l] || "")) greetings[l] = now.greetings[l];
  return { branding, greetings };
}

function preview() {
  const now = values();
  const dict = DICT[locale] || DICT["zh-CN"];
  $("bp-title").textContent = now.name || dict["widget.title"];
  $("bp-sub").textContent = now.reply_time || dict["widget.subtitle"];
  $("bp-welcome").textContent = now.greetings[locale] || state.defaults[locale] || "";
  applyBrandColour($("brand-preview"), COLOUR.test(now.colour) ? now.colour : null);
  const logo = state.branding.logo_url;
  $("bp-logo").hidden = !logo;
  $("bp-mark").hidden = Boolean(logo);
  if (logo && $("bp-logo").getAttribute("src") !== logo) $("bp-logo").src = logo;
}

function refresh() {
  const bad = $("b-colour").value.trim() && !COLOUR.test($("b-colour").value.trim());
  $("b-colour").setAttribute("aria-invalid", String(Boolean(bad)));
  $("brand-error").textContent = bad ? t("brand.bad_colour") : "";
  $("brand-error").hidden = !bad;
  if (COLOUR.test($("b-colour").value.trim())) $("b-colour-picker").value = $("b-colour").value.trim().toLowerCase();
  const { branding, greetings } = changes();
  const n = Object.keys(branding).length + Object.keys(greetings).length;
  $("brand-state").textContent = n ? t("adm.unsaved", { n }) : "";
  $("brand-save").disabled = !n || Boolean(bad);
  $("b-logo-remove").disabled = !state.branding.logo_url;
  preview();
}

function fill(data) {
  state.branding = data.branding;
  state.maxLogo = data.max_logo_bytes;
  $("b-name").value = data.branding.name || "";
  $("b-reply").value = data.branding.reply_time || "";
  $("b-colour").value = data.branding.colour || "";
  $("b-colour-picker").value = data.branding.colour || DEFAULT_COLOUR;
  refresh();
}

async function loadGreetings() {
  const data = await api("GET", "/api/v1/texts", { auth: state.me.auth() });
  for (const text of data.texts) {
    if (text.code !== "chat.welcome" || !LOCALES.includes(text.locale)) continue;
    state.greetings[text.locale] = text.override || "";
    state.defaults[text.locale] = text.default;
    $(`b-greeting-${text.locale}`).value = text.override || "";
    $(`b-greeting-${text.locale}`).placeholder = text.default;
  }
}

async function save() {
  const { branding, greetings } = changes();
  $("brand-save").disabled = true;
  try {
    if (Object.keys(branding).length) fill(await api("PUT", "/api/v1/widget/settings", { body: branding, auth: state.me.auth() }));
    for (const [l, text] of Object.entries(greetings)) {
      const path = `/api/v1/texts/chat.welcome/${l}`;
      if (text) await api("PUT", path, { body: { text }, auth: state.me.auth() });
      else await api("DELETE", path, { auth: state.me.auth() });
      state.greetings[l] = text;
    }
    toast(t("adm.saved"));
  } catch (err) {
    $("brand-error").textContent = errText(err);
    $("brand-error").hidden = false;
  }
  refresh();
}

async function upload(file) {
  if (file.size > state.maxLogo) {
    $("brand-error").textContent = t("brand.logo_too_large");
    $("brand-error").hidden = false;
    return;
  }
  const body = new FormData();
  body.append("file", file, file.name);
  try {
    const data = await api("POST", "/api/v1/widget/logo", { body, auth: state.me.auth() });
    state.branding = { ...state.branding, logo_url: data.branding.logo_url };
    toast(t("brand.logo_saved"));
    refresh();
  } catch (err) {
    $("brand-error").textContent = errText(err);
    $("brand-error").hidden = false;
  }
}

function wire() {
  for (const id of ["b-name", "b-reply", "b-colour", "b-greeting-zh-CN", "b-greeting-en"]) $(id).addEventListener("input", refresh);
  $("b-colour-picker").addEventListener("input", () => {
    $("b-colour").value = $("b-colour-picker").value;
    refresh();
  });
  $("b-colour-reset").addEventListener("click", () => {
    $("b-colour").value = "";
    refresh();
  });
  $("brand-form").addEventListener("submit", (event) => {
    event.preventDefault();
    save();
  });
  $("b-logo-file").addEventListener("change", () => {
    const file = $("b-logo-file").files && $("b-logo-file").files[0];
    $("b-logo-file").value = "";
    if (file) upload(file);
  });
  $("b-logo-remove").addEventListener("click", async () => {
    try {
      const data = await api("DELETE", "/api/v1/widget/logo", { auth: state.me.auth() });
      state.branding = { ...state.branding, logo_url: data.branding.logo_url };
      refresh();
    } catch (err) {
      toast(errText(err), "error");
    }
  });
}

async function start() {
  state.me = await signedIn();
  if (!state.me) return;
  if (!state.me.supervisor) {
    $("adm-forbidden").hidden = false;
    document.body.classList.add("is-ready");
    return;
  }
  wire();
  const data = await api("GET", "/api/v1/widget/settings", { auth: state.me.auth() });
  await loadGreetings();
  fill(data);
  if (!state.me.admin) {
    $("adm-readonly").hidden = false;
    $("adm-actions").hidden = true;
    for (const input of document.querySelectorAll("#brand-form input, #brand-form textarea, #brand-form button")) input.disabled = true;
  }
  $("brand-layout").hidden = false;
  document.body.classList.add("is-ready");
}

start().catch((err) => {
  console.error(err);
  toast(errText(err), "error");
});
