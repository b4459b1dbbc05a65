"""The organisation's branding of the chat widget: name, reply-time line, colour, logo (greeting: the
text ``chat.welcome``). Admins change it in the console; the widget page renders it."""
