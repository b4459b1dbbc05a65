// A confirmation dialog inside the page (no window.confirm, which some browsers suppress and which
// cannot be translated or styled). Builds its markup on first use, so any staff page can ask.

import { el } from "./api.js";

function dialog() {
  let box = document.getElementById("confirm");
  if (box) return box;
  box = el(
    "div",
    { class: "modal-backdrop", id: "confirm", role: "alertdialog", "aria-modal": "true", "aria-labelledby": "confirm-text", hidden: true },
    el(
      "div",
      { class: "modal" },
      el("p", { id: "confirm-text" }),
      el("div", { class: "modal__actions" }, el("button", { type: "button", class: "btn", id: "confirm-no" }), el("button", { type: "button", class: "btn btn--danger-solid", id: "confirm-yes" })),
    ),
  );
  document.body.append(box);
  return box;
}

/** Ask ``text``; resolves to true (``yesLabel`` clicked) or false (``noLabel``, Escape). */
export function confirmBox(text, yesLabel, noLabel) {
  return new Promise((resolve) => {
    const box = dialog();
    const yesBtn = document.getElementById("confirm-yes");
    const noBtn = document.getElementById("confirm-no");
    document.getElementById("confirm-text").textContent = text;
    yesBtn.textContent = yesLabel;
    noBtn.textContent = noLabel;
    box.hidden = false;
    noBtn.focus();
    const done = (answer) => {
      box.hidden = true;
      yesBtn.removeEventListener("click", yes);
      noBtn.removeEventListener("click", no);
      document.removeEventListener("keydown", key);
      resolve(answer);
    };
    const yes = () => done(true);
    const no = () => done(false);
    const key = (event) => {
      if (event.key === "Escape") done(false);
    };
    yesBtn.addEventListener("click", yes);
    noBtn.addEventListener("click", no);
    document.addEventListener("keydown", key);
  });
}
