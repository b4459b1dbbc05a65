"""Customers, conversations, messages and attachments: the core model and its actions."""
