"""Every page a person can reach, and how to get there: one line per page in PAGES.

tests/browser/test_accessibility.py opens each page in Chromium, in Portuguese and
in English, and runs axe-core on it; tests/test_languages.py opens each through the
Flask test client and checks that no text of the other language shows. To cover a
new page, add a line to PAGES (and, if the way there is new, a step to Visitor).

A visit starts with nobody signed in and the language chosen. Steps are written
once, against ``Visitor``; ``BrowserVisitor`` (tests/browser/visitors.py) and
``ClientVisitor`` (below) carry them out with a real browser or the test client.
"""

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Callable

from bs4 import BeautifulSoup
from sqlalchemy import delete

from portal.extensions import db
from portal.scheduling.models import Audience, Subject
from portal.throttling.models import SignInFailure, SignInLock
from tests.factories import (
    CITIZEN_NISS,
    COMPANY_NIPC,
    COMPANY_NISS,
    create_referral,
    create_subject,
    create_world,
)
from tests.pages import Page

LATER_DATES = "/marcar/horarios?desde=2026-12-09"  # tests.conftest.DEFAULT_NOW + 2 weeks
MY_BOOKING = "/a-minha-marcacao"
RESCHEDULE = "/a-minha-marcacao/reagendar"
CANCEL = "/a-minha-marcacao/cancelar"
# In a form's data: pick the first option offered (the earliest time, say).
FIRST = object()
WRONG_NISS = "20000000001"  # valid check digit, not the referral's
REPRESENTATIVE = {
    "company_name": "Exemplo, Lda.",
    "full_name": "Rita Contabilista",
    "capacity": "accountant",
    "email": "rita@contas.example.pt",
    "phone": "912 345 678",
}


def create_site(app, clock) -> SimpleNamespace:
    """A subject with times at two desks, and one that no desk offers."""
    with app.app_context():
        world = create_world(clock.now)
        quiet = create_subject()
        db.session.commit()
        return SimpleNamespace(
            app=app, clock=clock, subject_id=world.subject.id, quiet_subject_id=quiet.id
        )


class Visitor:
    """Steps of the journey, built from three primitives the subclasses provide."""

    status: int | None = None

    def __init__(self, site, language: str):
        self.site, self.language = site, language
        with site.app.app_context():
            # Each visit starts unlocked, whatever earlier visits did from 127.0.0.1.
            db.session.execute(delete(SignInFailure))
            db.session.execute(delete(SignInLock))
            db.session.commit()

    # Primitives -------------------------------------------------------------
    def open(self, url: str) -> "Visitor":
        raise NotImplementedError

    def send(self, url: str, data: dict, action: str | None = None) -> "Visitor":
        """Fill and submit the form (the one posting to ``action``) on the page at url."""
        raise NotImplementedError

    def submit(self, data: dict, action: str | None = None) -> "Visitor":
        """Fill and submit a form of the page the visit is on."""
        return self.send(self.url, data, action)

    def forget_session(self) -> "Visitor":
        """Lose the session cookie, as when it expires while a form is open."""
        raise NotImplementedError

    def finish(self) -> "Visitor":
        """Called once the steps are written down (a visitor may defer them until now)."""
        return self

    # Data -------------------------------------------------------------------
    def referral(self, company=False, quiet=False, expired=False) -> SimpleNamespace:
        """A fresh reference code from the phone line, and the number that goes with it."""
        now = self.site.clock.now
        values = {"language": self.language}
        if company:
            values.update(audience=Audience.COMPANY, niss=COMPANY_NISS, nipc=COMPANY_NIPC)
        if expired:
            values.update(created_at=now - timedelta(days=11), expires_at=now - timedelta(days=1))
        with self.site.app.app_context():
            subject_id = self.site.quiet_subject_id if quiet else self.site.subject_id
            referral = create_referral(db.session.get(Subject, subject_id), now, **values)
            db.session.commit()
            return SimpleNamespace(
                code=referral.code, identifier=COMPANY_NIPC if company else CITIZEN_NISS
            )

    # Steps ------------------------------------------------------------------
    def sign_in(self, caller=None, identifier=None) -> "Visitor":
        caller = caller or self.referral()
        return self.send("/", {"code": caller.code, "identifier": identifier or caller.identifier})

    def wrong_pair(self) -> "Visitor":
        return self.sign_in(identifier=WRONG_NISS)

    def locked_out(self) -> "Visitor":
        caller = self.referral()
        for _attempt in range(self.site.app.config["SIGN_IN_MAX_FAILURES"] + 1):
            self.sign_in(caller, identifier=WRONG_NISS)
        return self

    def hold(self, caller=None) -> "Visitor":
        """Sign in and reserve the earliest time."""
        return self.sign_in(caller).send("/marcar/horarios", {"slot": FIRST})

    def company_holds(self) -> "Visitor":
        return self.hold(self.referral(company=True))

    def company_reviews(self) -> "Visitor":
        return self.company_holds().send("/marcar/representante", REPRESENTATIVE)

    def book(self, caller=None) -> "Visitor":
        return self.hold(caller).send("/marcar/revisao", {}, action="/marcar/confirmar")

    def cancel(self, caller=None) -> "Visitor":
        return self.book(caller).send(CANCEL, {})

    def code_cancelled(self) -> "Visitor":
        caller = self.referral()
        return self.cancel(caller).sign_in(caller)

    def new_time_chosen(self) -> "Visitor":
        return self.book().send(RESCHEDULE, {"slot": FIRST})


@dataclass(frozen=True)
class Visit:
    name: str
    steps: Callable[[Visitor], Visitor]
    status: int = 200

    def __str__(self):
        return self.name

    def run(self, visitor: Visitor) -> Visitor:
        return self.steps(visitor).finish()


PAGES = [
    Visit("start", lambda v: v.open("/")),
    Visit("start: nothing entered", lambda v: v.send("/", {"code": "", "identifier": ""})),
    Visit("start: code mistyped", lambda v: v.send("/", {"code": "ABCD", "identifier": "123"})),
    Visit("start: code and NISS do not match", lambda v: v.wrong_pair()),
    Visit("start: too many attempts", lambda v: v.locked_out(), 429),
    Visit("start: session ended", lambda v: v.open("/marcar/horarios")),
    Visit("start: signed out", lambda v: v.book().send(MY_BOOKING, {}, "/sair")),
    Visit("code expired", lambda v: v.sign_in(v.referral(expired=True))),
    Visit("code cancelled", lambda v: v.code_cancelled()),
    Visit("choose a time", lambda v: v.sign_in()),
    Visit("choose a time: none chosen", lambda v: v.sign_in().submit({})),
    Visit("choose a time: later dates", lambda v: v.sign_in().open(LATER_DATES)),
    Visit("choose a time: none offered", lambda v: v.sign_in(v.referral(quiet=True))),
    Visit("company: who attends", lambda v: v.company_holds()),
    Visit("company: who attends, errors", lambda v: v.company_holds().submit({})),
    Visit("company: review", lambda v: v.company_reviews()),
    Visit("review", lambda v: v.hold()),
    Visit("review: more time given", lambda v: v.hold().submit({}, "/marcar/prolongar")),
    Visit("confirmed", lambda v: v.book()),
    Visit("my booking", lambda v: v.book().open(MY_BOOKING)),
    Visit("choose a new time", lambda v: v.book().open(RESCHEDULE)),
    Visit("choose a new time: none chosen", lambda v: v.book().send(RESCHEDULE, {})),
    Visit("confirm the new time", lambda v: v.new_time_chosen()),
    Visit("my booking: moved", lambda v: v.new_time_chosen().submit({})),
    Visit("cancel?", lambda v: v.book().open(CANCEL)),
    Visit("cancelled", lambda v: v.cancel()),
    Visit("accessibility statement", lambda v: v.open("/acessibilidade")),
    Visit("error: page not found", lambda v: v.open("/nao-existe"), 404),
    Visit("error: GET to a POST route", lambda v: v.open("/marcar/confirmar"), 405),
    Visit("error: form expired (CSRF)", lambda v: v.open("/").forget_session().wrong_pair(), 400),
]


def form_submission(html: str, url: str, data: dict, action=None) -> tuple[str, dict]:
    """Where a browser would post the form (the one posting to ``action``), and what."""
    selector = f'form[method=post][action="{action}"]' if action else "main form[method=post]"
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    assert form is not None, f"no form {selector} on {url}"
    values = {"csrf_token": form.find("input", attrs={"name": "csrf_token"})["value"]}
    for name, value in data.items():
        values[name] = form.find(attrs={"name": name})["value"] if value is FIRST else value
    return form.get("action") or url, values


class ClientVisitor(Visitor):
    """Carries the steps out with the Flask test client; checks each page's invariants."""

    def __init__(self, site, language, client, check_pages=True):
        super().__init__(site, language)
        self.client, self.check_pages = client, check_pages  # client: app.test_client()
        self.page_response = self.url = None
        client.set_cookie(site.app.config["LANGUAGE_COOKIE"], language)

    @property
    def page(self) -> Page:
        return Page(self.page_response)

    def _show(self, response):
        self.page_response, self.status = response, response.status_code
        self.url = response.request.full_path.rstrip("?")
        if self.check_pages and response.mimetype == "text/html":
            self.page.check_invariants()
        return self

    def open(self, url):
        return self._show(self.client.get(url, follow_redirects=True))

    def send(self, url, data, action=None):
        if self.url != url:
            self.open(url)
        html = self.page_response.get_data(as_text=True)
        target, values = form_submission(html, url, data, action)
        return self._show(self.client.post(target, data=values, follow_redirects=True))

    def forget_session(self):
        self.client.delete_cookie(self.site.app.config["SESSION_COOKIE_NAME"])
        return self
