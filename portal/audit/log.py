"""Writing and reading the audit log; entries join the request's transaction."""

from datetime import date, datetime

from sqlalchemy import select

from portal.audit.models import AuditAction, AuditEvent
from portal.extensions import db


def record(
    now: datetime,
    action: AuditAction,
    object_type: str,
    object_id: int | None = None,
    detail: str = "",
    account=None,
    client_name: str | None = None,
    **values,
) -> AuditEvent:
    """Note that ``account`` (or an integration client) touched personal data.

    ``detail`` is a code of portal.audit.labels.DETAILS and ``values`` its values
    (strings or numbers), e.g. ``detail="outcome-recorded", outcome="attended"``.
    """
    event = AuditEvent(
        at=now,
        account_id=account.id if account is not None else None,
        client_name=client_name,
        action=AuditAction(action),
        object_type=object_type,
        object_id=object_id,
        detail=detail[:40],
        detail_values={key: _plain(value) for key, value in values.items() if value is not None},
    )
    db.session.add(event)
    db.session.flush()
    return event


def _plain(value):
    """A value JSON keeps as it is: dates as ISO text."""
    return value.isoformat() if isinstance(value, date) else value


def recent_events(limit: int = 200, account_id: int | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if account_id is not None:
        query = query.where(AuditEvent.account_id == account_id)
    return list(db.session.scalars(query))
