// The 测试运行 view of the flows page: a chat with a flow before it is published. Each turn goes to
// POST /flows/simulate with the editor's text; the state travels with the page. It calls the configured
// company system for real (in the demo: the demo business system), so the figures are honest.

import { ApiError, api, el } from "./api.js";
import { summaryCard } from "./flow_summary.js";

export class Simulator {
  /** ``opts``: {t, auth, locale, source() → the flow file to run, errText(err)}. */
  constructor(opts) {
    this.opts = opts;
    this.chat = document.getElementById("sim-chat");
    this.startForm = document.getElementById("sim-start");
    this.compose = document.getElementById("sim-compose");
    this.input = document.getElementById("sim-input");
    this.error = document.getElementById("sim-error");
    this.ms = document.getElementById("sim-ms");
    this.startForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.start(document.getElementById("sim-first").value.trim());
    });
    this.compose.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (text) this.answer(text);
    });
    document.getElementById("sim-reset").addEventListener("click", () => this.reset());
    this.reset();
  }

  reset() {
    this.state = null;
    this.runId = null;
    this.busy = false;
    this.backendMs = 0;
    this.chat.replaceChildren();
    this.chat.hidden = true;
    this.startForm.hidden = false;
    this.compose.hidden = true;
    this.setSecret(false);
    this.showError("");
    this.ms.textContent = "";
    document.getElementById("sim-first").value = "";
  }

  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  setSecret(secret) {
    this.secret = secret;
    this.input.type = secret ? "password" : "text";
    this.input.placeholder = this.opts.t(secret ? "flows.sim.secret" : "flows.sim.placeholder");
    document.getElementById("sim-lock").hidden = !secret;
    this.compose.classList.toggle("is-secret", secret);
  }

  async start(first) {
    this.reset();
    this.startForm.hidden = true;
    this.chat.hidden = false;
    if (first) this.bubble("customer", first);
    else this.chat.append(el("p", { class: "sim__note" }, this.opts.t("flows.sim.started_empty")));
    await this.turn(first, null);
  }

  async answer(text) {
    if (this.busy || this.state === null) return;
    this.bubble("customer", this.secret ? "•".repeat(Math.min(text.length, 12)) : text);
    this.input.value = "";
    await this.turn(text, this.state);
  }

  async turn(text, state) {
    const { t } = this.opts;
    this.busy = true;
    this.freezeButtons();
    this.compose.classList.add("is-busy");
    document.getElementById("sim-send").disabled = true;
    const waiting = el("div", { class: "sim__typing", "aria-hidden": "true" }, el("i"), el("i"), el("i"));
    this.chat.append(waiting);
    this.scroll();
    let result;
    try {
      const body = { source: this.opts.source(), text, state, run_id: this.runId, locale: this.opts.locale };
      result = await api("POST", "/api/v1/flows/simulate", { body, auth: this.opts.auth() });
    } catch (err) {
      waiting.remove();
      this.busy = false;
      document.getElementById("sim-send").disabled = false;
      this.compose.classList.remove("is-busy");
      this.showError(err instanceof ApiError && err.code === "bad_flow" ? t("flows.sim.bad_flow") : this.opts.errText(err));
      if (state === null) this.startForm.hidden = false;
      return;
    }
    waiting.remove();
    this.showError("");
    this.runId = result.run_id;
    this.state = result.state;
    this.backendMs += result.backend_ms || 0;
    this.ms.textContent = t("flows.sim.ms", { ms: Math.round(this.backendMs) });
    const said = result.said || [];
    said.forEach((message, index) => this.bubble("bot", message.text, message.meta || {}, index === said.length - 1 ? result.backend_ms : null));
    const last = said.length ? said[said.length - 1].meta || {} : {};
    this.busy = false;
    document.getElementById("sim-send").disabled = false;
    this.compose.classList.remove("is-busy");
    if (result.switch_to) this.chat.append(el("p", { class: "sim__note" }, t("flows.sim.switch", { key: result.switch_to })));
    if (result.ended || result.state === null) {
      this.compose.hidden = true;
      this.setSecret(false);
      this.chat.append(el("p", { class: "sim__note sim__note--end" }, t("flows.sim.ended")));
      if (result.summary) this.chat.append(summaryCard(t, result.summary, { status: result.ended || "resolved", backendMs: this.backendMs }));
      this.chat.append(el("div", { class: "sim__again" }, el("button", { type: "button", class: "btn btn--sm", onclick: () => this.reset() }, t("flows.sim.again"))));
    } else {
      this.compose.hidden = false;
      this.setSecret(last.input === "secret");
      this.input.focus();
    }
    this.scroll();
  }

  bubble(who, text, meta = {}, backendMs = null) {
    const buttons = Array.isArray(meta.buttons) ? meta.buttons.filter((b) => b && b.send) : [];
    const row = el(
      "div",
      { class: `sim-msg sim-msg--${who}`, dataset: meta.step ? { step: meta.step } : {} },
      el("div", { class: "sim-msg__bubble" }, text),
      meta.step ? el("div", { class: "sim-msg__meta" }, meta.step, backendMs ? ` · ${this.opts.t("flows.sim.turn_ms", { ms: Math.round(backendMs) })}` : "") : null,
      buttons.length
        ? el(
            "div",
            { class: "sim-msg__buttons" },
            ...buttons.map((b) => el("button", { type: "button", class: "sim-chip", onclick: () => this.answer(String(b.send)) }, String(b.label || b.send))),
          )
        : null,
    );
    this.chat.append(row);
    this.scroll();
  }

  /** Buttons of earlier messages stop working once the customer has answered. */
  freezeButtons() {
    for (const button of this.chat.querySelectorAll(".sim-chip")) button.disabled = true;
  }

  scroll() {
    this.chat.scrollTop = this.chat.scrollHeight;
  }
}
