// The top bar's menu: when the bar's contents do not fit its width (a phone; or the admins' many links in
// English on a laptop — it depends on the language and the user's role, so it is measured, not guessed by
// a breakpoint) the bar becomes compact and the menu button opens the panel holding the page links, the
// language switch, the user and 退出登录 (otherwise the panel is laid out in the bar — see staff.css).
// The menu closes on Escape, on a click outside and when a link is followed.

/** Make the bar compact exactly when its contents overflow it; call again when links appear. */
export function fitTopbar(doc = document) {
  const bar = doc.getElementById("topbar");
  if (!bar || !doc.getElementById("topbar-panel")) return;
  bar.classList.remove("is-compact");
  const overflows = bar.scrollWidth > bar.clientWidth + 1;
  bar.classList.toggle("is-compact", overflows);
  if (!overflows) bar.classList.remove("is-menu-open");
}

export function wireTopbarMenu(doc = document) {
  const bar = doc.getElementById("topbar");
  const button = doc.getElementById("topbar-menu");
  const panel = doc.getElementById("topbar-panel");
  if (!bar || !button || !panel) return;
  fitTopbar(doc);
  let frame = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => fitTopbar(doc));
  });
  if (doc.fonts) doc.fonts.ready.then(() => fitTopbar(doc));
  const setOpen = (open) => {
    bar.classList.toggle("is-menu-open", open);
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", (event) => {
    event.stopPropagation();
    setOpen(!bar.classList.contains("is-menu-open"));
  });
  doc.addEventListener("click", (event) => {
    if (bar.classList.contains("is-menu-open") && !panel.contains(event.target)) setOpen(false);
  });
  doc.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && bar.classList.contains("is-menu-open")) {
      setOpen(false);
      button.focus();
    }
  });
  panel.addEventListener("click", (event) => {
    if (event.target.closest("a")) setOpen(false);
  });
}
