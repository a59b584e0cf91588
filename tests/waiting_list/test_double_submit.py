"""The sign-up form sent twice at the same moment, served for real on PostgreSQL: one
entry (a unique index decides), and both requests answer without an error."""

from sqlalchemy import select

from portal.extensions import db
from portal.referrals.models import Referral
from portal.waiting_list.models import WaitingListEntry
from tests.factories import CITIZEN_NISS, create_referral, create_subject
from tests.live import Browser, served_portal, together

ROUNDS = 5


def signed_in(base_url, code) -> Browser:
    person = Browser(base_url)
    token = person.form("/")["csrf_token"]
    assert person.post("/", {"code": code, "identifier": CITIZEN_NISS, "csrf_token": token})
    return person


def test_two_sign_ups_at_once_make_one_entry(tmp_path, clock):
    with served_portal(tmp_path, clock) as (app, base_url):
        with app.app_context():
            subject = create_subject()
            codes = [create_referral(subject, clock.now).code for _ in range(ROUNDS)]
            db.session.commit()
        for code in codes:
            person = signed_in(base_url, code)
            form = {**person.form("/lista-de-espera"), "before": ""}
            twice = person.copy()
            answers = together(
                lambda p=person, f=form: p.post("/lista-de-espera", f),
                lambda p=twice, f=form: p.post("/lista-de-espera", f),
            )
            assert sorted(a.status_code for a in answers) in ([200, 302], [302, 302]), answers
            assert "You are on the waiting list" in person.get("/lista-de-espera").text
        with app.app_context():
            for code in codes:
                referral = db.session.scalar(select(Referral).where(Referral.code == code))
                entries = db.session.scalars(
                    select(WaitingListEntry).where(WaitingListEntry.referral_id == referral.id)
                ).all()
                assert len(entries) == 1, code
