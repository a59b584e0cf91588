"""Valid HTML: every page of tests/visits.py and every e-mail's HTML part, in both languages,
pass the Nu Html Checker with no error.

All documents are written to one folder and checked in one run of the checker (one
JVM start); each page and e-mail then has its own test, which reports its errors.
"""

import dataclasses
from datetime import timedelta
from email.utils import make_msgid
from pathlib import Path

import pytest

from portal.extensions import db
from portal.notifications import kinds
from portal.notifications.email import Envelope, compose
from portal.outbox.models import OutboxMessage
from portal.referrals.companies import set_representative
from portal.scheduling.models import Audience
from tests import validator
from tests.conftest import DEFAULT_NOW, make_app
from tests.factories import (
    COMPANY_NIPC,
    COMPANY_NISS,
    create_confirmed_booking,
    create_referral,
    create_world,
)
from tests.visits import PAGES

LANGUAGES = ["pt_PT", "en"]
AUDIENCES = ["citizen", "company"]
E_MAILS = [
    (kind.name, language, audience)
    for kind in kinds.registered()
    for language in LANGUAGES
    for audience in AUDIENCES
]
JOIN = {
    "join_url": "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0",
    "join_meeting_id": "123 456 789 012",
    "passcode": "Ab3dE5",
}


def page_file(index: int, language: str) -> str:
    return f"page-{index:03d}-{language}.html"


def e_mail_file(kind, language: str, audience: str) -> str:
    return f"e-mail-{kind}-{audience}-{language}.html"


def write_e_mails(folder: Path) -> None:
    """The HTML part of every kind of message, for a person and for a company: each
    rendered from the facts its kind gathers for an (unsaved) outbox message."""
    app = make_app(f"sqlite:///{folder / 'mail.sqlite3'}", folder)
    with app.app_context():
        db.create_all()
        world = create_world(DEFAULT_NOW)
        company = create_referral(
            world.subject, DEFAULT_NOW, audience=Audience.COMPANY, niss=COMPANY_NISS
        )
        company.nipc = COMPANY_NIPC
        set_representative(
            company, "Exemplo, Lda.", "Rita Sousa", "accountant", "rita@example.pt", "912345678"
        )
        bookings = {
            "citizen": create_confirmed_booking(world, DEFAULT_NOW),
            "company": create_confirmed_booking(world, DEFAULT_NOW, days_ahead=3, referral=company),
        }
        for name, language, audience in E_MAILS:
            booking = bookings[audience]
            unsent = OutboxMessage(
                kind=name,
                referral=booking.referral,
                booking=booking,
                booking_sequence=booking.sequence,
                language=language,
                recipient=booking.referral.contact_email,
            )
            facts = kinds.kind_of(name).facts(unsent, DEFAULT_NOW)
            if hasattr(facts, "join_url"):
                facts = dataclasses.replace(facts, **JOIN)
            envelope = Envelope(name, facts.recipient, make_msgid(domain="example.pt"))
            message = compose(envelope, facts, DEFAULT_NOW + timedelta(minutes=1))
            html = message.get_body(("html",)).get_content()
            (folder / e_mail_file(name, language, audience)).write_text(html, encoding="utf-8")
        db.session.remove()
        db.engine.dispose()


@dataclasses.dataclass
class Checked:
    folder: Path
    problems: dict[Path, list[validator.Problem]]

    def assert_valid(self, name: str, what: str) -> None:
        path = (self.folder / name).resolve()
        assert path in self.problems, f"{what} was not rendered"
        found = self.problems[path]
        assert not found, f"{what}: {len(found)} errors\n" + "\n".join(str(p) for p in found)


@pytest.fixture(scope="module")
def checked(rendered_pages, tmp_path_factory) -> Checked:
    """Every page and e-mail, written to one folder and checked in one run."""
    java, jar = validator.vnu_jar_or_skip()
    folder = tmp_path_factory.mktemp("validity")
    for index, visit in enumerate(PAGES):
        for language in LANGUAGES:
            try:
                html = rendered_pages.get(visit, language).html
            except Exception:  # noqa: BLE001, S112 — tests/test_languages.py reports it
                continue
            (folder / page_file(index, language)).write_text(html, encoding="utf-8")
    write_e_mails(folder)
    return Checked(folder, validator.check(sorted(folder.glob("*.html")), java, jar))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("index", range(len(PAGES)), ids=[str(v) for v in PAGES])
def test_page_is_valid_html(checked, index, language):
    checked.assert_valid(page_file(index, language), f"{PAGES[index]} ({language})")


@pytest.mark.parametrize(("kind", "language", "audience"), E_MAILS, ids=str)
def test_e_mail_html_part_is_valid(checked, kind, language, audience):
    name = e_mail_file(kind, language, audience)
    checked.assert_valid(name, f"e-mail {kind} to a {audience} ({language})")


def test_the_checker_reports_errors_with_their_place(tmp_path):
    """The harness itself: the two faults the checker found on our pages are caught."""
    java, jar = validator.vnu_jar_or_skip()
    page = tmp_path / "faulty.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><title>t</title></head><body>\n'
        "<span><form></form></span>\n"
        '<meter min="0" max="100" high="101" value="0"></meter>\n'
        "</body></html>",
        encoding="utf-8",
    )
    (found,) = validator.check([page], java, jar).values()

    assert [p.line for p in found] == [2, 3]
    assert "“form” not allowed as child of element “span”" in found[0].message
    assert "“high” attribute must be less than or equal to" in found[1].message
