"""Channels: one module per way customers reach kefu (web widget today; WeChat, app SDK, e-mail next).

Each channel has an inbound adapter (identify the customer, turn what arrives into a core message)
and an outbound sender (deliver a message, its structured parts rendered as the channel can show
them, with a plain-text fallback). The core (conversations, bot, routing) knows no channel.
"""
