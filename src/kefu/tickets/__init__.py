"""Tickets (工单): types with custom fields, statuses, numbering, SLAs, complaints and follow-ups.

See docs/tickets.md. ``actions`` holds every write; each writes its ``ticket_events`` line in the same
transaction and emits ``TicketChanged``/``TicketEventAdded`` after commit.
"""
