"""The audit log: an append function and a read function, and nothing that changes or removes its rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from drafting.store.models import (
    AuditEvent,
)


def add_audit_event(
    session: Session,
    action: str,
    *,
    actor: str | None,
    document_id: int | None = None,
    version: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event to the audit log, in the caller's transaction (so it stands or falls with the change)."""
    event = AuditEvent(action=action, actor=actor, document_id=document_id, version=version, detail=detail or {})
    session.add(event)
    session.flush()
    return event


def list_audit_events(
    session: Session,
    *,
    document_id: int | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[AuditEvent], int]:
    """Return one page of audit events, newest first, and how many match in all."""
    conditions = []
    if document_id is not None:
        conditions.append(AuditEvent.document_id == document_id)
    if actor is not None:
        conditions.append(AuditEvent.actor == actor)
    if action is not None:
        conditions.append(AuditEvent.action == action)
    if since is not None:
        conditions.append(AuditEvent.at >= since)
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    events = session.scalars(
        select(AuditEvent)
        .where(*conditions)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(events), total
