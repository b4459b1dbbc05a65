"""The demo organisation: an admin, two agents in two skill groups, a small Chinese knowledge base and a
话术库 of canned replies."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kefu.bot import knowledge
from kefu.canned import files as canned_files
from kefu.context import Context
from kefu.demo_system import ACTIONS as DEMO_ACTIONS
from kefu.demo_system import action_url
from kefu.events import IntegrationsChanged
from kefu.flows import versions as flow_versions
from kefu.routing.groups import GroupSettings, configure, ensure_group
from kefu.security import auth
from kefu.storage.repositories import integrations as integration_repo
from kefu.storage.repositories import users as user_repo
from kefu.storage.tables import IntegrationAction, Organisation

DEMO_KB = Path(__file__).parent / "demo_data" / "kb.jsonl"
DEMO_FLOWS = Path(__file__).parent / "demo_data" / "flows"
DEMO_CANNED = Path(__file__).parent / "demo_data" / "canned.csv"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """A demo user's credentials, printed by ``kefu demo``."""

    username: str
    password: str
    role: str
    display_name: str
    groups: tuple[str, ...]


DEMO_LOGINS = (
    DemoLogin("admin", "admin-demo-123", "admin", "管理员", ()),
    DemoLogin("agent1", "agent-demo-123", "agent", "小王", ("账号安全",)),
    DemoLogin("agent2", "agent-demo-123", "agent", "小李", ("支付售后",)),
)
# Open 24/7 so the demo works at any hour; see docs/routing.md for real business hours.
DEMO_ROUTING = {
    "账号安全": GroupSettings(
        strategy="least_busy",
        default_capacity=5,
        off_hours_text="账号安全组服务时间为每天 09:00–21:00，您可以留言并留下手机号，我们会尽快联系您。",
    ),
    "支付售后": GroupSettings(
        strategy="last_agent",
        default_capacity=4,
        is_money=True,
        off_hours_text="支付售后组服务时间为工作日 09:00–12:00、13:30–18:00，您可以留言，我们上班后会尽快处理。",
    ),
}
DEMO_GROUPS = (("账号安全", "账号找回、被盗、冻结与登录安全"), ("支付售后", "支付、充值、退款、订单与售后"))


async def seed_demo(ctx: Context) -> bool:
    """Create the demo organisation once; returns False if it was already there."""
    async with ctx.uow() as uow:
        if await user_repo.get_organisation(uow.session) is not None:
            return False
        uow.session.add(
            Organisation(
                name="示例科技",
                default_locale="zh-CN",
                timezone="Asia/Shanghai",
                welcome_text="您好，欢迎咨询示例科技客服，请问有什么可以帮您？",
                created_at=ctx.clock.now(),
            )
        )
        await uow.commit()
    for name, description in DEMO_GROUPS:
        group_id = await ensure_group(ctx, name, description)
        await configure(ctx, group_id, DEMO_ROUTING[name])
    for login in DEMO_LOGINS:
        await auth.add_user(
            ctx,
            login.username,
            login.password,
            role=login.role,
            display_name=login.display_name,
            groups=login.groups,
        )
    await knowledge.import_file(ctx, DEMO_KB)
    for path in sorted(DEMO_FLOWS.glob("*.yaml")):
        await flow_versions.install(ctx, path.read_text(encoding="utf-8"))
    await canned_files.import_file(ctx, None, DEMO_CANNED.read_bytes(), "csv")  # the 话术库, one transaction
    return True


DEMO_ACTION_MARK = "示例科技业务系统（kefu demo）"


async def connect_demo_system(ctx: Context, base_url: str, secret: str) -> int:
    """Point the flows' actions at the demo business system at ``base_url`` (loopback, so private
    addresses are allowed for these actions only). Actions an admin added or changed are left alone;
    the demo's own follow the port it runs on. Returns how many were written."""
    written = 0
    async with ctx.uow() as uow:
        for name in DEMO_ACTIONS:
            url = action_url(base_url, name)
            row = await integration_repo.get_action(uow.session, name)
            if row is None:
                await integration_repo.add_action(
                    uow.session,
                    IntegrationAction(
                        name=name,
                        url=url,
                        secret=secret,
                        timeout_ms=3000,
                        max_attempts=3,
                        allow_private=True,
                        enabled=True,
                        description=DEMO_ACTION_MARK,
                        updated_by=None,
                        updated_at=ctx.clock.now(),
                    ),
                )
                written += 1
            elif row.description == DEMO_ACTION_MARK and row.updated_by is None and row.url != url:
                row.url = url
                written += 1
        if written:
            uow.emit(IntegrationsChanged("*"))
        await uow.commit()
    ctx.integrations.invalidate()
    return written
