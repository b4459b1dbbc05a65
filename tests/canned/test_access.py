"""The canned-reply access rule: one table of cases, checked in its Python and its SQL form."""

from __future__ import annotations

import pytest

from kefu.canned.access import may_edit, may_read, visible_clause
from kefu.context import Context
from kefu.security.principals import AgentPrincipal
from kefu.storage.repositories import canned as canned_repo
from kefu.storage.tables import CannedFolder, SkillGroup, User

OWNER = AgentPrincipal(101, "ca", "甲", "agent", frozenset({110}))
MEMBER = AgentPrincipal(102, "cb", "乙", "agent", frozenset({110}))
OUTSIDER = AgentPrincipal(103, "cc", "丙", "agent", frozenset({120}))
SUPERVISOR = AgentPrincipal(104, "cd", "丁", "supervisor", frozenset())
ADMIN = AgentPrincipal(105, "ce", "戊", "admin", frozenset())
FOLDERS = {"personal": ("personal", 101, None), "team": ("team", None, 110), "org": ("organisation", None, None)}
# (who, folder) → (reads, edits)
CASES = [
    (OWNER, "personal", True, True),
    (MEMBER, "personal", False, False),
    (ADMIN, "personal", False, False),
    (SUPERVISOR, "personal", False, False),
    (OWNER, "team", True, False),
    (OUTSIDER, "team", False, False),
    (SUPERVISOR, "team", True, True),
    (ADMIN, "team", True, True),
    (OUTSIDER, "org", True, False),
    (SUPERVISOR, "org", True, False),
    (ADMIN, "org", True, True),
]


@pytest.mark.parametrize(("who", "folder", "reads", "edits"), CASES)
def test_python_form(who: AgentPrincipal, folder: str, reads: bool, edits: bool) -> None:
    assert may_read(who, *FOLDERS[folder]) is reads
    assert may_edit(who, *FOLDERS[folder]) is edits


async def test_sql_form_agrees_with_the_python_form(ctx: Context) -> None:
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        for who in (OWNER, MEMBER, OUTSIDER, SUPERVISOR, ADMIN):
            uow.session.add(
                User(
                    id=who.user_id,
                    username=who.username,
                    display_name=who.display_name,
                    password_hash="x",
                    role=who.role,
                    created_at=now,
                )
            )
        uow.session.add_all(
            [SkillGroup(id=110, name="十", created_at=now), SkillGroup(id=120, name="廿", created_at=now)]
        )
        await uow.session.flush()
        for name, (scope, owner, group) in FOLDERS.items():
            uow.session.add(CannedFolder(scope=scope, name=name, owner_id=owner, skill_group_id=group, created_at=now))
        await uow.commit()
    for who, folder, reads, _edits in CASES:
        async with ctx.uow() as uow:
            names = {f.name for f in await canned_repo.folders(uow.session, visible_clause(who))}
        assert (folder in names) is reads, (who.username, folder)
