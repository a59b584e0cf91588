"""A company's representative books a contribuições session with the company's code."""

from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from portal.booking.models import Booking, BookingStatus
from portal.extensions import db
from portal.referrals.companies import Representative
from portal.scheduling.models import Audience
from tests.factories import COMPANY_NIPC, COMPANY_NISS, create_referral, create_world


def path(location):
    return urlparse(location).path


@pytest.fixture
def company(app, clock):
    world = create_world(clock.now, subject_overrides={"code": "contribuicoes"})
    world.company = create_referral(
        world.subject,
        clock.now,
        audience=Audience.COMPANY,
        niss=COMPANY_NISS,
        nipc=COMPANY_NIPC,
        email="geral@empresa.example.pt",
    )
    db.session.commit()
    return world


def sign_in(client, referral, identifier=COMPANY_NIPC):
    client.get("/?lang=en")
    return client.submit("/", {"code": referral.code, "identifier": identifier})


def hold_first(client):
    slot = client.get("/marcar/horarios").radio_values()[0]
    return client.submit("/marcar/horarios", {"horario": slot})


REPRESENTATIVE = {
    "company_name": "Padaria <Exemplo> & Filhos, Lda.",
    "full_name": "Rita Contabilista",
    "capacity": "accountant",
    "email": "rita@contas.example.pt",
    "phone": "912 345 678",
}


@pytest.mark.parametrize("identifier", [COMPANY_NIPC, COMPANY_NISS, "501 964 843"])
def test_companies_sign_in_with_the_nipc_or_the_entity_niss(client, company, identifier):
    assert path(sign_in(client, company.company, identifier)) == "/marcar/horarios"


def test_a_persons_nif_is_explained_at_sign_in(client, company):
    client.get("/?lang=en")
    page = client.submit("/", {"code": company.company.code, "identifier": "123456789"}, status=200)
    assert any("person's tax number (NIF)" in error for error in page.errors())


def test_the_representative_step_comes_before_review_and_then_everything_names_them(
    client, company
):
    sign_in(client, company.company)
    assert path(hold_first(client)) == "/marcar/representante"
    # Review cannot be skipped to.
    assert path(client.get_redirect("/marcar/revisao")) == "/marcar/representante"

    page = client.submit("/marcar/representante", {}, status=200)
    assert page.title.startswith("Error:")
    assert len(page.errors()) == 5

    bad = dict(REPRESENTATIVE, phone="12", email="rita@")
    page = client.submit("/marcar/representante", bad, status=200)
    assert any("phone number such as 912 345 678" in e for e in page.errors())
    assert any("name@example.pt" in e for e in page.errors())
    assert page.soup.find("input", attrs={"name": "company_name"})["value"] == bad["company_name"]

    assert path(client.submit("/marcar/representante", REPRESENTATIVE)) == "/documentos"
    review = client.get("/marcar/revisao")
    text = review.main_text()
    assert "Padaria <Exemplo> & Filhos, Lda. (NIPC 501964843)" in text
    assert "Rita Contabilista, Certified accountant" in text
    assert "+351 912 345 678" in text
    assert "Power of attorney or mandate document" in text
    assert "rita@contas.example.pt" in text
    html = review.response.get_data(as_text=True)
    assert "Padaria &lt;Exemplo&gt; &amp; Filhos" in html and "<Exemplo>" not in html

    assert path(client.submit("/marcar/confirmar", form_url="/marcar/revisao")) == (
        "/marcar/confirmada"
    )
    confirmed = client.get("/marcar/confirmada").main_text()
    assert "Padaria <Exemplo> & Filhos, Lda." in confirmed
    assert "rita@contas.example.pt" in confirmed
    mine = client.get("/a-minha-marcacao").main_text()
    assert "Rita Contabilista" in mine

    stored = db.session.scalar(select(Representative))
    assert (stored.phone, stored.capacity, stored.referral_id) == (
        "+351912345678",
        "accountant",
        company.company.id,
    )
    assert db.session.get(type(company.company), company.company.id).contact_email == (
        "rita@contas.example.pt"
    )


def test_a_manager_needs_no_mandate(client, company):
    sign_in(client, company.company)
    hold_first(client)
    client.submit("/marcar/representante", dict(REPRESENTATIVE, capacity="manager"))
    assert "mandate document to act" not in client.get("/marcar/revisao").main_text()


def test_international_phone_numbers_are_accepted(client, company):
    sign_in(client, company.company)
    hold_first(client)
    client.submit("/marcar/representante", dict(REPRESENTATIVE, phone="+34 612 345 678"))
    assert db.session.scalar(select(Representative.phone)) == "+34612345678"


def test_subjects_closed_to_companies_offer_nothing(app, client, clock):
    world = create_world(clock.now, subject_overrides={"audience": Audience.CITIZEN})
    referral = create_referral(
        world.subject, clock.now, audience=Audience.COMPANY, niss=COMPANY_NISS, nipc=COMPANY_NIPC
    )
    db.session.commit()
    sign_in(client, referral)
    page = client.get("/marcar/horarios")
    assert page.radio_values() == []
    assert "no free times" in page.main_text()


def test_one_company_may_hold_several_bookings_each_code_its_own(app, client, company, clock):
    second = create_referral(
        company.subject, clock.now, audience=Audience.COMPANY, niss=COMPANY_NISS, nipc=COMPANY_NIPC
    )
    db.session.commit()
    for referral in (company.company, second):
        sign_in(client, referral)
        hold_first(client)
        client.submit("/marcar/representante", REPRESENTATIVE)
        client.submit("/marcar/confirmar", form_url="/marcar/revisao")
    bookings = db.session.scalars(select(Booking).where(Booking.status == "confirmed")).all()
    assert sorted(b.referral_id for b in bookings) == sorted([company.company.id, second.id])
    assert bookings[0].slot_id != bookings[1].slot_id or bookings[0].seat != bookings[1].seat
    # Signed in with the second code, "my booking" is the second code's booking only.
    assert client.get("/a-minha-marcacao").main_text().count(second.display_code) == 1
    assert company.company.display_code not in client.get("/a-minha-marcacao").main_text()
    assert all(b.status == BookingStatus.CONFIRMED for b in bookings)
