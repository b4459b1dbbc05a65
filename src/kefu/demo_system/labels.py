"""Chinese names of the demo system's states, sent beside the machine values (``state_text``).

kefu branches on the machine values; the texts are what the company's own app would show, handy for
the landing page and for an agent reading the data.
"""

from __future__ import annotations

ORDER_STATES = {
    "shipped": "已发货",
    "to_ship": "待发货",
    "delivered": "已签收",
    "awaiting_credit": "已扣款，待到账",
    "credited": "已到账",
    "awaiting_payment": "待支付",
    "payment_failed": "支付失败",
    "refunded": "已退款",
}
PAYMENT_STATES = {
    "paid": "已支付",
    "failed": "支付失败",
    "debited_not_credited": "已扣款未到账",
    "refunded": "已退款",
    "pending": "待支付",
}
SHIPMENT_STATES = {"not_shipped": "未发货", "in_transit": "运输中", "delivered": "已签收"}
TRANSFER_STATES = {"pending": "确认中", "confirmed": "已确认", "stuck": "卡单", "failed": "失败"}
REPAIR_STATES = {
    "received": "已受理",
    "inspecting": "检测中",
    "repairing": "维修中",
    "returning": "寄回中",
    "done": "已完成",
}
