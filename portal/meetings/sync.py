"""Keeping each booking's meeting in step with the booking.

Booking operations call ``plan_meeting`` in their own transaction; the worker
later claims due meetings, asks the provider, and records the outcome. These
functions flush; the worker commits around the (slow) provider call.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from portal.booking.models import Booking, BookingStatus
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingStatus
from portal.meetings.providers import MeetingDetails, MeetingRequest

MAX_RETRY_SECONDS = 3600


def plan_meeting(booking: Booking, now: datetime) -> Meeting:
    """Mark the booking's meeting as due for the provider (create, move or delete)."""
    meeting = booking.meeting
    if meeting is None:
        meeting = Meeting(
            booking=booking,
            provider=current_app.config["MEETING_PROVIDER"],
            synced_sequence=-1,
            attempts=0,
        )
        db.session.add(meeting)
    if booking.status == BookingStatus.CANCELLED and meeting.external_id is None:
        meeting.status = MeetingStatus.CANCELLED  # nothing was created: nothing to delete
        meeting.next_attempt_at = None
    else:
        meeting.status = MeetingStatus.PENDING
        meeting.next_attempt_at = now
        meeting.attempts = 0
    meeting.updated_at = now
    db.session.flush()
    return meeting


def due_meeting_ids(now: datetime, include_failed: bool = False) -> list[int]:
    statuses = [MeetingStatus.PENDING] + ([MeetingStatus.FAILED] if include_failed else [])
    return list(
        db.session.scalars(
            select(Meeting.id)
            .where(
                Meeting.status.in_(statuses),
                or_(Meeting.next_attempt_at.is_(None), Meeting.next_attempt_at <= now),
            )
            .order_by(Meeting.next_attempt_at, Meeting.id)
        )
    )


def claim_meeting(meeting_id: int, now: datetime, lease_seconds: int, include_failed=False):
    """Take the meeting for this worker for a while; None if another worker has it."""
    statuses = [MeetingStatus.PENDING] + ([MeetingStatus.FAILED] if include_failed else [])
    result = db.session.execute(
        update(Meeting)
        .where(
            Meeting.id == meeting_id,
            Meeting.status.in_(statuses),
            or_(Meeting.next_attempt_at.is_(None), Meeting.next_attempt_at <= now),
        )
        .values(next_attempt_at=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return db.session.get(Meeting, meeting_id) if result.rowcount == 1 else None


def meeting_request(meeting: Meeting) -> tuple[str, MeetingRequest, int]:
    """What to ask the provider: ("create" | "move" | "delete", request, booking sequence)."""
    booking = meeting.booking
    slot = booking.slot
    subject = booking.referral.subject
    request = MeetingRequest(
        external_id=str(booking.id),
        organizer=slot.desk.teams_organizer,
        # Staff see this in Teams; the citizen's name stays out of Microsoft's systems.
        subject=f"Segurança Social – {subject.name_pt} – {booking.referral.display_code}",
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )
    if booking.status != BookingStatus.CONFIRMED:
        action = "delete"
    else:
        action = "move" if meeting.external_id else "create"
    return action, request, booking.sequence


def record_success(meeting: Meeting, details: MeetingDetails | None, sequence: int, now) -> None:
    """Store what the provider answered. A booking changed meanwhile stays pending."""
    booking = meeting.booking
    db.session.refresh(booking)
    if details is None:  # deleted
        meeting.status = MeetingStatus.CANCELLED
        meeting.next_attempt_at = None
    else:
        meeting.external_id = details.id
        meeting.join_url = details.join_url
        meeting.join_meeting_id = details.join_meeting_id
        meeting.passcode = details.passcode
        meeting.synced_sequence = sequence
        caught_up = sequence >= booking.sequence and booking.status == BookingStatus.CONFIRMED
        meeting.status = MeetingStatus.READY if caught_up else MeetingStatus.PENDING
        meeting.next_attempt_at = None if caught_up else now
    meeting.attempts = 0
    meeting.last_error = None
    meeting.updated_at = now
    db.session.flush()


def record_failure(meeting: Meeting, error: Exception, now, retry_seconds: int, final: bool):
    """Keep the error on the booking's meeting; retry later unless it was refused."""
    meeting.attempts += 1
    meeting.last_error = str(error)[:2000]
    meeting.updated_at = now
    if final:
        meeting.status = MeetingStatus.FAILED
        meeting.next_attempt_at = None
    else:
        delay = min(retry_seconds * 2 ** (meeting.attempts - 1), MAX_RETRY_SECONDS)
        meeting.next_attempt_at = now + timedelta(seconds=delay)
    db.session.flush()
