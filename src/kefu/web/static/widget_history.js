// A returning customer's recent history: when the widget opens and the visitor has no open conversation,
// the latest messages of their recently closed conversations are shown at the top, under the divider
// "以前的对话", read-only (no suggestion or flow buttons, no feedback: those belonged to a finished chat).
// The server returns only the visitor's own conversations (GET /api/v1/visitor/history).

import { api } from "./api.js";
import { Thread } from "./thread.js";

export const PAST_LIMIT = 30;

/** Fill ``section`` (#past) with the visitor's recent history; stays hidden when there is none. */
export async function showPast(section, { token, t, nameOf, imageSrc, openFile, onImage }) {
  let data;
  try {
    data = await api("GET", `/api/v1/visitor/history?limit=${PAST_LIMIT}`, { auth: { token } });
  } catch {
    return 0; // history is a courtesy: the chat works without it
  }
  if (!data.messages.length) return 0;
  const host = section.querySelector(".w-past__messages");
  const past = new Thread(host, { me: "customer", t, nameOf, imageSrc, openFile, onImage, bot: null });
  for (const message of data.messages) past.add(message);
  for (const status of host.querySelectorAll(".msg__status")) status.remove(); // delivery ticks of old chats
  section.hidden = false;
  return data.messages.length;
}
