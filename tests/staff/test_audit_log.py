"""The audit log is stored as codes and reads in the language of whoever opens it."""

from datetime import date

import pytest
from sqlalchemy import select

from portal.audit.log import record
from portal.audit.models import AuditAction, AuditEvent
from portal.extensions import db
from tests.factories import create_account, create_confirmed_booking, create_world
from tests.staff.helpers import staff_sign_in


@pytest.fixture
def log(app, clock):
    """A few entries of each kind, and a manager to read them."""
    desk = create_account("phone_line", email="linha@seg-social.pt")
    entries = [
        (
            "viewed",
            "agenda",
            3,
            "period",
            {"first": date(2026, 11, 23), "last": date(2026, 11, 29)},
        ),
        ("changed", "booking", 4, "outcome", {"outcome": "no_show"}),
        ("downloaded", "document", 9, "of-booking", {"booking": 4}),
        ("viewed", "referral-list", None, "searched", {"query": "11234567892"}),
        ("viewed", "referral-list", None, "listed", {}),
        ("changed", "referral", 5, "reissued", {"replacement": 6}),
        ("changed", "desk", 3, "closure", {"closure": 2}),
        ("changed", "account", 8, "disabled", {}),
    ]
    for action, what, number, detail, values in entries:
        record(clock.now, AuditAction(action), what, number, detail, account=desk, **values)
    manager = create_account("manager")
    db.session.commit()
    return manager


def rows(page) -> list[str]:
    return [" ".join(tr.get_text(" ").split()) for tr in page.soup.select("tbody tr")]


def test_entries_read_in_portuguese(client, log):
    staff_sign_in(client, log, english=False)
    shown = rows(client.get("/staff/audit-log?lang=pt"))

    assert any(
        "Agenda do local de atendimento n.º 3" in r and "23 de novembro de 2026 a" in r
        for r in shown
    ), shown
    expected = [
        "Marcação n.º 4 Resultado registado: não compareceu",
        "Documento n.º 9 Da marcação n.º 4",
        "Códigos recentes Pesquisou «11234567892»",
        "Códigos recentes Consultou a lista dos códigos recentes",
        "Código de referência n.º 5 Reemitido como código de referência n.º 6",
        "Local de atendimento n.º 3 Encerramento n.º 2 adicionado",
        "Conta de trabalhador n.º 8 Desativada",
    ]
    for text in expected:
        assert any(text in row for row in shown), (text, shown)
    assert not any("#" in row or "outcome" in row for row in shown)


def test_entries_read_in_english(client, log):
    staff_sign_in(client, log)
    shown = rows(client.get("/staff/audit-log?lang=en"))

    assert any("Agenda of desk no. 3 23 November 2026 to 29 November 2026" in r for r in shown)
    assert any("Booking no. 4 Outcome recorded: did not attend (no-show)" in r for r in shown)


def test_the_desk_records_codes_not_sentences(app, client, clock):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now)
    desk = create_account("desk", desk=booking.slot.desk)
    db.session.commit()
    clock.now = booking.slot.starts_at
    staff_sign_in(client, desk)
    client.submit(f"/staff/bookings/{booking.id}", {"outcome": "attended", "note": ""})

    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "changed")).one()
    assert (event.object_type, event.object_id) == ("booking", booking.id)
    assert (event.detail, event.detail_values) == ("outcome", {"outcome": "attended"})


def test_an_entry_written_as_text_is_shown_as_it_is(client, log, clock):
    record(clock.now, AuditAction.DOWNLOADED, "evaluation", None, "2026-11-01 to 2026-11-30")
    db.session.commit()
    staff_sign_in(client, log)

    shown = rows(client.get("/staff/audit-log?lang=en"))
    assert any("Evaluation of the pilot 2026-11-01 to 2026-11-30" in r for r in shown), shown
