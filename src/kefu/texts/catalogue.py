"""Every text kefu itself says to customers (and the few it writes for agents), keyed by a stable code.

A code has one wording per locale and, where a channel cannot show what the web widget shows (buttons,
the leave-a-message form), a variant for that channel. Placeholders are ``{name}``; every wording of a
code uses exactly the same ones, so an admin's override is checked against them (see ``overrides``).
The zh-CN wordings are the ones kefu has always used; tests and people rely on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

Audience: TypeAlias = Literal["customer", "agent"]

ZH = "zh-CN"
EN = "en"
LOCALES = (ZH, EN)
# Channels that show plain text only: no buttons, no forms (the customer answers by typing).
PLAIN_CHANNELS = ("wechat", "sms", "email")


@dataclass(frozen=True, slots=True)
class TextDef:
    """One text: its wording per locale, channel variants, and who reads it."""

    code: str
    wording: Mapping[str, str]
    variants: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    audience: Audience = "customer"


def _text(
    code: str, zh: str, en: str, *, plain: tuple[str, str] | None = None, audience: Audience = "customer"
) -> TextDef:
    variants = {channel: {ZH: plain[0], EN: plain[1]} for channel in PLAIN_CHANNELS} if plain else {}
    return TextDef(code, {ZH: zh, EN: en}, variants, audience)


_TEXTS = (
    # ---- opening the chat and the bot ----------------------------------------------------------
    _text(
        "chat.welcome",
        "您好，请问有什么可以帮您？",
        "Hello! How can we help you today?",
    ),
    _text(
        "bot.greeting",
        "您好！我是智能客服小示，请直接描述您遇到的问题，例如“忘记密码怎么办”。",
        "Hello! I'm the virtual assistant. Please describe your problem, e.g. “I forgot my password”.",
    ),
    _text(
        "bot.thanks", "不客气，很高兴能帮到您！还有其他问题随时问我。", "You're welcome! Ask me anything else any time."
    ),
    _text("bot.goodbye", "好的，祝您生活愉快，再见！", "Goodbye, have a nice day!"),
    _text(
        "bot.clarify",
        "您是想问：",
        "Did you mean:",
        plain=("您是想问以下哪个问题？", "Did you mean one of these?"),
    ),
    _text(
        "bot.decline",
        "抱歉，这个问题我暂时还不会。您可以换个说法再问我，或者转人工客服。",
        "Sorry, I don't know the answer to that yet. You can rephrase it, or talk to a person.",
        plain=(
            "抱歉，这个问题我暂时还不会。您可以换个说法再问我，或者回复“人工”转人工客服。",
            "Sorry, I don't know the answer to that yet. You can rephrase it, or reply “agent” to talk to a person.",
        ),
    ),
    _text(
        "bot.unhelpful.alternatives",
        "抱歉没能帮到您。您是不是想问：",
        "Sorry that didn't help. Did you mean:",
    ),
    _text(
        "bot.unhelpful.offer_person",
        "抱歉没能帮到您，需要为您转人工客服吗？",
        "Sorry that didn't help. Shall I find you a person?",
        plain=(
            "抱歉没能帮到您。如需人工客服，请回复“人工”。",
            "Sorry that didn't help. Reply “agent” if you would like to talk to a person.",
        ),
    ),
    _text("bot.button.human", "转人工", "Talk to a person"),
    # ---- hand-over to a person (the bot's last words; one per hand-over reason) ------------------
    _text(
        "handover.customer_request",
        "好的，正在为您转接人工客服，请稍候。",
        "Sure, connecting you to a human agent now. One moment, please.",
    ),
    _text(
        "handover.negative_sentiment",
        "非常抱歉给您带来不好的体验，我马上为您转接人工客服处理。",
        "I'm sorry about this. Let me connect you to a human agent right away.",
    ),
    _text(
        "handover.vip",
        "尊敬的 VIP 客户，正在为您转接专属人工客服，请稍候。",
        "Connecting you to your dedicated agent now. One moment, please.",
    ),
    _text(
        "handover.sensitive_topic",
        "这个问题涉及您的资金或账号安全，我为您转接人工客服进一步处理。",
        "This concerns your money or account security, so I'm connecting you to a human agent.",
    ),
    _text(
        "handover.money",
        "这个问题涉及您的资金，我马上为您转接负责支付的人工客服核实处理，请稍候。",
        "This concerns your money, so I'm connecting you to our payments team to check it. One moment, please.",
    ),
    _text(
        "handover.bot_failed",
        "抱歉我没能解决您的问题，正在为您转接人工客服。",
        "Sorry I couldn't solve this. Connecting you to a human agent.",
    ),
    # ---- guided self-service flows ----------------------------------------------------------------
    _text("flow.retry.format", "格式好像不太对，请重新输入。", "That doesn't look right. Please try again."),
    _text(
        "flow.retry.checksum", "号码校验未通过，请核对后重新输入。", "That number doesn't check out. Please check it."
    ),
    _text("flow.retry.too_early", "这个日期太早了，请重新输入。", "That date is too early. Please try again."),
    _text("flow.retry.too_late", "这个日期不能晚于今天，请重新输入。", "That date is too late. Please try again."),
    _text(
        "flow.retry.choice",
        "请从下面的选项中选择一个。",
        "Please choose one of the options below.",
        plain=("请回复选项前的数字。", "Please reply with the number of an option."),
    ),
    _text(
        "flow.retry.lookup",
        "没有查到相关信息，请核对后重新输入。",
        "We couldn't find that. Please check and try again.",
    ),
    _text(
        "flow.cancelled",
        "好的，已为您取消「{flow}」。还有其他问题可以随时问我。",
        "OK, “{flow}” is cancelled. Ask me anything else any time.",
    ),
    _text(
        "flow.expired",
        "由于长时间未操作，「{flow}」已结束。如需继续办理，请重新发起。",
        "“{flow}” ended as there was no reply for a while. Start it again whenever you like.",
    ),
    _text(
        "flow.unavailable",
        "抱歉，系统暂时无法处理您的请求。正在为您转接人工客服，您已提供的信息会一并转给客服，无需重复说明。",
        "Sorry, our system can't process this right now. Connecting you to a person; "
        "they will see what you've told us, so you won't need to repeat it.",
    ),
    _text(
        "flow.handover",
        "正在为您转接人工客服，您已提供的信息会同步给客服，请稍候。",
        "Connecting you to a person; they will see what you've told us. Please hold on.",
    ),
    _text(
        "flow.too_many_attempts",
        "多次输入未通过验证。为了您的账号安全，正在为您转接人工客服。",
        "That didn't work several times. For your account's safety, connecting you to a person.",
    ),
    _text("flow.resume", "我们继续办理「{flow}」：", "Let's continue with “{flow}”:"),
    _text("flow.corrected", "好的，已为您更新。", "OK, updated."),
    _text(
        "flow.ticket", "已为您登记，工作人员会尽快处理并联系您。", "Registered. Our staff will follow up with you soon."
    ),
    _text(
        "flow.menu",
        "您也可以点击下方菜单自助办理：",
        "Or pick one of these to sort it out yourself:",
        plain=("您也可以回复数字自助办理：", "Or reply with a number to sort it out yourself:"),
    ),
    # ---- waiting in the queue ---------------------------------------------------------------------
    _text(
        "queue.position",
        "前面还有 {ahead} 位，预计等待 {minutes} 分钟",
        "Customers ahead of you: {ahead}. Estimated wait: about {minutes} min.",
    ),
    _text("queue.position.no_eta", "前面还有 {ahead} 位", "Customers ahead of you: {ahead}."),
    _text("queue.next", "您是下一位，预计等待 {minutes} 分钟", "You're next. Estimated wait: about {minutes} min."),
    _text("queue.next.no_eta", "您是下一位", "You're next."),
    _text("queue.handed_over", "已为您转接人工客服，{queue}", "We're connecting you to an agent. {queue}"),
    _text(
        "queue.no_agents",
        "当前暂无客服在线，您可以继续等待，或留言并留下联系方式，我们会尽快联系您。",
        "No agent is online right now. You can keep waiting, or leave a message with your contact details "
        "and we'll get back to you soon.",
        plain=(
            "当前暂无客服在线，您可以继续等待，或直接留言说明问题并留下联系方式，我们会尽快联系您。",
            "No agent is online right now. You can keep waiting, or reply with your question and your contact "
            "details and we'll get back to you soon.",
        ),
    ),
    _text(
        "queue.timeout",
        "您已等待较长时间，抱歉让您久等。您可以选择继续等待，或留言并留下联系方式，我们会尽快联系您。",
        "Sorry to keep you waiting so long. You can keep waiting, or leave a message with your contact details "
        "and we'll get back to you soon.",
        plain=(
            "您已等待较长时间，抱歉让您久等。您可以继续等待，或直接留言说明问题并留下联系方式，我们会尽快联系您。",
            "Sorry to keep you waiting so long. You can keep waiting, or reply with your question and your contact "
            "details and we'll get back to you soon.",
        ),
    ),
    _text(
        "queue.off_hours",
        "现在是非服务时间，我们将于 {opens} 开始服务，您可以留言并留下联系方式，我们上班后会尽快联系您。",
        "We're currently closed and open again {opens}. Please leave a message with your contact details "
        "and we'll get back to you as soon as we're back.",
    ),
    _text(
        "queue.off_hours.no_opening",
        "现在是非服务时间，您可以留言并留下联系方式，我们上班后会尽快联系您。",
        "We're currently closed. Please leave a message with your contact details and we'll get back to you "
        "as soon as we're back.",
    ),
    _text("queue.status.bot", "智能助手为您服务中", "Our virtual assistant is helping you"),
    _text("queue.status.assigned", "客服已接入", "An agent has joined"),
    _text("queue.status.closed", "会话已结束", "The conversation has ended"),
    # ---- served by a person -----------------------------------------------------------------------
    _text(
        "agent.joined",
        "客服 {agent} 已接入，请问有什么可以帮您？",
        "{agent} has joined the chat. How can I help you?",
    ),
    _text(
        "transfer.to_agent",
        "已为您转接至客服 {agent}，请稍候。",
        "You're being transferred to {agent}. One moment, please.",
    ),
    _text(
        "transfer.to_group",
        "已为您转接至{group}，正在为您安排客服，请稍候。",
        "You're being transferred to {group}. An agent will be with you shortly.",
    ),
    _text(
        "conversation.closed.by_agent",
        "客服已结束本次会话，感谢您的咨询。",
        "The agent has ended this conversation. Thank you for contacting us.",
    ),
    _text(
        "conversation.closed.by_customer",
        "您已结束本次会话，感谢您的咨询。",
        "You have ended this conversation. Thank you for contacting us.",
    ),
    _text(
        "conversation.closed.idle",
        "您已超过 {minutes} 分钟未回复，本次会话已自动结束。如需帮助，欢迎随时再联系我们。",
        "As we haven't heard from you for {minutes} min, this conversation has been closed. "
        "Feel free to contact us again any time.",
    ),
    # ---- leave a message (留言) -------------------------------------------------------------------
    _text(
        "leave.received",
        "您的留言已收到，我们会通过 {contact} 尽快联系您。",
        "We've received your message and will contact you at {contact} soon.",
    ),
    _text(
        "leave.answered",
        "客服 {agent} 回复了您的留言「{question}」：{answer}",
        "{agent} replied to your message “{question}”: {answer}",
    ),
    # ---- notifications outside the chat (kefu.notify: e-mail subject and body, SMS) ---------------
    _text(
        "notify.footer",
        "——\n此邮件由系统自动发送，请勿直接回复。不想再收到通知？退订：{unsubscribe}",
        "——\nThis message was sent automatically; please do not reply. To stop receiving notifications: {unsubscribe}",
    ),
    _text("notify.leave_answered.subject", "您的留言有了回复", "Your message has been answered"),
    _text(
        "notify.leave_answered.body",
        "{name}，您好：\n\n客服 {agent} 回复了您的留言「{question}」：\n\n{answer}\n\n如需继续咨询，请访问 {link}",
        "Hello {name},\n\n{agent} replied to your message “{question}”:\n\n{answer}\n\n"
        "To continue the conversation, visit {link}",
    ),
    _text(
        "notify.leave_answered.sms",
        "{name}您好，客服已回复您的留言，详情请查看邮件或在线客服。",
        "Hello {name}, we have replied to your message; see your e-mail or our online chat.",
    ),
    _text("notify.ticket_created.subject", "工单 {number} 已创建", "Ticket {number} created"),
    _text(
        "notify.ticket_created.body",
        "{name}，您好：\n\n我们已为您创建工单 {number}「{title}」，会尽快处理。您可以随时查看进度：{link}",
        "Hello {name},\n\nWe have opened ticket {number} “{title}” for you and will work on it soon. "
        "Follow its progress at {link}",
    ),
    _text(
        "notify.ticket_created.sms",
        "您的工单 {number} 已创建，我们会尽快处理。",
        "Your ticket {number} has been created; we will work on it soon.",
    ),
    _text("notify.ticket_replied.subject", "工单 {number} 有新回复", "New reply on ticket {number}"),
    _text(
        "notify.ticket_replied.body",
        "{name}，您好：\n\n您的工单 {number}「{title}」有新回复：\n\n{reply}\n\n查看或补充信息：{link}",
        "Hello {name},\n\nThere is a new reply on your ticket {number} “{title}”:\n\n{reply}\n\n"
        "View it or add information: {link}",
    ),
    _text(
        "notify.ticket_replied.sms",
        "您的工单 {number} 有新回复，请查看。",
        "There is a new reply on your ticket {number}.",
    ),
    _text("notify.ticket_pending.subject", "工单 {number} 等待您的回复", "Ticket {number} is waiting for you"),
    _text(
        "notify.ticket_pending.body",
        "{name}，您好：\n\n您的工单 {number}「{title}」需要您补充信息后我们才能继续处理。请查看：{link}",
        "Hello {name},\n\nWe need more information from you to continue with ticket {number} “{title}”. "
        "Please see {link}",
    ),
    _text(
        "notify.ticket_pending.sms",
        "您的工单 {number} 等待您补充信息，请查看。",
        "Ticket {number} is waiting for information from you.",
    ),
    _text("notify.ticket_resolved.subject", "工单 {number} 已解决", "Ticket {number} resolved"),
    _text(
        "notify.ticket_resolved.body",
        "{name}，您好：\n\n您的工单 {number}「{title}」已解决。如问题仍未解决，可在此重新打开：{link}",
        "Hello {name},\n\nYour ticket {number} “{title}” has been resolved. "
        "If the problem is still there, reopen it at {link}",
    ),
    _text(
        "notify.ticket_resolved.sms",
        "您的工单 {number} 已解决，如有问题可重新打开。",
        "Your ticket {number} has been resolved; reopen it if the problem persists.",
    ),
    _text("notify.verify_email.subject", "请确认您的邮箱地址", "Please confirm your e-mail address"),
    _text(
        "notify.verify_email.body",
        "您好：\n\n您在我们的在线客服留下了这个邮箱地址。确认后，我们会把回复和进度通知发到这里：\n\n{link}\n\n"
        "如果不是您本人操作，请忽略此邮件。",
        "Hello,\n\nThis address was left with our online customer service. Confirm it and we will send "
        "replies and progress updates here:\n\n{link}\n\nIf this was not you, please ignore this message.",
    ),
    _text("notify.verify_email.sms", "请查收确认邮件。", "Please check your e-mail to confirm it."),
    _text(
        "notify.page.unsubscribed",
        "您已退订，我们不会再通过邮件或短信通知您。",
        "You have been unsubscribed: we will no longer notify you by e-mail or SMS.",
    ),
    _text(
        "notify.page.verified",
        "邮箱 {email} 已确认，我们会把回复和进度通知发到这里。",
        "{email} is confirmed: we will send replies and progress updates there.",
    ),
    _text("notify.page.invalid", "链接无效或已过期。", "This link is not valid or has expired."),
    # ---- channels that show plain text only ----------------------------------------------------
    _text("channel.choose_by_number", "回复数字选择：", "Reply with a number to choose:"),
    # ---- for agents and supervisors ---------------------------------------------------------------
    _text("customer.visitor_name", "访客{id}", "Visitor {id}", audience="agent"),
    _text("transfer.note.supervisor", "主管改派", "Reassigned by a supervisor", audience="agent"),
    _text(
        "alert.sla.unassigned",
        "会话 #{conversation} 超过 {minutes} 分钟未首次回复，且暂无其他客服可接",
        "Conversation #{conversation} has had no first reply for over {minutes} min, and no other agent is free",
        audience="agent",
    ),
    _text(
        "alert.sla.reassigned",
        "会话 #{conversation} 超过 {minutes} 分钟未首次回复，已改派给 {agent}",
        "Conversation #{conversation} has had no first reply for over {minutes} min; reassigned to {agent}",
        audience="agent",
    ),
    # ---- tickets (kefu.tickets): alerts for supervisors ----
    _text(
        "alert.ticket.sla_warning",
        "工单 {number} 的{clock}将在 {due} 到期",
        "Ticket {number}: {clock} is due at {due}",
        audience="agent",
    ),
    _text(
        "alert.ticket.sla_breach",
        "工单 {number} 的{clock}已超时（{due} 到期）",
        "Ticket {number}: {clock} breached (was due at {due})",
        audience="agent",
    ),
    _text(
        "alert.ticket.reassigned",
        "工单 {number} 已超时，已改派给 {agent}",
        "Ticket {number} breached its SLA and was reassigned to {agent}",
        audience="agent",
    ),
    _text(
        "alert.ticket.complaint",
        "新投诉工单 {number}：{title}",
        "New complaint {number}: {title}",
        audience="agent",
    ),
    _text("ticket.clock.first_response", "首次响应", "first response", audience="agent"),
    _text("ticket.clock.next_update", "下次更新", "next update", audience="agent"),
    _text("ticket.clock.resolution", "解决时限", "resolution", audience="agent"),
)

CATALOGUE: Mapping[str, TextDef] = {text.code: text for text in _TEXTS}
