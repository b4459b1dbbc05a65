// Shared start of the console's secondary pages (留言, supervisor view): the signed-in user in the top
// bar, language switch, logout, and toasts.

import { ApiError, api } from "./api.js";
import { applyI18n, switchLocale, translator } from "./i18n.js";

export const locale = document.body.dataset.locale;
export const t = translator(locale);
applyI18n(document, t);

export const $ = (id) => document.getElementById(id);

for (const button of document.querySelectorAll(".lang-btn")) {
  button.classList.toggle("is-active", button.dataset.lang === locale);
  button.addEventListener("click", () => switchLocale(button.dataset.lang));
}

/** A message for an API error (known codes translated, otherwise the server's message). */
export function errText(err) {
  if (!(err instanceof ApiError)) return t("err.network");
  const key = `err.${err.code}`;
  const text = t(key, { message: err.message });
  return text !== key ? text : err.message || t("err.generic", { message: err.code });
}

/** The signed-in user (redirects to the login page without a session); fills the top bar. */
export async function signedIn() {
  let me;
  try {
    me = (await api("GET", "/api/v1/auth/me")).user;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
      window.location.assign("/console/login");
      return null;
    }
    throw err;
  }
  const name = me.display_name || me.username;
  $("me-name").textContent = name;
  $("me-role").textContent = t(`role.${me.role}`);
  $("me-avatar").textContent = Array.from(name.trim() || "?")[0].toUpperCase();
  $("me-avatar").classList.add(`tone-${Math.abs(Number(me.id) || 0) % 6}`);
  document.body.dataset.user = String(me.id);
  document.body.dataset.role = me.role;
  const supervisor = me.role === "admin" || me.role === "supervisor";
  $("nav-supervisor").hidden = !supervisor;
  $("logout").addEventListener("click", async () => {
    try {
      await api("POST", "/api/v1/auth/logout", { auth: { csrf: me.csrf_token } });
    } finally {
      window.location.assign("/console/login");
    }
  });
  return { ...me, supervisor, auth: () => ({ csrf: me.csrf_token }) };
}

/** Human waiting time: "45 秒", "3 分钟". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  return seconds < 60 ? t("sup.seconds", { n: seconds }) : t("sup.minutes", { n: Math.floor(seconds / 60) });
}
