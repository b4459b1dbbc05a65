// The widget's parts for self-service flows: the menu of journeys under the welcome bubble (buttons
// that send their text), and the masked input while a flow waits for a verification code — the code is
// typed into a password field, never kept in the page's saved outbox, and shown as dots.

const DOT = "•";

/** How a secret the customer sent looks in their own chat. */
export function dots(text) {
  return DOT.repeat(Math.min(Math.max(text.length, 4), 12));
}

export class FlowWidget {
  /** ``opts``: {t, send(text)}. Uses the page's #menu, #input, #secret-input and #secret-hint. */
  constructor({ t, send }) {
    this.t = t;
    this.send = send;
    this.menuEl = document.getElementById("menu");
    this.input = document.getElementById("input");
    this.secretInput = document.getElementById("secret-input");
    this.hint = document.getElementById("secret-hint");
    this.secret = false;
    this.menuEl.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-send]");
      if (button) this.send(button.dataset.send);
    });
  }

  /** Show the self-service menu ([{label, send}]) the session returned (the page rendered it already). */
  menu(items) {
    if (!Array.isArray(items)) return;
    const buttons = items
      .filter((item) => item && item.send)
      .map((item) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "w-menu__btn";
        button.dataset.send = String(item.send);
        button.textContent = String(item.label || item.send);
        return button;
      });
    this.menuEl.querySelector(".w-menu__items").replaceChildren(...buttons);
    this.menuEl.hidden = buttons.length === 0;
  }

  /** A message arrived (or was loaded): a flow's request for a secret turns the masked input on. */
  seen(message) {
    if (!message || message.sender_kind === "system") return;
    const meta = message.meta || {};
    this.setSecret(message.sender_kind === "bot" && meta.kind === "flow" && meta.input === "secret");
    this.retireOldButtons();
  }

  /** Only the newest step of a flow takes clicks: buttons of the steps before it are switched off, so a
   * stale 重新发送验证码 cannot start something the customer no longer means. */
  retireOldButtons() {
    const steps = document.querySelectorAll('.msg[data-bot-kind="flow"]');
    steps.forEach((node, index) => {
      if (index === steps.length - 1) return;
      for (const button of node.querySelectorAll(".bot-chip")) {
        button.disabled = true;
        button.classList.add("is-retired");
      }
    });
  }

  setSecret(on) {
    if (on === this.secret) return;
    const focused = document.activeElement === this.input || document.activeElement === this.secretInput;
    this.secret = on;
    this.input.hidden = on;
    this.secretInput.hidden = !on;
    this.hint.hidden = !on;
    this.secretInput.value = "";
    document.body.classList.toggle("is-secret", on);
    if (focused) (on ? this.secretInput : this.input).focus();
  }

  /** The secret typed (and the field emptied); the masked mode ends once it is sent. */
  take() {
    const text = this.secretInput.value.trim();
    this.secretInput.value = "";
    if (text) this.setSecret(false);
    return text;
  }

  /** The field the customer types into now. */
  get field() {
    return this.secret ? this.secretInput : this.input;
  }
}
