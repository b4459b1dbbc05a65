"""Customers as agents see them: naming a customer (访客12 → 王女士) from the console."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from kefu.conversations import customers
from kefu.web.deps import AgentDep, CtxDep
from kefu.web.responses import CustomerEnvelope
from kefu.web.schemas import Strict

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])


class CustomerNameIn(Strict):
    """The name agents (and the customer's conversations) show for this customer."""

    name: str = Field(max_length=1000)


@router.patch("/{customer_id}", response_model=CustomerEnvelope)
async def name_customer(customer_id: int, body: CustomerNameIn, agent: AgentDep, ctx: CtxDep) -> dict[str, Any]:
    """Name a customer (agents who may see one of their conversations; supervisors and admins)."""
    cid, name = await customers.name_by_agent(ctx, agent, customer_id, body.name)
    return {"customer": {"id": cid, "name": name}}
