"""Events are plain data: every type round-trips through JSON, and the module needs no ORM."""

from __future__ import annotations

import json
import subprocess
import sys
import typing

import pytest

from kefu import events
from kefu.conversations.status import Change, CloseReason, ConversationScope, Status
from kefu.conversations.views import AttachmentView, ConversationView, MessageView
from kefu.notes.views import NoteView

SCOPE = ConversationScope(customer_id=7, status=Status.ASSIGNED, assignee_id=3, skill_group_id=2, channel="web")
MESSAGE = MessageView(
    id=11,
    conversation_id=5,
    seq=4,
    sender_kind="agent",
    sender_name="小王",
    text="您好",
    attachment=AttachmentView(9, "a.png", "image/png", 120, True),
    client_msg_id="c-1",
    created_at="2026-12-02T10:00:00+00:00",
    meta={"kind": "answer", "buttons": [{"label": "有帮助"}]},
)
CONVERSATION = ConversationView(
    id=5,
    customer_id=7,
    customer_name="张三",
    channel="web",
    status=Status.ASSIGNED,
    skill_group_id=2,
    skill_group_name="账号安全",
    assignee_id=3,
    assignee_name="小王",
    last_seq=4,
    agent_read_seq=3,
    customer_read_seq=4,
    created_at="2026-12-02T09:00:00+00:00",
    updated_at="2026-12-02T10:00:00+00:00",
    closed_at=None,
    last_message_at="2026-12-02T10:00:00+00:00",
    handover_reason="customer_request",
    queued_at="2026-12-02T09:01:00+00:00",
)

SAMPLES: dict[type, events.Event] = {
    events.MessageCreated: events.MessageCreated(MESSAGE, SCOPE),
    events.ConversationChanged: events.ConversationChanged(
        CONVERSATION, Change.TRANSFERRED, previous=ConversationScope(7, Status.QUEUED, None, 2)
    ),
    events.ConversationClosed: events.ConversationClosed(SCOPE, 5, CloseReason.IDLE, None, Status.ASSIGNED),
    events.ConversationRead: events.ConversationRead(5, "customer", 4, SCOPE),
    events.Typing: events.Typing(5, "customer", "张三", SCOPE),
    events.QueueUpdate: events.QueueUpdate(5, 2, 120, "前面还有 1 位", SCOPE, "waiting", True),
    events.ConversationTransferred: events.ConversationTransferred(5, 3, "小王", 4, None, "请跟进", SCOPE),
    events.SupervisorAlert: events.SupervisorAlert(5, "sla_breach", "超时", 3),
    events.KnowledgeChanged: events.KnowledgeChanged((1, 2, 3)),
    events.BotSettingsChanged: events.BotSettingsChanged(0.7, 0.3, 3, True, False, True, True),
    events.PresenceChanged: events.PresenceChanged(3, "online", 5),
    events.TextsChanged: events.TextsChanged("agent.joined", "en", overridden=True),
    events.FlowsChanged: events.FlowsChanged("forgot_password"),
    events.IntegrationsChanged: events.IntegrationsChanged("find_order", deleted=True),
    events.TicketChanged: events.TicketChanged({"id": 1, "number": "T20261202-0001"}, "status", "agent", 3),
    events.TicketEventAdded: events.TicketEventAdded(1, {"id": 2, "kind": "note", "body": "内部"}, True, 7, 3, 2),
    events.TicketAlert: events.TicketAlert(1, "T20261202-0001", "sla_breach", "超时", 3),
    events.FollowUpDue: events.FollowUpDue({"id": 4, "ticket_id": 1, "note": "回访"}),
    events.NotificationsQueued: events.NotificationsQueued((7, 8)),
    events.NoteAdded: events.NoteAdded(
        NoteView(8, 5, 3, "小王", "@小李 帮忙看下", 4, (4,), "2026-12-02T10:01:00+00:00"), SCOPE
    ),
    events.Mentioned: events.Mentioned(2, 4, 5, 8, 3, "小王", "@小李 帮忙看下"),
    events.StaffTyping: events.StaffTyping(5, 3, "小王", "note", SCOPE),
}


def test_every_event_type_has_a_sample() -> None:
    assert set(SAMPLES) == set(typing.get_args(events.Event))


@pytest.mark.parametrize("event_type", list(SAMPLES), ids=lambda t: t.__name__)
def test_round_trip_through_json(event_type: type) -> None:
    event = SAMPLES[event_type]
    text = json.dumps(events.to_json(event), ensure_ascii=False)
    assert events.from_json(json.loads(text)) == event


def test_wire_frames_keep_routing_data_on_the_server() -> None:
    frame = SAMPLES[events.MessageCreated].to_wire()
    assert frame["type"] == "message"
    assert "scope" not in frame
    assert frame["message"]["text"] == "您好"
    changed = SAMPLES[events.ConversationChanged].to_wire()
    assert changed["change"] == "transferred"
    assert "previous" not in changed


def test_unknown_events_are_refused() -> None:
    with pytest.raises(ValueError, match="not an event"):
        events.from_json({"event": "Nope", "data": {}})
    with pytest.raises(ValueError, match="not an event"):
        events.from_json({"event": "Typing", "data": None})


def test_events_import_no_database_code() -> None:
    code = "import sys, kefu.events; print(any(m.startswith('sqlalchemy') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
