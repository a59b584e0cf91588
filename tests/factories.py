"""Plain functions that create domain objects with sensible defaults."""

import itertools
from datetime import time, timedelta

from portal.extensions import db
from portal.referrals.codes import generate
from portal.referrals.models import Referral
from portal.scheduling.models import (
    Audience,
    ChecklistItem,
    Desk,
    DistrictCentre,
    OpeningHours,
    Slot,
    Subject,
)
from tests.doubles.graph import ORGANIZER

_numbers = itertools.count(1)

CITIZEN_NISS = "11234567892"
COMPANY_NISS = "20000000001"
COMPANY_NIPC = "501964843"


def create_centre(**overrides) -> DistrictCentre:
    n = next(_numbers)
    centre = DistrictCentre(**{"code": f"centre-{n}", "name": f"Centro Distrital {n}", **overrides})
    db.session.add(centre)
    db.session.flush()
    return centre


def create_subject(**overrides) -> Subject:
    n = next(_numbers)
    values = {
        "code": f"subject-{n}",
        "name_pt": f"Assunto {n}",
        "name_en": f"Subject {n}",
        "audience": Audience.BOTH,
        "session_minutes": 30,
    }
    values.update(overrides)
    subject = Subject(**values)
    subject.checklist = [
        ChecklistItem(
            position=0, label_pt="Documento de identificação", label_en="Identity document"
        )
    ]
    db.session.add(subject)
    db.session.flush()
    return subject


def create_desk(
    centre=None, subjects=(), hours=((time(9), time(12)),), weekdays=range(5), **overrides
):
    n = next(_numbers)
    values = {
        "code": f"desk-{n}",
        "name": f"Balcão {n}",
        "centre": centre or create_centre(),
        "parallel_attendants": 1,
        "slot_minutes": 30,
        "remote_enabled": True,
        "teams_organizer": ORGANIZER,
    }
    values.update(overrides)
    desk = Desk(**values)
    desk.opening_hours = [
        OpeningHours(weekday=day, opens=opens, closes=closes)
        for day in weekdays
        for opens, closes in hours
    ]
    desk.subjects = list(subjects)
    db.session.add(desk)
    db.session.flush()
    return desk


def create_slot(desk, starts_at, capacity=None) -> Slot:
    slot = Slot(
        desk=desk,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=desk.slot_minutes),
        capacity=capacity or desk.parallel_attendants,
    )
    db.session.add(slot)
    db.session.flush()
    return slot


def create_referral(subject, now, **overrides) -> Referral:
    values = {
        "code": generate(),
        "subject": subject,
        "audience": Audience.CITIZEN,
        "niss": CITIZEN_NISS,
        "email": "pessoa@example.pt",
        "language": "pt_PT",
        "created_at": now,
        "expires_at": now + timedelta(days=10),
    }
    values.update(overrides)
    referral = Referral(**values)
    db.session.add(referral)
    db.session.flush()
    return referral


def create_world(now, attendants=1, subject_overrides=None):
    """A subject served by two remote desks of two centres, with slots published."""
    from types import SimpleNamespace

    from portal.scheduling.calendar import lisbon_today
    from portal.scheduling.slots import publish_slots

    subject = create_subject(**(subject_overrides or {}))
    north = create_desk(subjects=[subject], parallel_attendants=attendants, name="Balcão Norte")
    south = create_desk(subjects=[subject], parallel_attendants=attendants, name="Balcão Sul")
    today = lisbon_today(now)
    for desk in (north, south):
        publish_slots(desk, today, today + timedelta(weeks=4))
    referral = create_referral(subject, now)
    db.session.commit()
    return SimpleNamespace(subject=subject, desks=[north, south], referral=referral)


def create_confirmed_booking(world, now, days_ahead=2, referral=None):
    """Hold and confirm the first slot at least ``days_ahead`` days away (committed)."""
    from sqlalchemy import select

    from portal.booking import transitions
    from portal.scheduling.slots import booking_window

    slot = db.session.scalars(
        select(Slot)
        .where(
            Slot.desk_id == world.desks[0].id, Slot.starts_at >= now + timedelta(days=days_ahead)
        )
        .order_by(Slot.starts_at)
    ).first()
    booking = transitions.hold(
        referral or world.referral, [slot.id], now, 15, booking_window(now, 1, 15)
    )
    transitions.confirm(booking, now)
    db.session.commit()
    return booking


STAFF_PASSWORD = "correct horse battery staple"


def create_account(role="phone_line", desk=None, **overrides):
    """An active staff account whose password is STAFF_PASSWORD."""
    from portal.accounts.operations import create_account as create

    n = next(_numbers)
    values = {"email": f"staff{n}@seg-social.pt", "password": STAFF_PASSWORD}
    values.update(overrides)
    account, _password = create(values.pop("email"), role, desk=desk, **values)
    return account


def create_booking(referral, slot, status="confirmed", seat=1):
    """A booking written directly (no offer rules): for agendas and figures."""
    from portal.booking.models import Booking

    booking = Booking(
        referral=referral,
        slot=slot,
        seat=seat,
        status=status,
        created_at=referral.created_at,
        confirmed_at=referral.created_at if status != "held" else None,
    )
    db.session.add(booking)
    db.session.flush()
    return booking
