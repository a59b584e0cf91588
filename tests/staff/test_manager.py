"""Managers add centres, desks, subjects and accounts without a developer, and evaluate."""

from datetime import date, time

from sqlalchemy import select

from portal.accounts.models import Account
from portal.booking import transitions
from portal.extensions import db
from portal.scheduling.models import Desk, DistrictCentre, Subject
from portal.scheduling.offers import earliest_offered
from portal.scheduling.slots import booking_window, slot_times
from tests.factories import create_account, create_centre, create_subject, create_world
from tests.staff.helpers import staff_sign_in


def manager(client):
    account = create_account("manager")
    db.session.commit()
    staff_sign_in(client, account)
    return account


def test_a_new_desk_with_its_weekly_hours_and_subjects(app, client):
    centre = create_centre(name="Centro Distrital de Évora")
    subject = create_subject()
    manager(client)

    client.submit(
        "/staff/desks/new",
        {
            "code": "evora",
            "name": "Serviço de Atendimento de Évora",
            "centre_id": centre.id,
            "remote_enabled": "y",
            "parallel_attendants": "2",
            "slot_minutes": "30",
            "subjects": [subject.id],
            "monday": "09:00-10:00, 14:00-15:00",
            "wednesday": "9:30 - 10:30",
        },
    )

    desk = db.session.scalar(select(Desk).where(Desk.code == "evora"))
    assert desk.remote_enabled and desk.parallel_attendants == 2 and desk.subjects == [subject]
    monday = slot_times(desk, date(2026, 11, 30))
    assert len(monday) == 4 and slot_times(desk, date(2026, 12, 1)) == []  # holiday
    assert [h.opens for h in desk.opening_hours] == [time(9), time(14), time(9, 30)]
    page = client.get(f"/staff/desks/{desk.id}")
    assert page.soup.select_one("#monday")["value"] == "09:00-10:00, 14:00-15:00"


def test_desk_hours_in_a_wrong_shape_are_field_errors(app, client):
    centre = create_centre()
    manager(client)
    page = client.submit(
        "/staff/desks/new?lang=en",
        {
            "code": "x",
            "name": "X",
            "centre_id": centre.id,
            "parallel_attendants": "1",
            "slot_minutes": "30",
            "tuesday": "12:00-09:00",
        },
        status=200,
    )
    assert page.errors() == [
        "Write the hours like 09:00-12:30, 14:00-16:30 (closing after opening)."
    ]


def test_a_subject_with_its_checklist(app, client):
    manager(client)
    client.submit(
        "/staff/subjects/new",
        {
            "code": "pensoes",
            "name_pt": "Pensões",
            "name_en": "Pensions",
            "audience": "citizen",
            "session_minutes": "30",
            "active": "y",
            "checklist": "Cartão de Cidadão | Citizen Card\nExtrato | Statement | optional\n",
        },
    )
    subject = db.session.scalar(select(Subject).where(Subject.code == "pensoes"))
    assert [(i.label_en, i.required) for i in subject.checklist] == [
        ("Citizen Card", True),
        ("Statement", False),
    ]
    page = client.get(f"/staff/subjects/{subject.id}")
    assert "Extrato | Statement | optional" in page.soup.select_one("#checklist").get_text()


def test_codes_are_unique(app, client):
    centre = create_centre(code="viseu")
    manager(client)
    page = client.submit(
        "/staff/centres/new?lang=en", {"code": "viseu", "name": "Outro"}, status=200
    )
    assert page.errors() == ["This code is already used. Choose another."]
    client.submit(f"/staff/centres/{centre.id}", {"code": "viseu", "name": "Centro de Viseu"})
    assert db.session.get(DistrictCentre, centre.id).name == "Centro de Viseu"


def test_a_new_account_gets_a_password_shown_once_and_can_be_disabled(app, client):
    me = manager(client)
    page = client.submit(
        "/staff/accounts/new?lang=en",
        {"email": "nova@seg-social.pt", "role": "phone_line", "desk_id": "0"},
        status=200,
    )
    password = page.soup.select_one(".panel .code").get_text()
    account = db.session.scalar(select(Account).where(Account.email == "nova@seg-social.pt"))
    assert len(password) >= 16 and password not in account.password_hash

    client.submit(f"/staff/accounts/{account.id}/active", form_url="/staff/accounts")
    db.session.expire_all()
    assert not account.active
    client.submit(f"/staff/accounts/{me.id}/active", form_url="/staff/accounts")
    assert db.session.get(Account, me.id).active, "a manager cannot lock themselves out"


def test_desk_staff_need_a_desk(app, client):
    manager(client)
    page = client.submit(
        "/staff/accounts/new?lang=en",
        {"email": "balcao@seg-social.pt", "role": "desk", "desk_id": "0"},
        status=200,
    )
    assert page.errors() == ["Choose the desk of this member of desk staff."]


def test_the_evaluation_page_draws_accessible_charts_with_the_same_figures(app, client, clock):
    world = create_world(clock.now)
    world.referral.in_person_date = date(2026, 12, 14)
    window = booking_window(clock.now, 1, 15)
    first = earliest_offered(world.subject, world.referral.audience, window, clock.now)
    booking = transitions.hold(world.referral, [first.slot_id], clock.now, 15, window)
    transitions.confirm(booking, clock.now)  # tomorrow: 1 day, 18 days before in person
    db.session.commit()
    manager(client)

    page = client.get("/staff/evaluation?lang=en")

    desk = booking.slot.desk.name  # whichever desk offered the first time
    svg = page.soup.select_one("svg[aria-labelledby^=chart-desk]")
    assert svg["role"] == "img"
    assert svg.find("title").get_text().startswith("Mean days from referral to appointment")
    assert f"{desk}: 1.0 days." in svg.find("desc").get_text()
    assert "1.0 days" in [t.get_text() for t in svg.find_all("text")]
    table = page.soup.find("table", attrs={"aria-labelledby": "waits-desk"})
    row = " ".join(table.get_text(" ").split())
    assert f"{desk} 1 1.0 1.0 1.0 -8.0 18.0 (1 appointment)" in row

    csv = client.client.get("/staff/evaluation.csv?lang=en")
    assert csv.mimetype == "text/csv" and "attachment" in csv.headers["Content-Disposition"]
    lines = csv.get_data(as_text=True).splitlines()
    assert f"Days from referral to appointment,Desk,{desk},Mean days,days,1.0" in lines
