"""Writing and reading the audit log; entries join the request's transaction."""

from datetime import datetime

from sqlalchemy import select

from portal.audit.models import AuditAction, AuditEvent
from portal.extensions import db


def record(
    now: datetime,
    action: AuditAction,
    object_type: str,
    object_id: int | None = None,
    summary: str = "",
    account=None,
    client_name: str | None = None,
) -> AuditEvent:
    """Note that ``account`` (or an integration client) touched personal data."""
    event = AuditEvent(
        at=now,
        account_id=account.id if account is not None else None,
        client_name=client_name,
        action=AuditAction(action),
        object_type=object_type,
        object_id=object_id,
        summary=summary[:300],
    )
    db.session.add(event)
    db.session.flush()
    return event


def recent_events(limit: int = 200, account_id: int | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if account_id is not None:
        query = query.where(AuditEvent.account_id == account_id)
    return list(db.session.scalars(query))
