"""Microsoft Graph: Teams meetings created with an app-only token.

One thin client: an Authlib OAuth2 session with the client-credentials grant
(cached token, fetched again shortly before it expires), timeouts, one
response-checking helper and the error types of ``providers``. Meetings live
under their organizer, whose Entra object id is in every path (a UPN is
resolved once). It never sleeps: 429 and 5xx raise MeetingUnavailable with
Graph's Retry-After, and the worker backs off. Errors keep Graph's code,
request-id and date for support.
"""

import logging
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from requests import Response

from portal.meetings.providers import (
    OBJECT_ID,
    MeetingConfigurationError,
    MeetingDetails,
    MeetingRefused,
    MeetingRequest,
    MeetingUnavailable,
)

log = logging.getLogger(__name__)

JSONBody = dict[str, Any] | None

SCOPE = "https://graph.microsoft.com/.default"
TRANSIENT_STATUSES = {429, 503, 504}
# Errors of the token endpoint that no retry can cure: the settings are wrong.
CONFIGURATION_ERRORS = {"invalid_client", "unauthorized_client", "invalid_request", "invalid_scope"}
# The citizen joins anonymously and waits in the lobby until the desk admits them;
# staff of the organisation go straight in; only the organizer presents.
MEETING_SETTINGS = {
    "lobbyBypassSettings": {"scope": "organization", "isDialInBypassEnabled": False},
    "allowedPresenters": "organizer",
}


def _z(moment: datetime) -> str:
    """Graph takes UTC times (its zone list has no Europe/Lisbon)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _described(response: Response) -> str:
    """Graph's error code and message, and what support needs: request-id and date."""
    code = message = ""
    inner: dict[str, Any] = {}
    try:
        error = response.json()["error"]
        code, message = error.get("code", ""), error.get("message", "")
        inner = error.get("innerError") or {}
    except (ValueError, KeyError, TypeError, AttributeError):
        message = response.text[:200]
    request_id = inner.get("request-id") or response.headers.get("request-id", "")
    date = inner.get("date") or response.headers.get("Date", "")
    return f"{code}: {message} (request-id {request_id or '?'}, date {date or '?'})"


def _retry_after(response: Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None


class GraphProvider:
    name = "graph"

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        token_url: str,
        base_url: str,
        timeout: float = 10,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        # Both token_endpoint and grant_type must be given here, or Authlib cannot
        # fetch a new token by itself when the cached one is about to expire.
        self.session = OAuth2Session(
            client_id,
            client_secret,
            scope=SCOPE,
            token_endpoint=token_url.format(tenant=tenant_id),
            grant_type="client_credentials",
            token_endpoint_auth_method="client_secret_post",
            leeway=60,
            default_timeout=timeout,
        )

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "GraphProvider":
        return cls(
            config["GRAPH_TENANT_ID"],
            config["GRAPH_CLIENT_ID"],
            config["GRAPH_CLIENT_SECRET"],
            config["GRAPH_TOKEN_URL"],
            config["GRAPH_BASE_URL"],
            timeout=config["GRAPH_TIMEOUT_SECONDS"],
        )

    # The operations ------------------------------------------------------------

    def organizer_id(self, organizer: str | None) -> str:
        """An object id as it is; a UPN resolved once with GET /users/{upn}?$select=id."""
        if not organizer:
            raise MeetingRefused("the desk has no Teams organizer (teams_organizer)")
        if OBJECT_ID.match(organizer):
            return organizer
        response = self._call("GET", f"/users/{quote(organizer, safe='@')}?$select=id")
        user_id = self._json(response, "GET /users").get("id")
        if not isinstance(user_id, str) or not user_id:
            raise MeetingRefused(f"GET /users/{organizer}: the answer has no id")
        return user_id

    def create(self, request: MeetingRequest) -> MeetingDetails:
        """createOrGet keyed by our booking id (201 new, 200 existing), then its settings."""
        base = self._meetings_path(request.organizer_id)
        body = {
            "externalId": request.external_id,
            "subject": request.subject,
            "startDateTime": _z(request.starts_at),
            "endDateTime": _z(request.ends_at),
            "participants": {"organizer": {"identity": {"user": {"id": request.organizer_id}}}},
        }
        response = self._call("POST", f"{base}/createOrGet", body)
        meeting = self._details(response, "POST createOrGet")
        # createOrGet takes no lobby settings: set them on the meeting (again, if it
        # already existed, in case an earlier attempt stopped in between).
        self._call("PATCH", f"{base}/{quote(meeting.id, safe='')}", MEETING_SETTINGS)
        return meeting

    def move(self, meeting_id: str, request: MeetingRequest) -> MeetingDetails:
        """PATCH the same meeting to the new time: its join link does not change."""
        body = {
            "subject": request.subject,
            "startDateTime": _z(request.starts_at),
            "endDateTime": _z(request.ends_at),
            **MEETING_SETTINGS,
        }
        path = f"{self._meetings_path(request.organizer_id)}/{quote(meeting_id, safe='')}"
        return self._details(self._call("PATCH", path, body), "PATCH onlineMeeting")

    def delete(self, meeting_id: str, organizer_id: str | None) -> None:
        """DELETE the meeting under its organizer (204); one already deleted (404) is fine."""
        path = f"{self._meetings_path(organizer_id)}/{quote(meeting_id, safe='')}"
        self._call("DELETE", path, allow_missing=True)

    # Plumbing ---------------------------------------------------------------

    @staticmethod
    def _meetings_path(organizer_id: str | None) -> str:
        if not organizer_id:
            raise MeetingRefused("the desk has no Teams organizer (teams_organizer)")
        return f"/users/{quote(organizer_id, safe='')}/onlineMeetings"

    @staticmethod
    def _json(response: Response, label: str) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise MeetingRefused(
                f"{label}: the answer is not a JSON object ({_described(response)})"
            )
        return body

    def _details(self, response: Response, label: str) -> MeetingDetails:
        meeting = self._json(response, label)
        if not meeting.get("id") or not meeting.get("joinWebUrl"):
            # The schema allows it; without a link the meeting is of no use to anyone.
            raise MeetingRefused(f"{label}: the answer has no joinWebUrl ({_described(response)})")
        settings = meeting.get("joinMeetingIdSettings") or {}
        return MeetingDetails(
            id=meeting["id"],
            join_url=meeting["joinWebUrl"],
            join_meeting_id=settings.get("joinMeetingId"),
            passcode=settings.get("passcode"),
        )

    def _request(self, method: str, url: str, body: JSONBody) -> Response:
        if not self.session.token:
            self.session.fetch_token()
        headers = {"client-request-id": str(uuid.uuid4())}
        response: Response = self.session.request(
            method, url, json=body, headers=headers, timeout=self.timeout
        )
        return response

    def _send(self, method: str, url: str, body: JSONBody) -> Response:
        """Send with the cached token; on 401, fetch a new token and send once more."""
        response = self._request(method, url, body)
        if response.status_code == 401:
            log.info("Graph refused the token; fetching a new one")
            self.session.token = None
            response = self._request(method, url, body)
        return response

    def _call(
        self, method: str, path: str, body: JSONBody = None, allow_missing: bool = False
    ) -> Response:
        """Send one request (no retries here: the worker comes back later)."""
        label = f"{method} {path}"
        try:
            response = self._send(method, self.base_url + path, body)
        except OAuthError as error:
            self.session.token = None
            problem = f"token endpoint: {error.error}: {error.description or ''}".strip()
            if error.error in CONFIGURATION_ERRORS:
                raise MeetingConfigurationError(problem) from error
            raise MeetingUnavailable(problem) from error
        except (requests.RequestException, AuthlibBaseError) as error:
            raise MeetingUnavailable(f"{label}: {error}") from error
        return self._checked(response, label, allow_missing)

    @staticmethod
    def _checked(response: Response, label: str, allow_missing: bool) -> Response:
        status = response.status_code
        if status < 400 or (status == 404 and allow_missing):
            return response
        error = f"{label}: {status} {_described(response)}"
        if status in TRANSIENT_STATUSES or status >= 500:
            raise MeetingUnavailable(error, _retry_after(response))
        if status == 401:  # even a fresh token is refused: the app's registration is wrong
            raise MeetingConfigurationError(error)
        raise MeetingRefused(error)
