"""Who may export: supervisors and admins (an export holds every ticket and every transcript of its
range, so it follows "sees everything", not an agent's own scope)."""

from __future__ import annotations

from kefu.errors import PermissionDenied
from kefu.security.principals import AgentPrincipal, Principal


def may_export(principal: Principal) -> bool:
    """Supervisors and admins."""
    return isinstance(principal, AgentPrincipal) and principal.sees_everything


def require_exporter(principal: Principal) -> None:
    """403 for everyone else."""
    if not may_export(principal):
        raise PermissionDenied("only supervisors and admins export", code="export_forbidden")
