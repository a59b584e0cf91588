"""The meeting half of the worker: bring each booking's meeting in step with it.

A boundary of its own (like a command): each claim and each outcome is a short
transaction, and the provider is called between them, so no lock is held
while it answers. It never sleeps: a meeting the provider could not handle
waits (backing off) until a later pass; a provider that is throttling or down
stops this pass's meetings at once, and a refused credential pauses them all —
reported once, loudly — while e-mails that need no meeting go on.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app

from portal.clock import now
from portal.extensions import db
from portal.meetings import sync
from portal.meetings.models import Meeting
from portal.meetings.providers import (
    MeetingConfigurationError,
    MeetingDetails,
    MeetingProvider,
    MeetingRefused,
    MeetingRequest,
    MeetingUnavailable,
    provider_for,
)

log = logging.getLogger(__name__)


@dataclass
class MeetingsReport:
    ready: int = 0
    failed: int = 0
    paused: str | None = None  # why meetings were not tried in this pass
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"meetings: {self.ready} updated, {self.failed} failed"
        return f"{text} (paused: {self.paused})" if self.paused else text


def sync_meetings(include_failed: bool = False, ignore_pause: bool = False) -> MeetingsReport:
    """One pass over the meetings that are due (``ignore_pause``: an operator asks now)."""
    report = MeetingsReport()
    provider = provider_for(current_app)
    status = sync.provider_status(provider.name)
    paused = status.paused_until is not None and status.paused_until > now()
    reason = status.problem or "the provider asked to wait"
    db.session.commit()
    if paused and not ignore_pause:
        report.paused = reason
        return report
    for meeting_id in sync.due_meeting_ids(now(), include_failed):
        if not _sync_one(meeting_id, provider, report, include_failed):
            break
    return report


def _sync_one(
    meeting_id: int, provider: MeetingProvider, report: MeetingsReport, include_failed: bool
) -> bool:
    """Bring one meeting in step; False when the provider cannot take more this pass."""
    config = current_app.config
    meeting = sync.claim_meeting(meeting_id, now(), config["OUTBOX_LEASE_SECONDS"], include_failed)
    if meeting is None:
        db.session.rollback()
        return True  # another worker has it
    step = sync.next_step(meeting)
    db.session.commit()  # no transaction open while the provider answers
    try:
        outcome = _ask(provider, step, meeting_id)
    except MeetingConfigurationError as error:
        _paused_by(provider, error, report, meeting_id, problem=str(error))
        return False
    except MeetingUnavailable as error:
        _failed(meeting_id, error, report, final=False)
        if error.retry_after:  # throttled: every meeting waits as long as Graph asks
            _paused_by(provider, error, report, None, problem=None)
        return False  # down or slow: one failing call per pass is enough
    except MeetingRefused as error:
        _failed(meeting_id, error, report, final=True)
        return True
    details, organizer_id, generation = outcome
    meeting = db.session.get_one(Meeting, meeting_id)
    sync.record_success(meeting, details, step, now(), organizer_id, generation)
    if organizer_id and step.organizer and organizer_id != step.organizer_id:
        sync.remember_organizer(step.desk_id, step.organizer, organizer_id)
    if sync.provider_works(provider.name, now()):
        log.warning("Teams (%s) works again: meetings are being created", provider.name)
    db.session.commit()
    report.ready += 1
    return True


def _ask(
    provider: MeetingProvider, step: sync.Step, meeting_id: int
) -> tuple[MeetingDetails | None, str | None, int]:
    """Call the provider for one step; (details or None, organizer id, generation)."""
    if step.action == "delete":
        if step.external_id:
            provider.delete(step.external_id, step.owner_id)
        return None, None, step.generation
    organizer_id = step.organizer_id or provider.organizer_id(step.organizer)
    generation = step.generation
    if step.action == "update" and step.external_id is None:
        raise MeetingRefused("an update of a meeting the provider never created")
    if step.action == "update" and step.owner_id == organizer_id:
        return (
            provider.move(str(step.external_id), _request(step, organizer_id)),
            organizer_id,
            generation,
        )
    if step.action == "update":
        # Another organizer: a Teams meeting cannot change hands. Delete the old one
        # under its owner (its link dies), then create one under the new organizer.
        provider.delete(str(step.external_id), step.owner_id)
        generation += 1
        meeting = db.session.get_one(Meeting, meeting_id)
        sync.record_deleted(meeting, now())
        meeting.generation = generation
        db.session.commit()
    request = _request(step, organizer_id, step.external_key(generation))
    return provider.create(request), organizer_id, generation


def _request(step: sync.Step, organizer_id: str, external_id: str | None = None) -> MeetingRequest:
    return MeetingRequest(
        external_id=external_id or step.external_key(step.generation),
        organizer_id=organizer_id,
        subject=step.subject,
        starts_at=step.starts_at,
        ends_at=step.ends_at,
    )


def _failed(meeting_id: int, error: Exception, report: MeetingsReport, final: bool) -> None:
    log.warning("Meeting %s: %s", meeting_id, error)
    meeting = db.session.get_one(Meeting, meeting_id)
    retry = current_app.config["MEETING_RETRY_SECONDS"]
    sync.record_failure(meeting, error, now(), retry, final)
    db.session.commit()
    report.failed += 1
    report.errors.append(str(error))


def _paused_by(
    provider: MeetingProvider,
    error: MeetingUnavailable | MeetingConfigurationError,
    report: MeetingsReport,
    meeting_id: int | None,
    problem: str | None,
) -> None:
    """Pause every meeting: for Graph's Retry-After, or until a credential is fixed."""
    moment = now()
    wait = current_app.config["MEETING_RETRY_SECONDS"]
    if problem is None and isinstance(error, MeetingUnavailable):
        wait = max(wait, min(error.retry_after or 0, sync.MAX_RETRY_SECONDS))
    new = sync.pause_provider(provider.name, moment, moment + timedelta(seconds=wait), problem)
    if meeting_id is not None:  # the meeting itself is not at fault: give it back
        meeting = db.session.get_one(Meeting, meeting_id)
        meeting.next_attempt_at = moment
    db.session.commit()
    report.paused = problem or str(error)
    report.errors.append(str(error))
    if new:
        log.error(
            "Teams (%s) refuses the portal's credentials: no meeting can be created, moved "
            "or deleted until the settings are fixed. E-mails that need no meeting are "
            "still sent. %s",
            provider.name,
            error,
        )
