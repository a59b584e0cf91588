"""No input makes the portal answer 500: random text and bytes in every field (Hypothesis).

Forms are found, not listed: every page of tests/visits.py PAGES is visited (through
the test client, in the state its visit leaves), and each distinct form on it — its
method, action and field names — is sent a few dozen random fillings with a valid CSRF
token, so the view and its validation really run. The JSON endpoints (the integration
API, the token endpoint, the device check's results) get the same treatment.

A new page listed in PAGES brings its forms in by itself. ``PORTAL_TEST_FUZZ_EXAMPLES``
(default 10) sets the fillings per form: raise it for a longer hunt. These tests run
on one database, PostgreSQL when it is configured (it refuses what SQLite lets through,
such as NUL in text), to keep the suite quick.
"""

import io
import json
import os
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlparse

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.extensions import db
from portal.integrations.operations import create_client
from tests.citizen.test_device_check import GOOD
from tests.conftest import POSTGRESQL_URL
from tests.visits import PAGES, ClientVisitor, create_site

EXAMPLES = int(os.environ.get("PORTAL_TEST_FUZZ_EXAMPLES", "10"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the working tree
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
# Values that have broken web applications before, beside plain random ones.
AWKWARD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "1e309",
    "NaN",
    "9" * 5000,
    "2026-02-30",
    "9999-12-31",
    "0001-01-01",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "user@demo.seg-social.\uff50\uff54",
    "\u202egpj.exe",
    "\ufeff",
    "../../etc/passwd",
    "%00",
    "\r\nX-Injected: 1",
    "null",
]
TEXT = st.text(max_size=120)  # any code point except surrogates, NUL included
BYTES = st.binary(max_size=120)  # often not UTF-8 at all
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "file" or "value"
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Form:
    method: str
    action: str
    multipart: bool
    token: str
    fields: tuple[Field, ...]

    @property
    def key(self) -> tuple:
        """Forms that are the same but for ids in their address are fuzzed once."""
        path = re.sub(r"\d+", "N", urlparse(self.action).path)
        return self.method, path, tuple(sorted(f.name for f in self.fields))


def forms_on(html: str, url: str) -> list[Form]:
    found = []
    for form in BeautifulSoup(html, "html.parser").find_all("form"):
        fields: dict[str, Field] = {}
        token = ""
        for element in form.find_all(["input", "select", "textarea"]):
            name = element.get("name")
            if not name:
                continue
            if name == "csrf_token":
                token = element.get("value", "")
                continue
            kind = "file" if element.get("type") == "file" else "value"
            options = [o.get("value", o.get_text()) for o in element.find_all("option")]
            if element.get("value") is not None and element.get("type") in ("radio", "checkbox"):
                options.append(element["value"])
            previous = fields.get(name)
            merged = (previous.options if previous else ()) + tuple(options)
            fields[name] = Field(name, kind, merged)
        found.append(
            Form(
                method=form.get("method", "get").lower(),
                action=form.get("action") or url,
                multipart=form.get("enctype") == "multipart/form-data",
                token=token,
                fields=tuple(fields.values()),
            )
        )
    return found


def value_for(field: Field):
    choices = [st.sampled_from(field.options)] if field.options else []
    if field.kind == "file":
        return st.tuples(BYTES | st.sampled_from([b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n"]), TEXT)
    return st.one_of(*choices, st.sampled_from(AWKWARD), TEXT, BYTES)


def send(client, form: Form, values: dict):
    if form.method == "get":
        query = urlencode(list(values.items()))
        return client.get(f"{form.action}{'&' if '?' in form.action else '?'}{query}")
    pairs = [("csrf_token", form.token), *values.items()]
    if form.multipart:
        data = {}
        for name, value in pairs:
            if isinstance(value, tuple):  # a file: (content, file name)
                data[name] = (io.BytesIO(value[0]), value[1])
            else:
                data[name] = value.decode("latin-1") if isinstance(value, bytes) else value
        return client.post(form.action, data=data, content_type="multipart/form-data")
    return client.post(
        form.action, data=urlencode(pairs), content_type="application/x-www-form-urlencoded"
    )


def fuzz_form(client, form: Form) -> None:
    optional = {field.name: value_for(field) for field in form.fields}

    @FUZZ
    @given(values=st.fixed_dictionaries({}, optional=optional))
    def fill_in(values):
        response = send(client, form, values)
        assert response.status_code < 500, (form.method, form.action, values)

    fill_in()


@pytest.fixture
def database_url(tmp_path):
    return POSTGRESQL_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app_settings():
    """Paces and lockouts would soon stop the views from running at all: lift them."""
    many = 1_000_000
    return {
        "SIGN_IN_MAX_FAILURES": many,
        "STAFF_SIGN_IN_MAX_FAILURES_PER_ADDRESS": many,
        "DOCUMENT_UPLOADS_PER_MINUTE": many,
        "DEVICE_CHECK_RESULTS_PER_MINUTE": many,
        "DEVICE_CHECK_REQUESTS_PER_MINUTE": many,
        "API_TOKEN_REQUESTS_PER_MINUTE": many,
    }


def test_no_form_field_answers_500(app, clock):
    site = create_site(app, clock)
    # First find every form, each with the visitor (its session) that reached it: the
    # fuzzing then changes the data, and the visits expect the site as created.
    fuzzed: dict[tuple, tuple] = {}
    for visit in PAGES:
        if visit.status != 200:
            continue
        visitor = visit.steps(ClientVisitor(site, "en", app.test_client(), check_pages=False))
        html = visitor.page_response.get_data(as_text=True)
        for form in forms_on(html, visitor.url):
            fuzzed.setdefault(form.key, (visitor.client, form))
    for client, form in fuzzed.values():
        fuzz_form(client, form)
    posted = {path for method, path, _fields in fuzzed if method == "post"}
    # Every form-handling route of the citizen and staff pages was reached.
    for path in [
        "/",
        "/marcar/horarios",
        "/marcar/representante",
        "/documentos",
        "/documentos/N/substituir",
        "/verificar-equipamento/declaracao",
        "/marcar/confirmar",
        "/a-minha-marcacao/reagendar/confirmar",
        "/a-minha-marcacao/cancelar",
        "/sair",
        "/staff/sign-in",
        "/staff/referrals/new",
        "/staff/bookings/N",
        "/staff/desks/N/closures/new",
        "/staff/accounts/new",
        "/staff/sign-out",
    ]:
        assert path in posted, f"no form posting to {path} was found"
    assert any(method == "get" for method, _path, _f in fuzzed), "the search forms too"


def test_no_api_field_answers_500(app, clock):
    create_site(app, clock)
    api_client, secret = create_client("Linha")
    db.session.commit()
    http = app.test_client()
    token = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(api_client.client_id, secret),
    ).get_json()["access_token"]
    fields = ["subject", "niss", "nipc", "email", "language", "in_person_date"]
    valid = {"subject": "subject", "niss": "11234567892", "email": "a@example.pt"}

    @FUZZ
    @given(
        body=st.one_of(
            st.fixed_dictionaries(
                {}, optional={name: JSON_VALUES | st.sampled_from(AWKWARD) for name in fields}
            ).map(lambda fields: {**valid, **fields}),
            JSON_VALUES,
        )
    )
    def post_referral(body):
        response = http.post(
            "/api/v1/referrals",
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code < 500, body

    @FUZZ
    @given(raw=BYTES)
    def post_bytes(raw):
        response = http.post(
            "/api/v1/referrals",
            data=raw,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code < 500, raw

    @FUZZ
    @given(
        form=st.fixed_dictionaries(
            {},
            optional={
                name: st.sampled_from(AWKWARD) | TEXT | BYTES
                for name in ("grant_type", "client_id", "client_secret", "scope")
            },
        ),
        basic=st.none() | st.tuples(TEXT, TEXT),
    )
    def get_token(form, basic):
        response = http.post(
            "/oauth/token",
            data=urlencode(list(form.items())),
            content_type="application/x-www-form-urlencoded",
            auth=basic,
        )
        assert response.status_code < 500, (form, basic)

    post_referral()
    post_bytes()
    get_token()


def test_no_device_check_result_answers_500(app, clock):
    site = create_site(app, clock)
    visitor = ClientVisitor(site, "en", app.test_client(), check_pages=False)
    visitor.hold().open("/verificar-equipamento")
    headers = {"X-CSRFToken": visitor.page.csrf_token()}
    parts = {
        name: st.dictionaries(st.sampled_from(["outcome", "problem", "level", "x"]), JSON_VALUES)
        for name in GOOD
    }

    @FUZZ
    @given(body=st.one_of(JSON_VALUES, st.fixed_dictionaries(parts), st.just(GOOD)))
    def post_results(body):
        response = visitor.client.post(
            "/verificar-equipamento/resultados",
            data=json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code < 500, body

    post_results()
