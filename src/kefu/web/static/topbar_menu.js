// The top bar's menu on narrow screens: the menu button opens the panel that holds the page links, the
// language switch, the user and 退出登录 (on wide screens the panel is laid out in the bar and the button
// is hidden — see staff.css). Closes on Escape, on a click outside and when a link is followed.

export function wireTopbarMenu(doc = document) {
  const bar = doc.getElementById("topbar");
  const button = doc.getElementById("topbar-menu");
  const panel = doc.getElementById("topbar-panel");
  if (!bar || !button || !panel) return;
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
