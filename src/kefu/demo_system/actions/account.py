"""Account actions: find a user, one-time codes, reset links, freezing and signed-in devices."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from sqlalchemy import func, select, update

from kefu.demo_system import outbox
from kefu.demo_system.actions.base import (
    NO_USER,
    ActionContext,
    BadParams,
    Params,
    Result,
    not_found,
    ok,
    refused,
    user_by_id,
    user_by_phone,
)
from kefu.demo_system.formats import iso, mask_email, mask_phone, shown
from kefu.demo_system.store import Login, ResetLink, User, VerificationCode

CODE_TTL_S = 300
MAX_WRONG_ATTEMPTS = 5
RESET_LINK_TTL_S = 1800


async def find_user(ctx: ActionContext, params: Params) -> Result:
    """Look a user up by phone or e-mail."""
    phone, email = params.optional("phone"), params.optional("email")
    if phone is None and email is None:
        raise BadParams("phone", "phone or email is required")
    user = await user_by_phone(ctx.session, phone) if phone else None
    if user is None and email:
        user = await ctx.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if user is None:
        return not_found("未找到绑定该手机号或邮箱的账号")
    return ok(
        {
            "user_id": str(user.id),
            "name": user.name,
            "name_masked": user.name[:1] + "*" * (len(user.name) - 1),
            "phone_masked": mask_phone(user.phone),
            "email_masked": mask_email(user.email),
            "frozen": user.frozen_at is not None,
        }
    )


async def send_code(ctx: ActionContext, params: Params) -> Result:
    """Send a fresh 6-digit code by SMS or e-mail; it replaces any code sent before."""
    user_id, via = params.user_id(), params.text("via")
    if via not in ("sms", "email"):
        raise BadParams("via", "must be sms or email")
    user = await user_by_id(ctx.session, user_id)
    if user is None:
        return not_found(NO_USER)
    await ctx.session.execute(
        update(VerificationCode)
        .where(VerificationCode.user_id == user.id, VerificationCode.used_at.is_(None))
        .values(replaced=True)
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    ctx.session.add(
        VerificationCode(
            user_id=user.id,
            code=code,
            via=via,
            created_at=ctx.now,
            expires_at=ctx.now + timedelta(seconds=CODE_TTL_S),
        )
    )
    text = f"【示例科技】您的验证码为 {code}，5 分钟内有效。请勿告诉他人，客服不会向您索要验证码。"
    if via == "sms":
        outbox.send(ctx.session, ctx.now, "sms", user.phone, text, code=code)
        sent_to = mask_phone(user.phone)
    else:
        body = f"{user.name}，您好：\n\n{text}\n\n如非本人操作，请忽略本邮件。\n示例科技 账号安全中心"
        outbox.send(ctx.session, ctx.now, "email", user.email, body, subject="示例科技 身份验证码", code=code)
        sent_to = mask_email(user.email)
    return ok({"sent_to": sent_to, "via": via, "expires_in_s": CODE_TTL_S}, f"验证码已发送至 {sent_to}")


async def verify_code(ctx: ActionContext, params: Params) -> Result:
    """Check the latest code: five wrong tries lock it; an expired or used code never passes."""
    user_id, given = params.user_id(), params.text("code")
    if await user_by_id(ctx.session, user_id) is None:
        return not_found(NO_USER)
    code = await ctx.session.scalar(
        select(VerificationCode)
        .where(VerificationCode.user_id == user_id, VerificationCode.replaced.is_(False))
        .order_by(VerificationCode.id.desc())
        .limit(1)
    )
    if code is not None and code.wrong_attempts >= MAX_WRONG_ATTEMPTS:
        return refused("too_many_attempts", "验证码错误次数过多，请重新获取验证码")
    if code is None or code.used_at is not None or ctx.now >= code.expires_at:
        return refused("expired", "验证码已失效，请重新获取")
    if not hmac.compare_digest(code.code.encode(), given.encode()):
        code.wrong_attempts += 1
        left = MAX_WRONG_ATTEMPTS - code.wrong_attempts
        if left == 0:
            return refused("too_many_attempts", "验证码错误次数过多，请重新获取验证码")
        return refused("wrong_code", f"验证码错误，还可尝试 {left} 次", attempts_left=left)
    code.used_at = ctx.now
    return ok({}, "验证通过")


async def send_reset_link(ctx: ActionContext, params: Params) -> Result:
    """E-mail a password-reset link valid for 30 minutes."""
    user = await user_by_id(ctx.session, params.user_id())
    if user is None:
        return not_found(NO_USER)
    token = secrets.token_urlsafe(24)
    ctx.session.add(
        ResetLink(
            token=token, user_id=user.id, created_at=ctx.now, expires_at=ctx.now + timedelta(seconds=RESET_LINK_TTL_S)
        )
    )
    link = f"{ctx.base_url}/reset?token={token}"
    body = (
        f"{user.name}，您好：\n\n请在 30 分钟内打开下面的链接重置示例科技账号密码：\n{link}\n\n"
        "如非本人操作，请忽略本邮件，您的密码不会改变。\n示例科技 账号安全中心"
    )
    outbox.send(ctx.session, ctx.now, "email", user.email, body, subject="重置您的示例科技账号密码", link=link)
    sent_to = mask_email(user.email)
    return ok({"sent_to": sent_to, "expires_in_s": RESET_LINK_TTL_S}, f"重置链接已发送至 {sent_to}")


async def freeze_account(ctx: ActionContext, params: Params) -> Result:
    """Freeze the account and sign every device out; freezing a frozen account changes nothing."""
    user = await user_by_id(ctx.session, params.user_id())
    if user is None:
        return not_found(NO_USER)
    if user.frozen_at is None:
        user.frozen_at = ctx.now
        user.frozen_reason = (params.optional("reason") or "客户申请冻结")[:200]
        user.frozen_signed_out = await _sign_out(ctx, user.id)
        outbox.send(
            ctx.session,
            ctx.now,
            "sms",
            user.phone,
            f"【示例科技】您的账号已于 {shown(ctx.now)} 冻结，所有设备已退出登录。如需解冻请联系客服。",
        )
    return ok({"frozen_at": iso(user.frozen_at), "signed_out_devices": user.frozen_signed_out}, "账号已冻结")


async def recent_logins(ctx: ActionContext, params: Params) -> Result:
    """The latest sign-ins, newest first: ``signed_in`` while that session lasts, and ``current`` for
    the newest signed-in one (the device the customer is most likely using now)."""
    user_id, limit = params.user_id(), params.integer("limit", 5, 1, 20)
    if await user_by_id(ctx.session, user_id) is None:
        return not_found(NO_USER)
    logins = list(
        await ctx.session.scalars(select(Login).where(Login.user_id == user_id).order_by(Login.at.desc()).limit(limit))
    )
    current = next((login.id for login in logins if login.active), None)
    return ok(
        {
            "logins": [
                {
                    "time": iso(login.at),
                    "place": login.place,
                    "device": login.device,
                    "ip": login.ip,
                    "current": login.id == current,
                    "signed_in": login.active,
                }
                for login in logins
            ]
        }
    )


async def sign_out_devices(ctx: ActionContext, params: Params) -> Result:
    """Sign every device of the user out."""
    user = await user_by_id(ctx.session, params.user_id())
    if user is None:
        return not_found(NO_USER)
    count = await _sign_out(ctx, user.id)
    return ok({"signed_out": count}, f"已退出 {count} 台设备")


async def _sign_out(ctx: ActionContext, user_id: int) -> int:
    active = list(await ctx.session.scalars(select(Login).where(Login.user_id == user_id, Login.active.is_(True))))
    for login in active:
        login.active = False
    return len(active)
