// The console sign-in page.
import { api, errorText } from "./api.js";
import { applyI18n, switchLocale, translator } from "./i18n.js";

const locale = document.body.dataset.locale;
const t = translator(locale);
applyI18n(document, t);

const form = document.getElementById("login-form");
const errorEl = document.getElementById("login-error");
const submit = document.getElementById("login-submit");

for (const button of document.querySelectorAll(".lang-btn")) {
  button.classList.toggle("is-active", button.dataset.lang === locale);
  button.addEventListener("click", () => switchLocale(button.dataset.lang));
}

function showError(text) {
  errorEl.textContent = text;
  errorEl.hidden = false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const username = form.username.value.trim();
  const password = form.password.value;
  if (!username || !password) {
    showError(t("login.required"));
    return;
  }
  errorEl.hidden = true;
  submit.disabled = true;
  submit.textContent = t("login.submitting");
  try {
    await api("POST", "/api/v1/auth/login", { body: { username, password } });
    window.location.assign("/console");
  } catch (err) {
    showError(err.code === "network" ? t("err.network") : errorText(t, err.code, err.message));
    submit.disabled = false;
    submit.textContent = t("login.submit");
    form.password.select();
  }
});
