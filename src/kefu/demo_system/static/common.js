// Shared by the demo system's pages: a toast, and click-to-copy on anything marked .copy.
"use strict";

function showToast(text) {
  const toast = document.getElementById("toast");
  if (!toast) return;
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(showToast.timer);
  showToast.timer = setTimeout(() => { toast.hidden = true; }, 1600);
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    showToast("已复制 " + (text.length > 20 ? text.slice(0, 10) + "…" + text.slice(-6) : text));
  } catch {
    showToast("无法访问剪贴板，请手动选择复制");
  }
}

document.addEventListener("click", (event) => {
  const target = event.target.closest(".copy");
  if (target && !window.getSelection().toString()) copyText(target.dataset.copy || target.textContent.trim());
});
