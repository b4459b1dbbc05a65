"""Who may read and change which canned-reply folder. One rule, two forms (Python and SQL), tested
against one table of cases (tests/canned/test_access.py).

- personal: only its owner reads and changes it (not even admins: it is someone's own notebook).
- team: the members of its skill group read it; supervisors and admins read every team folder and
  are the ones who change them (agents share their wording through their supervisor, so a team's
  replies stay reviewed).
- organisation: everyone reads it; only admins change it.
Denials of reading look like "not found".
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, and_, false, or_

from kefu.security.principals import AgentPrincipal
from kefu.storage.tables import CannedFolder


class Scope(StrEnum):
    """A folder's audience."""

    PERSONAL = "personal"
    TEAM = "team"
    ORGANISATION = "organisation"


def may_read(agent: AgentPrincipal, scope: str, owner_id: int | None, group_id: int | None) -> bool:
    """Whether ``agent`` sees a folder of this scope, owner and group."""
    if scope == Scope.PERSONAL:
        return owner_id == agent.user_id
    if scope == Scope.TEAM:
        return agent.sees_everything or (group_id is not None and group_id in agent.group_ids)
    return scope == Scope.ORGANISATION


def may_edit(agent: AgentPrincipal, scope: str, owner_id: int | None, group_id: int | None) -> bool:
    """Whether ``agent`` may change a folder (and its replies) of this scope, owner and group."""
    if scope == Scope.PERSONAL:
        return owner_id == agent.user_id
    if scope == Scope.TEAM:
        return agent.sees_everything
    return scope == Scope.ORGANISATION and agent.role == "admin"


def visible_clause(agent: AgentPrincipal) -> ColumnElement[bool]:
    """:func:`may_read` as a SQL condition on ``canned_folders``."""
    groups = list(agent.group_ids)
    team = (
        CannedFolder.scope == Scope.TEAM.value
        if agent.sees_everything
        else and_(
            CannedFolder.scope == Scope.TEAM.value, CannedFolder.skill_group_id.in_(groups) if groups else false()
        )
    )
    return or_(
        and_(CannedFolder.scope == Scope.PERSONAL.value, CannedFolder.owner_id == agent.user_id),
        team,
        CannedFolder.scope == Scope.ORGANISATION.value,
    )
