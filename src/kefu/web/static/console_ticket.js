// 创建工单 in the console's conversation header: files a ticket from the open conversation (the server
// links the transcript and pre-fills title and fields) and opens it on /console/tickets in a new tab.
// The tab is opened inside the click (browsers allow pop-ups only then) and pointed at the ticket
// once the API answers, so the agent's chat keeps running in this one.

import { api, errorText } from "./api.js";

/** Wire ``button``: ``convId()`` is the open conversation, ``auth()`` the agent's, ``onError(text)``. */
export function wireTicketButton(button, { convId, auth, t, onError }) {
  button.addEventListener("click", async () => {
    const id = convId();
    if (!id) return;
    const tab = window.open("", "_blank");
    button.disabled = true;
    try {
      const out = await api("POST", `/api/v1/conversations/${id}/ticket`, { body: {}, auth: auth() });
      const url = `/console/tickets?id=${out.ticket.id}`;
      if (tab) tab.location.assign(url);
      else window.location.assign(url);
    } catch (err) {
      tab?.close();
      onError(errorText(t, err.code, err.message));
    } finally {
      button.disabled = false;
    }
  });
}
