"""A Microsoft Graph double on loopback: Entra ID's token endpoint and the calls we
make, in Graph v1.0's documented wire format, as strict as the real service.

- The directory knows users by object id and user principal name;
  ``GET /users/{id or UPN}?$select=id`` answers the object id.
- A Teams meeting exists only under its organizer: it is created, read,
  patched and deleted at ``/users/{organizer's object id}/onlineMeetings/…``.
  A UPN in that path, or another user's id, gets 404 — and is recorded as a
  problem, since the portal must never do it.
- Every answer carries ``request-id``, ``client-request-id`` and ``Date``;
  errors have Graph's body (``code``, ``message``, ``innerError`` with
  ``request-id`` and ``date``).

It checks what a real service would refuse (form fields of the
client-credentials grant, client_secret_post, the bearer token, paths, JSON
bodies) and records a problem for anything unexpected; tests assert
``double.problems == []``. Scenarios: short token lifetimes, revoked tokens
(401), a wrong client secret (invalid_client), queued failures (429 with
Retry-After, 503, 403…) and an answer without ``joinWebUrl``.
"""

import itertools
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.utils import formatdate

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

TENANT = "tenant-0000"
CLIENT_ID = "client-1111"
CLIENT_SECRET = "secret-2222"
SCOPE = "https://graph.microsoft.com/.default"
# Two desks' organizers: the portal is configured with the UPN (or the id).
ORGANIZER = "balcao.norte@seg-social.pt"
ORGANIZER_ID = "3f0c8b6e-2a41-4c1e-9a57-0d2b7c9e1a01"
OTHER_ORGANIZER = "balcao.sul@seg-social.pt"
OTHER_ORGANIZER_ID = "8d4e2f10-6b3c-4e7a-b1d2-5c9f0a3e7b02"
MEETINGS = "/onlineMeetings"


@dataclass
class Failure:
    status: int
    code: str
    retry_after: str | None = None


@dataclass
class GraphDouble:
    token_lifetime: int = 3599
    client_secret: str = CLIENT_SECRET  # what Entra ID expects (change it to refuse ours)
    users: dict = field(
        default_factory=lambda: {ORGANIZER_ID: ORGANIZER, OTHER_ORGANIZER_ID: OTHER_ORGANIZER}
    )
    tokens: dict = field(default_factory=dict)  # token → expires at (time.time())
    token_requests: int = 0
    calls: list = field(default_factory=list)  # (method, path, json body)
    meetings: dict = field(default_factory=dict)  # id → meeting
    owners: dict = field(default_factory=dict)  # meeting id → organizer's object id
    failures: list = field(default_factory=list)
    without_join_url: int = 0  # the next N meetings answered lack joinWebUrl
    problems: list = field(default_factory=list)
    url: str = ""

    _ids = itertools.count(1)

    # Scenarios ---------------------------------------------------------------
    def fail_next(self, status, times=1, code="ServiceUnavailable", retry_after=None):
        self.failures.extend([Failure(status, code, retry_after)] * times)

    def revoke_tokens(self):
        self.tokens.clear()

    def graph_calls(self, method=None):
        return [c for c in self.calls if method is None or c[0] == method]

    def meetings_of(self, organizer_id):
        return [m for i, m in self.meetings.items() if self.owners[i] == organizer_id]

    # WSGI ----------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == f"/{TENANT}/oauth2/v2.0/token":
            response = self.token(request)
        elif request.path.startswith("/v1.0/"):
            response = self.graph(request)
            response.headers["request-id"] = str(uuid.uuid4())
            response.headers["client-request-id"] = request.headers.get(
                "client-request-id", str(uuid.uuid4())
            )
        else:
            self.problems.append(f"unexpected path {request.method} {request.path}")
            response = error(404, "NotFound")
        response.headers["Date"] = formatdate(usegmt=True)
        return response(environ, start_response)

    def token(self, request):
        self.token_requests += 1
        form = request.form
        if request.method != "POST" or "Authorization" in request.headers:
            self.problems.append("token request must be a POST with client_secret_post")
        expected = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "scope": SCOPE}
        wrong = {k: form.get(k) for k, v in expected.items() if form.get(k) != v}
        if wrong:
            self.problems.append(f"token request fields: {wrong}")
            return token_error(400, "invalid_request", "AADSTS900144: bad request.")
        if form.get("client_secret") != self.client_secret:
            return token_error(
                401,
                "invalid_client",
                "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent "
                "in the request is the client secret value, not the client secret ID.",
            )
        token = secrets.token_urlsafe(24)
        self.tokens[token] = time.time() + self.token_lifetime
        return json_response(
            200,
            {
                "token_type": "Bearer",
                "expires_in": self.token_lifetime,
                "ext_expires_in": self.token_lifetime,
                "access_token": token,
            },
        )

    def _authorised(self, request) -> bool:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return scheme == "Bearer" and self.tokens.get(token, 0) > time.time()

    def graph(self, request):
        body = request.get_json(silent=True) if request.data else None
        self.calls.append((request.method, request.full_path.rstrip("?"), body))
        if not self._authorised(request):
            return error(401, "InvalidAuthenticationToken")
        if self.failures:
            failure = self.failures.pop(0)
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
            return error(failure.status, failure.code, headers)
        _, _, rest = request.path.partition("/v1.0/users/")
        user, _, rest = rest.partition("/")
        if not rest:
            return self.user(request, user)
        if not ("/" + rest).startswith(MEETINGS):
            self.problems.append(f"unexpected Graph path {request.path}")
            return error(404, "NotFound")
        if user not in self.users:  # a UPN, or nobody: meetings live under object ids
            self.problems.append(f"meetings path with {user!r}, not an organizer's object id")
            return error(404, "NotFound")
        return self.online_meetings(request, user, ("/" + rest)[len(MEETINGS) :], body)

    def user(self, request, key):
        """GET /users/{id | userPrincipalName}?$select=id"""
        if request.method != "GET" or request.args.get("$select") != "id":
            self.problems.append(f"unexpected {request.method} {request.full_path}")
        for user_id, upn in self.users.items():
            if key in (user_id, upn):
                return json_response(
                    200,
                    {
                        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id)"
                        "/$entity",
                        "id": user_id,
                    },
                )
        return error(404, "Request_ResourceNotFound")

    def online_meetings(self, request, organizer_id, rest, body):
        if rest == "/createOrGet" and request.method == "POST":
            return self.create_or_get(organizer_id, body)
        meeting_id = rest.lstrip("/")
        meeting = self.meetings.get(meeting_id)
        if meeting is None:
            return error(404, "NotFound")
        if self.owners[meeting_id] != organizer_id:
            self.problems.append(f"meeting {meeting_id} addressed under another user")
            return error(404, "NotFound")
        if request.method == "PATCH":
            return self.patch(meeting, body)
        if request.method == "DELETE":
            del self.meetings[meeting_id], self.owners[meeting_id]
            return Response(status=204)
        self.problems.append(f"unexpected {request.method} {request.path}")
        return error(405, "MethodNotAllowed")

    def create_or_get(self, organizer_id, body):
        required = {"externalId", "subject", "startDateTime", "endDateTime"}
        if not body or not required <= body.keys():
            self.problems.append(f"createOrGet body: {body}")
            return error(400, "BadRequest")
        if not (body["startDateTime"].endswith("Z") and body["endDateTime"].endswith("Z")):
            self.problems.append("times must be sent in UTC")
        named = body.get("participants", {}).get("organizer", {}).get("identity", {})
        if named.get("user", {}).get("id") != organizer_id:
            self.problems.append(f"createOrGet names another organizer: {named}")
        for meeting in self.meetings_of(organizer_id):
            if meeting["externalId"] == body["externalId"]:
                return json_response(200, self._answer(meeting))
        number = next(self._ids)
        meeting_id = f"MSo{number:04d}_{secrets.token_hex(6)}"
        meeting = {
            "id": meeting_id,
            "externalId": body["externalId"],
            "subject": body["subject"],
            "startDateTime": body["startDateTime"],
            "endDateTime": body["endDateTime"],
            "joinWebUrl": f"https://teams.microsoft.com/l/meetup-join/19%3ameeting_{number}"
            f"%40thread.v2/0?context=%7b%22Tid%22%3a%22{TENANT}%22%7d",
            "joinMeetingIdSettings": {
                "isPasscodeRequired": True,
                "joinMeetingId": f"{number:03d}4567890123",
                "passcode": f"Pa{number}ss",
            },
            "lobbyBypassSettings": {"scope": "everyone", "isDialInBypassEnabled": True},
            "allowedPresenters": "everyone",
        }
        self.meetings[meeting_id] = meeting
        self.owners[meeting_id] = organizer_id
        return json_response(201, self._answer(meeting))

    def _answer(self, meeting):
        if self.without_join_url:  # the schema allows a meeting without it
            self.without_join_url -= 1
            return {k: v for k, v in meeting.items() if k != "joinWebUrl"}
        return meeting

    def patch(self, meeting, body):
        allowed = {
            "subject",
            "startDateTime",
            "endDateTime",
            "lobbyBypassSettings",
            "allowedPresenters",
        }
        if not body or not body.keys() <= allowed:
            self.problems.append(f"PATCH body: {body}")
            return error(400, "BadRequest")
        meeting.update(body)
        return json_response(200, self._answer(meeting))


def json_response(status, body, headers=None):
    return Response(json.dumps(body), status=status, headers=headers, mimetype="application/json")


def error(status, code, headers=None):
    inner = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
        "request-id": str(uuid.uuid4()),
        "client-request-id": str(uuid.uuid4()),
    }
    body = {"error": {"code": code, "message": f"{code} (double)", "innerError": inner}}
    return json_response(status, body, headers)


def token_error(status, code, description):
    """Entra ID's token endpoint errors (OAuth 2.0 with its own extra fields)."""
    return json_response(
        status,
        {
            "error": code,
            "error_description": description,
            "error_codes": [int(description[6 : description.index(":")])],
            "timestamp": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()),
            "trace_id": str(uuid.uuid4()),
            "correlation_id": str(uuid.uuid4()),
        },
    )


class ServedDouble:
    """Serve a WSGI app on 127.0.0.1, on a free port, in a thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)
