// The console sign-in page.
import { api } from "./api.js";
import { errText, t } from "./staff_page.js";

const form = document.getElementById("login-form");
const errorEl = document.getElementById("login-error");
const submit = document.getElementById("login-submit");

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
    showError(errText(err));
    submit.disabled = false;
    submit.textContent = t("login.submit");
    form.password.select();
  }
});
