"""Every page a person can reach, and how to get there: one line per page in PAGES.

tests/browser/test_accessibility.py opens each page in Chromium, in Portuguese and
in English, and runs axe-core on it; tests/test_languages.py opens each through the
Flask test client and checks that no text of the other language shows, and
tests/test_html_validity.py passes the same pages to the Nu Html Checker. To cover a
new page, add a line to PAGES (and, if the way there is new, a step to Visitor).

A visit starts with nobody signed in and the language chosen. Steps are written
once, against ``Visitor``; ``BrowserVisitor`` (tests/browser/visitors.py) and
``ClientVisitor`` (below) carry them out with a real browser or the test client.
A step only a browser can take (running the device check's script) is an
``in_browser`` action from tests/browser/actions.py; the test client skips it.
Staff pages sign in as the accounts tests/staff_site.py creates, one per role.
"""

import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from bs4 import BeautifulSoup
from sqlalchemy import delete

from portal.extensions import db
from portal.scheduling.models import Audience, Subject
from portal.throttling.models import SignInCounter
from tests.browser.actions import run_device_check, start_device_check
from tests.documents import samples
from tests.factories import (
    CITIZEN_NISS,
    COMPANY_NIPC,
    COMPANY_NISS,
    STAFF_PASSWORD,
    create_referral,
    create_subject,
    create_world,
)
from tests.pages import Page
from tests.staff_site import create_staff_site

LATER_DATES = "/marcar/horarios?dia=2026-12-09"  # tests.conftest.DEFAULT_NOW + 2 weeks
REVIEW = "/marcar/revisao"
DOCUMENTS = "/documentos"
DEVICE_CHECK = "/verificar-equipamento"
DECLARATION = "/verificar-equipamento/declaracao"
MY_BOOKING = "/a-minha-marcacao"
CONFIRMATION_PDF = "/a-minha-marcacao/confirmacao.pdf"
RESCHEDULE = "/a-minha-marcacao/reagendar"
CANCEL = "/a-minha-marcacao/cancelar"
WAITING_LIST = "/lista-de-espera"
# A time no desk publishes: holding it is refused, the page says the time is gone.
GONE = "2026-11-26T08:15Z"
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
# What the device check's script reports when all goes well but the connection is slow.
DEVICE_RESULTS = {
    "camera": {"outcome": "passed"},
    "microphone": {"outcome": "passed", "level": 37},
    "speakers": {"outcome": "passed"},
    "network": {"download_kbps": 1200, "upload_kbps": 800, "latency_ms": 120},
    "browser": {"outcome": "passed"},
}
DECLARED = {"camera": "yes", "microphone": "yes", "speakers": "unsure", "connection": "no"}
STAFF_SIGN_IN = "/staff/sign-in"
# A date when no time is published yet: closing the desk then cancels nobody's booking.
CLOSED_DAY = "2027-03-01"
_numbers = itertools.count(1)
# Names as long as real ones, so tables and summaries are tried at their real width.
LONG_SUBJECT_NAMES = {
    "name_pt": "Contribuições de trabalhadores independentes",
    "name_en": "Contributions of self-employed workers",
}


def create_site(app, clock) -> SimpleNamespace:
    """A subject with times at two desks, and one that no desk offers; staff and their data."""
    with app.app_context():
        world = create_world(clock.now, subject_overrides=LONG_SUBJECT_NAMES)
        quiet = create_subject()
        staff = create_staff_site(world, clock.now)
        db.session.commit()
        return SimpleNamespace(
            app=app,
            clock=clock,
            subject_id=world.subject.id,
            subject_code=world.subject.code,
            quiet_subject_id=quiet.id,
            centre_id=world.desks[1].centre_id,
            staff=staff,
        )


class Visitor:
    """Steps of the journey, built from three primitives the subclasses provide."""

    status: int | None = None

    def __init__(self, site, language: str):
        self.site, self.language = site, language
        with site.app.app_context():
            # Each visit starts unlocked, whatever earlier visits did from 127.0.0.1.
            db.session.execute(delete(SignInCounter))
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

    def follow(self, selector: str) -> "Visitor":
        """Open the link (the first ``selector`` matches) of the page the visit is on."""
        raise NotImplementedError

    def report(self, url: str, payload: dict) -> "Visitor":
        """Post JSON as the page's script does (with its CSRF token); the page stays."""
        raise NotImplementedError

    def in_browser(self, action: Callable) -> "Visitor":
        """Then, in a browser only, act on the page shown (``action(tab)``), say to run its
        script; through the test client the page stays as served."""
        return self

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
        return self.sign_in(caller).send("/marcar/horarios", {"horario": FIRST})

    def company_holds(self) -> "Visitor":
        return self.hold(self.referral(company=True))

    def company_reviews(self) -> "Visitor":
        return self.company_holds().send("/marcar/representante", REPRESENTATIVE)

    def book(self, caller=None) -> "Visitor":
        return self.hold(caller).send(REVIEW, {}, action="/marcar/confirmar")

    def send_document(self, name="Cartão de Cidadão.pdf", data=None) -> "Visitor":
        """Send a file for the first document of the checklist, from the documents step."""
        upload = (io.BytesIO(samples.pdf() if data is None else data), name)
        return self.send(DOCUMENTS, {"item": FIRST, "file": upload})

    def declare_equipment(self, answers=DECLARED) -> "Visitor":
        return self.send(DEVICE_CHECK, answers, action=DECLARATION)

    def prepare(self) -> "Visitor":
        """Hold a time, send a document and say how the equipment is (no script)."""
        return self.hold().send_document().declare_equipment()

    def book_prepared(self) -> "Visitor":
        """Book a time with a document sent and the device check's results reported."""
        self.hold().send_document().open(DEVICE_CHECK)
        self.report("/verificar-equipamento/resultados", DEVICE_RESULTS)
        return self.send(REVIEW, {}, action="/marcar/confirmar")

    # Staff ------------------------------------------------------------------
    def staff_signs_in(self, role: str) -> "Visitor":
        """Sign in as the site's phone-line agent, desk staff or manager; lands on their home."""
        email = self.site.staff.emails[role]
        return self.send(STAFF_SIGN_IN, {"email": email, "password": STAFF_PASSWORD})

    def staff_locked_out(self) -> "Visitor":
        wrong = {"email": self.site.staff.emails["desk"], "password": "not the password"}
        for _attempt in range(self.site.app.config["SIGN_IN_MAX_FAILURES"] + 1):
            self.send(STAFF_SIGN_IN, wrong)
        return self

    def code_issued(self) -> "Visitor":
        values = {"subject": self.site.subject_code, "audience": "citizen"}
        values.update(niss=CITIZEN_NISS, email="pessoa@example.pt", language="pt_PT")
        return self.staff_signs_in("phone_line").submit(values)

    def desk_booking(self) -> "Visitor":
        """The desk's page of today's first session (a person who sent a file and checked)."""
        return self.staff_signs_in("desk").follow("main tbody a")

    def desk_closed(self) -> "Visitor":
        closure = {"starts_on": CLOSED_DAY, "ends_on": CLOSED_DAY, "reason": "Feriado municipal"}
        return self.staff_signs_in("desk").open(self.site.staff.new_closure).submit(closure)

    def manager_opens(self, url: str) -> "Visitor":
        return self.staff_signs_in("manager").open(url)

    def account_added(self) -> "Visitor":
        account = {"email": f"nova{next(_numbers)}@seg-social.pt", "name": "Ana Sousa"}
        account.update(role="phone_line", desk_id="0")
        return self.manager_opens("/staff/accounts/new").submit(account)

    def cancel(self, caller=None) -> "Visitor":
        return self.book(caller).send(CANCEL, {})

    def code_cancelled(self) -> "Visitor":
        caller = self.referral()
        return self.cancel(caller).sign_in(caller)

    def new_time_chosen(self) -> "Visitor":
        return self.book().send(RESCHEDULE, {"horario": FIRST})

    # Waiting list ---------------------------------------------------------------
    def waits(self, before="") -> "Visitor":
        """Sign in with a code no desk offers times for, and join the waiting list."""
        return self.sign_in(self.referral(quiet=True)).send(WAITING_LIST, {"before": before})

    def leave_link(self) -> "Visitor":
        """The leave link of an offer e-mail, opened by a person on the list."""
        from portal.referrals.models import Referral
        from portal.waiting_list import services

        caller = self.referral(quiet=True)
        with self.site.app.app_context():
            referral = db.session.scalar(db.select(Referral).where(Referral.code == caller.code))
            entry = services.join(referral, None, self.site.clock.now)
            token = services.leave_token(entry)
            db.session.commit()
        return self.open(f"{WAITING_LIST}/sair/{token}")


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
    Visit(
        "choose a time: a preferred centre",
        lambda v: v.sign_in().open(f"/marcar/horarios?centro={v.site.centre_id}"),
    ),
    Visit("choose a time: that time is gone", lambda v: v.sign_in().submit({"horario": GONE})),
    Visit("choose a time: none offered", lambda v: v.sign_in(v.referral(quiet=True))),
    Visit("company: who attends", lambda v: v.company_holds()),
    Visit("company: who attends, errors", lambda v: v.company_holds().submit({})),
    Visit("company: documents", lambda v: v.company_reviews()),
    Visit("company: review", lambda v: v.company_reviews().open(REVIEW)),
    Visit("documents", lambda v: v.hold()),
    Visit("documents: file received", lambda v: v.hold().send_document()),
    Visit(
        "documents: file refused",
        lambda v: v.hold().send_document("programa.pdf", samples.windows_executable()),
    ),
    Visit(
        "documents: replace a file", lambda v: v.hold().send_document().follow(".files__actions a")
    ),
    Visit("device check", lambda v: v.hold().open(DEVICE_CHECK)),
    Visit(
        "device check: camera step",
        lambda v: v.hold().open(DEVICE_CHECK).in_browser(start_device_check),
    ),
    Visit(
        "device check: results",
        lambda v: v.hold().open(DEVICE_CHECK).in_browser(run_device_check),
    ),
    Visit("device check: answers missing", lambda v: v.hold().declare_equipment({})),
    Visit("device check: answers saved", lambda v: v.hold().declare_equipment()),
    Visit("review", lambda v: v.hold().open(REVIEW)),
    Visit("review: documents and equipment", lambda v: v.prepare().open(REVIEW)),
    Visit("review: more time given", lambda v: v.hold().send(REVIEW, {}, "/marcar/prolongar")),
    Visit("confirmed", lambda v: v.book()),
    Visit("my booking", lambda v: v.book().open(MY_BOOKING)),
    Visit("my booking: documents and equipment", lambda v: v.book_prepared().open(MY_BOOKING)),
    Visit("my booking: PDF being prepared", lambda v: v.book().open(CONFIRMATION_PDF)),
    Visit("choose a new time", lambda v: v.book().open(RESCHEDULE)),
    Visit("choose a new time: none chosen", lambda v: v.book().send(RESCHEDULE, {})),
    Visit("confirm the new time", lambda v: v.new_time_chosen()),
    Visit("my booking: moved", lambda v: v.new_time_chosen().submit({})),
    Visit("cancel?", lambda v: v.book().open(CANCEL)),
    Visit("cancelled", lambda v: v.cancel()),
    Visit("waiting list", lambda v: v.sign_in(v.referral(quiet=True)).open(WAITING_LIST)),
    Visit("waiting list: date in the past", lambda v: v.waits(before="2020-01-01")),
    Visit("waiting list: on the list", lambda v: v.waits()),
    Visit("choose a time: none offered, on the list", lambda v: v.waits().open("/marcar/horarios")),
    Visit("waiting list: an earlier time", lambda v: v.book().open(WAITING_LIST)),
    Visit(
        "my booking: waiting for an earlier time",
        lambda v: v.book().send(WAITING_LIST, {"before": ""}).open(MY_BOOKING),
    ),
    Visit("waiting list: leave?", lambda v: v.leave_link()),
    Visit("waiting list: left", lambda v: v.leave_link().submit({})),
    Visit("waiting list: link does not work", lambda v: v.open(f"{WAITING_LIST}/sair/x"), 404),
    Visit("accessibility statement", lambda v: v.open("/acessibilidade")),
    Visit("privacy notice", lambda v: v.open("/privacidade")),
    Visit("contacts", lambda v: v.open("/contactos")),
    Visit("error: page not found", lambda v: v.open("/nao-existe"), 404),
    Visit("error: GET to a POST route", lambda v: v.open("/marcar/confirmar"), 405),
    Visit("error: form expired (CSRF)", lambda v: v.open("/").forget_session().wrong_pair(), 400),
    # Staff ---------------------------------------------------------------------------------
    Visit("staff: sign in", lambda v: v.open(STAFF_SIGN_IN)),
    Visit("staff: sign in, nothing entered", lambda v: v.send(STAFF_SIGN_IN, {})),
    Visit("staff: sign in, too many attempts", lambda v: v.staff_locked_out(), 429),
    Visit("staff: issue a code", lambda v: v.staff_signs_in("phone_line")),
    Visit("staff: issue a code, errors", lambda v: v.staff_signs_in("phone_line").submit({})),
    Visit("staff: code issued", lambda v: v.code_issued()),
    Visit("staff: withdraw a code?", lambda v: v.code_issued().follow('a[href$="/void"]')),
    Visit("staff: re-issue a code?", lambda v: v.code_issued().follow('a[href$="/reissue"]')),
    Visit("staff: recent codes", lambda v: v.staff_signs_in("phone_line").open("/staff/referrals")),
    Visit(
        "staff: recent codes, searched",
        lambda v: v.staff_signs_in("phone_line").open(f"/staff/referrals?q={CITIZEN_NISS}"),
    ),
    Visit("staff: agenda for today", lambda v: v.staff_signs_in("desk")),
    Visit("staff: agenda for the week", lambda v: v.staff_signs_in("desk").follow(".actions a")),
    Visit("staff: a session", lambda v: v.desk_booking()),
    Visit("staff: a session, no outcome chosen", lambda v: v.desk_booking().submit({})),
    Visit(
        "staff: close the desk", lambda v: v.staff_signs_in("desk").open(v.site.staff.new_closure)
    ),
    Visit(
        "staff: close the desk, errors",
        lambda v: v.staff_signs_in("desk").open(v.site.staff.new_closure).submit({}),
    ),
    Visit("staff: closures", lambda v: v.desk_closed()),
    Visit("staff: evaluation", lambda v: v.staff_signs_in("manager")),
    Visit("staff: what if, empty form", lambda v: v.manager_opens("/staff/planner")),
    Visit("staff: what if, results", lambda v: v.manager_opens(v.site.staff.planner)),
    Visit(
        "staff: what if, errors",
        lambda v: v.manager_opens("/staff/planner?first=2026-11-20&last=2026-11-01&new_desks=x"),
    ),
    Visit(
        "staff: evaluation of a period without data",
        lambda v: v.manager_opens("/staff/evaluation?from=2030-01-01&to=2030-01-31"),
    ),
    Visit("staff: district centres", lambda v: v.manager_opens("/staff/centres")),
    Visit(
        "staff: edit a district centre",
        lambda v: v.manager_opens("/staff/centres").follow("main tbody a"),
    ),
    Visit("staff: desks", lambda v: v.manager_opens("/staff/desks")),
    Visit("staff: edit a desk", lambda v: v.manager_opens("/staff/desks").follow("main tbody a")),
    Visit("staff: subjects", lambda v: v.manager_opens("/staff/subjects")),
    Visit(
        "staff: edit a subject", lambda v: v.manager_opens("/staff/subjects").follow("main tbody a")
    ),
    Visit("staff: accounts", lambda v: v.manager_opens("/staff/accounts")),
    Visit("staff: add an account", lambda v: v.manager_opens("/staff/accounts/new")),
    Visit(
        "staff: add an account, errors",
        lambda v: v.manager_opens("/staff/accounts/new").submit({}),
    ),
    Visit("staff: account created", lambda v: v.account_added()),
    Visit("staff: audit log", lambda v: v.manager_opens("/staff/audit-log")),
    Visit("staff: error: not allowed", lambda v: v.manager_opens("/staff/agenda"), 403),
]


def form_submission(html: str, url: str, data: dict, action=None) -> tuple[str, dict]:
    """Where a browser would post the form, and what.

    The form is the one posting to ``action``, or else the first in <main> that has
    every field of ``data``.
    """
    selector = f'form[method=post][action="{action}"]' if action else "main form[method=post]"
    forms = BeautifulSoup(html, "html.parser").select(selector)
    form = next((f for f in forms if all(f.find(attrs={"name": n}) for n in data)), None)
    assert form is not None, f"no form {selector} with {list(data)} on {url}"
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

    def follow(self, selector):
        link = self.page.soup.select_one(selector)
        assert link is not None, f"no link {selector} on {self.url}"
        return self.open(link["href"])

    def report(self, url, payload):
        headers = {"X-CSRFToken": self.page.csrf_token()}
        response = self.client.post(url, json=payload, headers=headers)
        assert response.status_code < 400, response.get_data(as_text=True)
        return self

    def forget_session(self):
        self.client.delete_cookie(self.site.app.config["SESSION_COOKIE_NAME"])
        return self
