"""What managers change: district centres, desks (timetables) and subjects (checklists).

Forms have already checked shape; these keep the data consistent and flush.
"""

from datetime import time

from sqlalchemy import select

from portal.extensions import db
from portal.scheduling.models import (
    ChecklistItem,
    Desk,
    DistrictCentre,
    OpeningHours,
    Slot,
    Subject,
)
from portal.scheduling.slots import announce_seats


class CodeTaken(ValueError):
    """Another row already uses this code."""


def _check_code(model, code: str, row) -> None:
    other = db.session.scalar(select(model).where(model.code == code))
    if other is not None and other is not row:
        raise CodeTaken(code)


def save_centre(centre: DistrictCentre | None, code: str, name: str) -> DistrictCentre:
    centre = centre or DistrictCentre()
    _check_code(DistrictCentre, code, centre)
    centre.code, centre.name = code, name.strip()
    db.session.add(centre)
    db.session.flush()
    return centre


def save_desk(
    desk: Desk | None,
    values: dict,
    weekly_hours: dict[int, list[tuple[time, time]]],
    subjects: list[Subject],
) -> Desk:
    """Create or update a desk; its timetable is replaced by ``weekly_hours``.

    Slots already published keep their times and seats; the next
    ``slots publish`` uses the new timetable for days not yet published. A desk
    that starts attending by video again, or serves a subject it did not, offers
    its coming slots anew: they are announced (``seats_freed``) to the waiting list.
    """
    was_remote = desk is not None and desk.remote_enabled
    served_before = {subject.id for subject in desk.subjects} if desk is not None else set()
    desk = desk or Desk()
    _check_code(Desk, values["code"], desk)
    for name, value in values.items():
        setattr(desk, name, value)
    desk.opening_hours = [
        OpeningHours(weekday=day, opens=opens, closes=closes)
        for day, intervals in sorted(weekly_hours.items())
        for opens, closes in intervals
    ]
    desk.subjects = list(subjects)
    db.session.add(desk)
    db.session.flush()
    gained = {subject.id for subject in desk.subjects} - served_before
    if desk.id is not None and desk.remote_enabled and (not was_remote or gained):
        _announce_coming_slots(desk)
    return desk


def _announce_coming_slots(desk: Desk) -> None:
    from portal.clock import now

    coming = db.session.scalars(
        select(Slot.id).where(Slot.desk_id == desk.id, Slot.starts_at > now(), Slot.capacity > 0)
    ).all()
    announce_seats(list(coming))


def save_subject(
    subject: Subject | None, values: dict, checklist: list[tuple[str, str, bool]]
) -> Subject:
    """Create or update a subject; its checklist is replaced by ``checklist``."""
    subject = subject or Subject()
    _check_code(Subject, values["code"], subject)
    for name, value in values.items():
        setattr(subject, name, value)
    subject.checklist = [
        ChecklistItem(position=i, label_pt=pt, label_en=en, required=required)
        for i, (pt, en, required) in enumerate(checklist)
    ]
    db.session.add(subject)
    db.session.flush()
    return subject
