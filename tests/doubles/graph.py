"""A Microsoft Graph double on loopback: Entra ID's token endpoint and the
onlineMeetings calls we make, in Graph's documented wire format.

It checks what a real service would refuse (form fields of the client-credentials
grant, client_secret_post, the bearer token, paths, JSON bodies) and records a
problem for anything unexpected; tests assert ``double.problems == []``.
Scenarios: short token lifetimes, revoked tokens (401), and queued failures
(429 with Retry-After, 503, 403…).
"""

import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

TENANT = "tenant-0000"
CLIENT_ID = "client-1111"
CLIENT_SECRET = "secret-2222"
SCOPE = "https://graph.microsoft.com/.default"
ORGANIZER = "organizer-3333"


@dataclass
class Failure:
    status: int
    code: str
    retry_after: str | None = None


@dataclass
class GraphDouble:
    token_lifetime: int = 3599
    tokens: dict = field(default_factory=dict)  # token → expires at (time.time())
    token_requests: int = 0
    calls: list = field(default_factory=list)  # (method, path, json body)
    meetings: dict = field(default_factory=dict)  # id → meeting
    failures: list = field(default_factory=list)
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

    # WSGI ----------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == f"/{TENANT}/oauth2/v2.0/token":
            response = self.token(request)
        elif request.path.startswith("/v1.0/"):
            response = self.graph(request)
        else:
            self.problems.append(f"unexpected path {request.method} {request.path}")
            response = error(404, "NotFound")
        return response(environ, start_response)

    def token(self, request):
        self.token_requests += 1
        form = request.form
        expected = {
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scope": SCOPE,
        }
        if request.method != "POST" or "Authorization" in request.headers:
            self.problems.append("token request must be a POST with client_secret_post")
        wrong = {k: form.get(k) for k, v in expected.items() if form.get(k) != v}
        if wrong:
            self.problems.append(f"token request fields: {wrong}")
            return json_response(401, {"error": "invalid_client"})
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
        self.calls.append((request.method, request.path, body))
        if not self._authorised(request):
            return error(401, "InvalidAuthenticationToken")
        if self.failures:
            failure = self.failures.pop(0)
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
            return error(failure.status, failure.code, headers)
        prefix = f"/v1.0/users/{ORGANIZER}/onlineMeetings"
        if not request.path.startswith(prefix):
            self.problems.append(f"unexpected Graph path {request.path}")
            return error(404, "NotFound")
        rest = request.path[len(prefix) :]
        if rest == "/createOrGet" and request.method == "POST":
            return self.create_or_get(body)
        meeting = self.meetings.get(rest.lstrip("/"))
        if meeting is None:
            return error(404, "NotFound")
        if request.method == "PATCH":
            return self.patch(meeting, body)
        if request.method == "DELETE":
            del self.meetings[meeting["id"]]
            return Response(status=204)
        self.problems.append(f"unexpected {request.method} {request.path}")
        return error(405, "MethodNotAllowed")

    def create_or_get(self, body):
        required = {"externalId", "subject", "startDateTime", "endDateTime"}
        if not body or not required <= body.keys():
            self.problems.append(f"createOrGet body: {body}")
            return error(400, "BadRequest")
        if not (body["startDateTime"].endswith("Z") and body["endDateTime"].endswith("Z")):
            self.problems.append("times must be sent in UTC")
        for meeting in self.meetings.values():
            if meeting["externalId"] == body["externalId"]:
                return json_response(200, meeting)
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
        return json_response(201, meeting)

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
        return json_response(200, meeting)


def json_response(status, body, headers=None):
    return Response(json.dumps(body), status=status, headers=headers, mimetype="application/json")


def error(status, code, headers=None):
    body = {"error": {"code": code, "message": f"{code} (double)", "innerError": {}}}
    return json_response(status, body, headers)


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
