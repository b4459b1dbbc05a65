"""The demo system's action handlers by name, one per action of docs/integrations.md."""

from __future__ import annotations

from kefu.demo_system import ACTIONS
from kefu.demo_system.actions import account, devices, logistics, orders
from kefu.demo_system.actions.base import Handler

HANDLERS: dict[str, Handler] = {
    "find_user": account.find_user,
    "send_code": account.send_code,
    "verify_code": account.verify_code,
    "send_reset_link": account.send_reset_link,
    "freeze_account": account.freeze_account,
    "recent_logins": account.recent_logins,
    "sign_out_devices": account.sign_out_devices,
    "recent_orders": orders.recent_orders,
    "find_order": orders.find_order,
    "redeliver": orders.redeliver,
    "request_refund": orders.request_refund,
    "transfer_status": logistics.transfer_status,
    "shipment_status": logistics.shipment_status,
    "urge_shipment": logistics.urge_shipment,
    "warranty_check": devices.warranty_check,
    "create_repair": devices.create_repair,
    "repair_progress": devices.repair_progress,
}
assert tuple(HANDLERS) == ACTIONS, "every advertised action has exactly one handler"
