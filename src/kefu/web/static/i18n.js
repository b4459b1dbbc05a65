// Translation for the widget and the staff pages: a translator per locale, filling data-i18n attributes,
// and the language switch. The strings themselves live in locales/<locale>.js.

import en from "./locales/en.js";
import zhCN from "./locales/zh-CN.js";

export const DICT = { "zh-CN": zhCN, en };

export function normaliseLocale(locale) {
  return locale === "en" || (locale && locale.toLowerCase().startsWith("en")) ? "en" : "zh-CN";
}

/** A translator for ``locale``: t(key, {vars}) → string (falls back to Chinese, then the key). */
export function translator(locale) {
  const dict = DICT[normaliseLocale(locale)];
  return (key, vars) => {
    let text = dict[key] ?? DICT["zh-CN"][key] ?? key;
    if (vars) {
      for (const [name, value] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(value));
    }
    return text;
  };
}

/** Fill elements marked with data-i18n (text), data-i18n-placeholder, data-i18n-title and data-i18n-label. */
export function applyI18n(root, t) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
}

/** Switch the UI language: remember it in the kefu_lang cookie and reload without ?lang=. */
export function switchLocale(locale) {
  document.cookie = `kefu_lang=${encodeURIComponent(locale)}; path=/; max-age=31536000; samesite=lax`;
  const url = new URL(window.location.href);
  url.searchParams.delete("lang");
  window.location.replace(url.toString());
}
