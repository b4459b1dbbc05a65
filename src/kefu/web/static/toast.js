// Short-lived messages in the corner of a staff page ("已保存", errors, supervisors' alerts). The page
// holds one <div class="toast-stack" id="toasts" aria-live="polite">; text goes in as text, never HTML.

import { el } from "./api.js";

/** Show ``text`` for ``ms`` milliseconds; ``kind`` is "ok", "error" or "alert" (alerts are announced). */
export function toast(text, kind = "ok", ms = 6000) {
  const stack = document.getElementById("toasts");
  if (!stack) return;
  const item = el("div", { class: "toast-item", role: kind === "alert" ? "alert" : "status", dataset: { kind } }, text);
  stack.append(item);
  setTimeout(() => item.remove(), ms);
}
