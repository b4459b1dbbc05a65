"""Notifications to customers outside the chat: e-mail (SMTP) and SMS (a provider), through an outbox.

A change that should reach the customer (a 留言 answered, a ticket created / replied / waiting for
them / resolved) writes a ``notifications`` row in its own transaction (:func:`outbox.enqueue`), so a
rolled-back change sends nothing and a committed one is never lost; :mod:`worker` sends the rows after
commit, with retries and backoff, at most once even when several nodes poll the table. Only verified
addresses of customers who have not opted out receive anything (:mod:`contacts`). docs/notifications.md.
"""

from kefu.notify.kinds import KINDS, Kind

__all__ = ["KINDS", "Kind"]
