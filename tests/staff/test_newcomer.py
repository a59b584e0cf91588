"""The walk-through of the README: seed-demo, issue a code, book it, see it at the desk."""

from sqlalchemy import select

from portal.accounts.models import Account
from portal.demo.cli import seed_demo
from portal.extensions import db
from portal.referrals.models import Referral
from tests.factories import CITIZEN_NISS
from tests.staff.helpers import path


def demo_accounts(app):
    app.config["ENVIRONMENT"] = "development"
    output = app.test_cli_runner().invoke(seed_demo).output
    return {
        line.split()[0]: (line.split()[1], line.split()[3])
        for line in output.splitlines()
        if "password" in line
    }


def sign_in(client, credentials):
    email, password = credentials
    client.get("/staff/sign-in?lang=en")
    return client.submit("/staff/sign-in", {"email": email, "password": password})


def test_issue_in_the_console_book_as_a_citizen_and_see_it_in_the_desk_agenda(app, client):
    accounts = demo_accounts(app)

    sign_in(client, accounts["phone_line"])
    page = client.submit(
        "/staff/referrals/new",
        {"subject": "cesd", "audience": "citizen", "niss": CITIZEN_NISS, "email": "a@example.pt"},
        status=200,
        follow=True,
    )
    code = page.soup.select_one(".code .visually-hidden").get_text()
    assert "Earliest video appointment to propose" in page.main_text()

    client.submit("/sair", form_url="/")
    client.submit("/", {"code": code, "identifier": CITIZEN_NISS})
    # The desk rule may give any desk: preferring the desk account's centre narrows it.
    desk = db.session.scalar(select(Account).where(Account.email == accounts["desk"][0])).desk
    times = client.get(f"/marcar/horarios?centro={desk.centre_id}")
    assert desk.centre.name in times.h1
    client.submit("/marcar/horarios", {"horario": times.radio_values()[0]})
    assert path(client.submit("/marcar/confirmar", form_url="/marcar/revisao")) == (
        "/marcar/confirmada"
    )

    assert path(sign_in(client, accounts["desk"])) == "/staff/agenda"
    agenda = client.get("/staff/agenda?view=week&lang=en")
    referral = db.session.scalar(select(Referral).order_by(Referral.id.desc()))
    assert f"Person, NISS {CITIZEN_NISS}" in agenda.main_text()
    booking_link = agenda.soup.select_one(f'a[href="/staff/bookings/{referral.bookings[0].id}"]')
    assert booking_link is not None
