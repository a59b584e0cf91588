"""``flask purge-documents`` deletes files some days after the appointment, and says so."""

from datetime import timedelta
from pathlib import Path

from portal.booking import transitions
from portal.documents import operations
from portal.documents.checklist import checklist
from portal.extensions import db
from portal.scheduling.offers import earliest_offered
from portal.scheduling.slots import booking_window
from tests.documents import samples
from tests.factories import create_referral, create_world


def booked_with_document(app, now, cancel=False):
    world = create_world(now)
    referral = world.referral
    window = booking_window(now, 1, 15)
    slot = earliest_offered(world.subject, referral.audience, window, now)
    booking = transitions.hold(referral, [slot.slot_id], now, 15, window)
    transitions.confirm(booking, now)
    if cancel:
        transitions.cancel(booking, now)
    limits = operations.Limits.from_config(app.config)
    document = operations.add_document(
        referral, checklist(referral)[0], "cc.pdf", samples.pdf(), now, limits
    )
    db.session.commit()
    return booking, document


def purge(app, *arguments):
    result = app.test_cli_runner().invoke(args=["purge-documents", *arguments])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def file_of(app, document) -> Path:
    return Path(app.instance_path) / "documents" / document.stored_name


def test_files_are_purged_thirty_days_after_the_appointment(app, clock):
    booking, document = booked_with_document(app, clock.now)
    clock.now = booking.slot.ends_at + timedelta(days=29)
    assert "0 document files purged" in purge(app)
    assert document.purged_at is None and file_of(app, document).exists()

    clock.now = booking.slot.ends_at + timedelta(days=30, minutes=1)
    assert "1 document files purged (kept 30 days" in purge(app)
    assert document.purged_at == clock.now
    assert not file_of(app, document).exists()
    assert document.sha256 and document.display_name == "cc.pdf", "the record stays"
    assert "0 document files purged" in purge(app), "purging twice changes nothing"


def test_the_retention_is_a_setting_and_an_option(app, clock):
    booking, document = booked_with_document(app, clock.now)
    clock.now = booking.slot.ends_at + timedelta(days=3)
    app.config["DOCUMENT_RETENTION_DAYS"] = 5
    assert "0 document files purged" in purge(app)
    assert "1 document files purged (kept 2 days" in purge(app, "--days", "2")


def test_cancelled_and_never_booked_cases_are_purged_too(app, clock):
    _booking, cancelled = booked_with_document(app, clock.now, cancel=True)
    world = create_world(clock.now)
    unbooked = create_referral(world.subject, clock.now)
    limits = operations.Limits.from_config(app.config)
    never = operations.add_document(
        unbooked, checklist(unbooked)[0], "x.png", samples.png(), clock.now, limits
    )
    db.session.commit()

    clock.advance(days=31)
    assert "1 document files purged" in purge(app), "cancelled 31 days ago"
    assert cancelled.purged_at is not None and never.purged_at is None
    clock.advance(days=10)  # the unused code expired 10 days after issue
    assert "1 document files purged" in purge(app)
    assert not file_of(app, never).exists()


def test_a_failed_transaction_leaves_no_file_behind(app, clock):
    world = create_world(clock.now)
    limits = operations.Limits.from_config(app.config)
    document = operations.add_document(
        world.referral, checklist(world.referral)[0], "a.pdf", samples.pdf(), clock.now, limits
    )
    written = file_of(app, document)
    assert written.exists()
    db.session.rollback()
    assert not written.exists()
