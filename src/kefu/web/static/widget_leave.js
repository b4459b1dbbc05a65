// Leave a message (留言) in the widget when nobody can serve the customer now (outside business hours, no
// agent online, or waited too long): the form with its checks, and 继续等待 to stay in the queue.

import { api, errorText } from "./api.js";

const $ = (id) => document.getElementById(id);
const PHONE = /^\+?[0-9][0-9 -]{5,19}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class LeaveMessage {
  /** host: {t, conv(), queueInfo(), customerName(), token(), showError(text), onQueue(info)}. */
  constructor(host) {
    this.host = host;
    this.t = host.t;
    this.form = $("leave-form");
    this.leftFor = null; // the conversation a message was left for (its form stays closed)
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    $("keep-waiting").addEventListener("click", () => this.keepWaiting());
  }

  /** Offer the form while the open conversation waits and routing says a message may be left. */
  render() {
    const conv = this.host.conv();
    const info = this.host.queueInfo();
    const offer = Boolean(conv && conv.status === "queued" && info && info.leave_message && this.leftFor !== conv.id);
    if (offer && this.form.hidden) {
      $("leave-error").hidden = true;
      if (!$("leave-text").value) $("leave-text").value = lastCustomerText();
    }
    this.form.hidden = !offer;
    $("keep-waiting").hidden = !(offer && info.state === "timeout");
    document.body.classList.toggle("is-leaving", offer);
  }

  /** A new conversation starts: the "message left" note goes. */
  reset() {
    $("leave-done").hidden = true;
  }

  problem(field, text) {
    $("leave-error").textContent = text;
    $("leave-error").hidden = false;
    field.setAttribute("aria-invalid", "true");
    field.focus();
  }

  async submit() {
    const t = this.t;
    const contactInput = $("leave-contact");
    const textInput = $("leave-text");
    contactInput.removeAttribute("aria-invalid");
    textInput.removeAttribute("aria-invalid");
    const contact = contactInput.value.trim();
    const text = textInput.value.trim();
    if (!contact) return this.problem(contactInput, t("leave.need_contact"));
    if (!PHONE.test(contact) && !EMAIL.test(contact)) return this.problem(contactInput, t("leave.bad_contact"));
    if (!text) return this.problem(textInput, t("leave.need_text"));
    const conv = this.host.conv();
    if (!conv) return;
    const id = conv.id;
    $("leave-submit").disabled = true;
    try {
      await api("POST", "/api/v1/routing/leave-messages", {
        body: { text, contact, name: this.host.customerName(), conversation_id: id },
        auth: { token: this.host.token() },
      });
      this.leftFor = id;
      textInput.value = "";
      $("leave-done-hint").textContent = t("leave.done_hint", { contact });
      $("leave-done").hidden = false;
      this.render();
    } catch (err) {
      $("leave-error").textContent = errorText(t, err.code, err.message);
      $("leave-error").hidden = false;
    } finally {
      $("leave-submit").disabled = false;
    }
  }

  async keepWaiting() {
    const conv = this.host.conv();
    if (!conv) return;
    const id = conv.id;
    $("keep-waiting").disabled = true;
    try {
      const data = await api("POST", `/api/v1/routing/conversations/${id}/keep-waiting`, { auth: { token: this.host.token() } });
      const now = this.host.conv();
      if (now && now.id === id && data.queue) this.host.onQueue(data.queue);
    } catch (err) {
      this.host.showError(errorText(this.t, err.code, err.message));
    } finally {
      $("keep-waiting").disabled = false;
    }
  }
}

/** What the customer already wrote in this conversation, as a start for the message. */
function lastCustomerText() {
  const mine = document.getElementById("messages").querySelectorAll(".msg--mine .msg__text");
  return Array.from(mine, (node) => node.textContent || "").filter(Boolean).join("\n").slice(0, 1000);
}
