"""Keeping each booking's meeting in step with the booking.

Booking transitions call ``plan_meeting`` in their own transaction; the worker
(``meetings.worker``) later claims due meetings, reads a ``Step`` (what to ask
the provider), asks, and records the outcome. These functions flush; the worker
commits around the (slow) provider call.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.sql.expression import ColumnElement

from portal.booking.models import Booking, BookingStatus
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingStatus, ProviderStatus
from portal.meetings.providers import MeetingDetails

MAX_RETRY_SECONDS = 3600


def plan_meeting(booking: Booking, now: datetime) -> Meeting:
    """Mark the booking's meeting as due for the provider (create, move or delete)."""
    meeting: Meeting | None = booking.meeting
    if meeting is None:
        meeting = Meeting(
            booking=booking,
            provider=current_app.config["MEETING_PROVIDER"],
            synced_sequence=-1,
            attempts=0,
            generation=0,
        )
        db.session.add(meeting)
    if booking.status != BookingStatus.CONFIRMED and meeting.external_id is None:
        meeting.status = MeetingStatus.CANCELLED  # nothing was created: nothing to delete
        meeting.next_attempt_at = None
    else:
        meeting.status = MeetingStatus.PENDING
        meeting.next_attempt_at = now
        meeting.attempts = 0
    meeting.updated_at = now
    db.session.flush()
    return meeting


def _due(now: datetime, include_failed: bool) -> tuple[ColumnElement[bool], ...]:
    statuses = [MeetingStatus.PENDING] + ([MeetingStatus.FAILED] if include_failed else [])
    return (
        Meeting.status.in_(statuses),
        or_(Meeting.next_attempt_at.is_(None), Meeting.next_attempt_at <= now),
    )


def due_meeting_ids(now: datetime, include_failed: bool = False) -> list[int]:
    return list(
        db.session.scalars(
            select(Meeting.id)
            .where(*_due(now, include_failed))
            .order_by(Meeting.next_attempt_at, Meeting.id)
        )
    )


def claim_meeting(
    meeting_id: int, now: datetime, lease_seconds: int, include_failed: bool = False
) -> Meeting | None:
    """Take the meeting for this worker for a while; None if another worker has it."""
    result = cast(
        CursorResult[Any],
        db.session.execute(
            update(Meeting)
            .where(Meeting.id == meeting_id, *_due(now, include_failed))
            .values(next_attempt_at=now + timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        ),
    )
    return db.session.get(Meeting, meeting_id) if result.rowcount == 1 else None


@dataclass(frozen=True)
class Step:
    """What to ask the provider for one meeting, read before the transaction ends.

    ``action``: "create", "move" (PATCH under the same organizer), "replace"
    (delete under the old organizer, create under the new), "delete". For a
    move or replace the new organizer is known only once resolved, so the
    worker turns "update" into one of them.
    """

    action: str  # "create", "update" or "delete"
    booking_id: int
    sequence: int
    external_id: str | None  # the meeting as it exists now, and its owner
    owner_id: str | None
    generation: int
    desk_id: int
    organizer: str | None  # the desk's organizer (object id or UPN) and its cached id
    organizer_id: str | None
    subject: str
    starts_at: datetime
    ends_at: datetime

    def external_key(self, generation: int) -> str:
        """Our key for createOrGet: the booking, and which meeting of it."""
        return str(self.booking_id) if generation == 0 else f"{self.booking_id}-{generation}"


def next_step(meeting: Meeting) -> Step:
    booking = meeting.booking
    slot = booking.slot
    desk = slot.desk
    if booking.status != BookingStatus.CONFIRMED:
        action = "delete"
    else:
        action = "update" if meeting.external_id else "create"
    return Step(
        action=action,
        booking_id=booking.id,
        sequence=booking.sequence,
        external_id=meeting.external_id,
        owner_id=meeting.organizer_id,
        generation=meeting.generation,
        desk_id=desk.id,
        organizer=desk.teams_organizer,
        organizer_id=desk.teams_organizer_id,
        # Staff see this in Teams; the citizen's name stays out of Microsoft's systems.
        subject=f"Segurança Social – {booking.referral.subject.name_pt} – "
        f"{booking.referral.display_code}",
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )


def record_deleted(meeting: Meeting, now: datetime) -> None:
    """The old meeting is gone (a replacement's first half, or a cancellation)."""
    meeting.external_id = meeting.join_url = meeting.organizer_id = None
    meeting.join_meeting_id = meeting.passcode = None
    meeting.updated_at = now
    db.session.flush()


def record_success(
    meeting: Meeting,
    details: MeetingDetails | None,
    step: Step,
    now: datetime,
    organizer_id: str | None = None,
    generation: int | None = None,
) -> None:
    """Store what the provider answered. A booking changed meanwhile stays pending."""
    booking = meeting.booking
    db.session.refresh(booking)
    if details is None:  # deleted
        record_deleted(meeting, now)
        meeting.status = MeetingStatus.CANCELLED
        meeting.next_attempt_at = None
    else:
        meeting.external_id = details.id
        meeting.organizer_id = organizer_id
        meeting.generation = step.generation if generation is None else generation
        meeting.join_url = details.join_url
        meeting.join_meeting_id = details.join_meeting_id
        meeting.passcode = details.passcode
        meeting.synced_sequence = step.sequence
        caught_up = step.sequence >= booking.sequence and booking.status == BookingStatus.CONFIRMED
        meeting.status = MeetingStatus.READY if caught_up else MeetingStatus.PENDING
        meeting.next_attempt_at = None if caught_up else now
    meeting.attempts = 0
    meeting.last_error = None
    meeting.updated_at = now
    db.session.flush()


def record_failure(
    meeting: Meeting, error: Exception, now: datetime, retry_seconds: int, final: bool
) -> None:
    """Keep the error on the booking's meeting; retry later unless it was refused.

    The wait doubles with each attempt, and is never shorter than the
    provider's own Retry-After.
    """
    meeting.attempts += 1
    meeting.last_error = str(error)[:2000]
    meeting.updated_at = now
    if final:
        meeting.status = MeetingStatus.FAILED
        meeting.next_attempt_at = None
    else:
        delay = min(retry_seconds * 2 ** (meeting.attempts - 1), MAX_RETRY_SECONDS)
        delay = max(delay, min(getattr(error, "retry_after", None) or 0, MAX_RETRY_SECONDS))
        meeting.next_attempt_at = now + timedelta(seconds=delay)
    db.session.flush()


def remember_organizer(desk_id: int, organizer: str, organizer_id: str) -> None:
    """Cache a resolved organizer on the desk, unless the desk's organizer changed since."""
    from portal.scheduling.models import Desk

    db.session.execute(
        update(Desk)
        .where(Desk.id == desk_id, Desk.teams_organizer == organizer)
        .values(teams_organizer_id=organizer_id)
        .execution_options(synchronize_session=False)
    )


# The provider as a whole ----------------------------------------------------------


def provider_status(provider: str) -> ProviderStatus:
    status = db.session.get(ProviderStatus, provider)
    if status is None:
        status = ProviderStatus(provider=provider)
        db.session.add(status)
        db.session.flush()
    return status


def pause_provider(provider: str, now: datetime, until: datetime, problem: str | None) -> bool:
    """Pause every meeting until ``until``; with a ``problem``, record it. True if new."""
    status = provider_status(provider)
    new = problem is not None and status.problem is None
    if problem is not None:
        status.problem = problem[:2000]
        status.problem_since = status.problem_since or now
    status.paused_until = until
    status.updated_at = now
    db.session.flush()
    return new


def provider_works(provider: str, now: datetime) -> bool:
    """The provider answered: clear any problem. True if there was one."""
    status = db.session.get(ProviderStatus, provider)
    if status is None or (status.problem is None and status.paused_until is None):
        return False
    had_problem = status.problem is not None
    status.problem = status.problem_since = status.paused_until = None
    status.updated_at = now
    db.session.flush()
    return had_problem
