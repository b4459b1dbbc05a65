"""Who is looking at which conversation on this node (collision): the consoles say which conversation
they have open with a ``view`` frame, and their colleagues following it are told who is there.

Kept in the hub's memory, per node, like the sockets themselves: it is lost with them and rebuilt as
consoles reconnect and say again what they view. With several nodes, each node's consoles see the
viewers connected to the same node (docs/console.md). The frames go only to staff sockets that follow
the conversation, i.e. that the access policy let subscribe and that were not revoked since.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kefu.security.principals import AgentPrincipal

if TYPE_CHECKING:
    from kefu.web.hub import Connection


class Viewers:
    """Per conversation, the console sockets that have it open."""

    def __init__(self) -> None:
        self._by_conversation: dict[int, set[Connection]] = {}
        self._viewing: dict[Connection, int] = {}

    def viewing(self, connection: Connection) -> int | None:
        """The conversation this socket has open, if any."""
        return self._viewing.get(connection)

    def set(self, connection: Connection, conversation_id: int | None) -> list[int]:
        """Record what the socket views now; returns the conversations whose viewers changed."""
        before = self._viewing.get(connection)
        if before == conversation_id:
            return []
        changed = []
        if before is not None:
            self._leave(connection, before)
            changed.append(before)
        if conversation_id is not None:
            self._viewing[connection] = conversation_id
            self._by_conversation.setdefault(conversation_id, set()).add(connection)
            changed.append(conversation_id)
        return changed

    def _leave(self, connection: Connection, conversation_id: int) -> None:
        self._viewing.pop(connection, None)
        sockets = self._by_conversation.get(conversation_id)
        if sockets is not None:
            sockets.discard(connection)
            if not sockets:
                del self._by_conversation[conversation_id]

    def frame(self, conversation_id: int) -> dict[str, Any]:
        """The ``viewers`` frame: each user viewing the conversation once, by name."""
        people: dict[int, str] = {}
        for connection in self._by_conversation.get(conversation_id, ()):
            principal = connection.principal
            if isinstance(principal, AgentPrincipal):
                people.setdefault(principal.user_id, principal.display_name)
        viewers = [{"user_id": user_id, "name": name} for user_id, name in sorted(people.items())]
        return {"type": "viewers", "conversation_id": conversation_id, "viewers": viewers}
