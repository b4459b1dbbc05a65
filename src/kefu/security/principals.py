"""Who is calling: a signed-in user (agent, supervisor, admin) or a customer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

ROLES = ("admin", "supervisor", "agent")


@dataclass(frozen=True, slots=True)
class AgentPrincipal:
    """A signed-in user of the console."""

    user_id: int
    username: str
    display_name: str
    role: str
    group_ids: frozenset[int]
    locale: str = "zh-CN"
    csrf_token: str = ""

    @property
    def sees_everything(self) -> bool:
        """Admins and supervisors may see every conversation."""
        return self.role in ("admin", "supervisor")

    @property
    def kind(self) -> str:
        """Sender kind of messages this principal writes."""
        return "agent"


@dataclass(frozen=True, slots=True)
class CustomerPrincipal:
    """A customer, identified by a channel identity (e.g. a signed web visitor token)."""

    customer_id: int
    display_name: str
    channel: str

    @property
    def kind(self) -> str:
        """Sender kind of messages this principal writes."""
        return "customer"


Principal: TypeAlias = AgentPrincipal | CustomerPrincipal
