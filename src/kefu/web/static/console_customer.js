// Naming a customer from the console's customer panel: 访客12 becomes 王女士 for every agent (PATCH
// /api/v1/customers/{id}; the server lets only agents who may see one of the customer's conversations).

import { api } from "./api.js";
import { $, errText } from "./staff_page.js";

export class CustomerNamer {
  /** ``onRenamed(customerId, name)`` updates the lists and the open conversation. */
  constructor({ auth, onRenamed }) {
    this.auth = auth;
    this.onRenamed = onRenamed;
    this.customerId = null;
    this.form = $("info-rename-form");
    this.input = $("info-rename-input");
    this.error = $("info-rename-error");
    $("info-rename").addEventListener("click", () => this.open());
    $("info-rename-cancel").addEventListener("click", () => this.close());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
    });
  }

  /** The panel now shows this conversation's customer. */
  show(conv) {
    if (this.customerId !== conv.customer_id) this.close();
    this.customerId = conv.customer_id;
    this.current = conv.customer_name || "";
  }

  open() {
    this.form.hidden = false;
    $("info-rename").hidden = true;
    this.error.hidden = true;
    this.input.value = this.current || "";
    this.input.focus();
    this.input.select();
  }

  close() {
    this.form.hidden = true;
    $("info-rename").hidden = false;
  }

  async save() {
    const name = this.input.value.trim();
    if (!name || this.customerId === null) return;
    const id = this.customerId;
    try {
      const data = await api("PATCH", `/api/v1/customers/${id}`, { body: { name }, auth: this.auth() });
      this.current = data.customer.name;
      this.close();
      this.onRenamed(id, data.customer.name);
    } catch (err) {
      this.error.textContent = errText(err);
      this.error.hidden = false;
    }
  }
}
