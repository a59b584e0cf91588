"""Microsoft Graph: Teams meetings created with an app-only token.

One thin client: an Authlib OAuth2 session with the client-credentials grant
(cached token, fetched again shortly before it expires), timeouts, one
response-checking helper and the two error types of ``providers``.
"""

import logging
import time
from datetime import UTC
from urllib.parse import quote

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session

from portal.meetings.providers import (
    MeetingDetails,
    MeetingRefused,
    MeetingRequest,
    MeetingUnavailable,
)

log = logging.getLogger(__name__)

SCOPE = "https://graph.microsoft.com/.default"
TRANSIENT_STATUSES = {429, 503, 504}
# The citizen joins anonymously and waits in the lobby until the desk admits them;
# staff of the organisation go straight in; only the organizer presents.
MEETING_SETTINGS = {
    "lobbyBypassSettings": {"scope": "organization", "isDialInBypassEnabled": False},
    "allowedPresenters": "organizer",
}


def _z(moment) -> str:
    """Graph takes UTC times (its zone list has no Europe/Lisbon)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error_code(response) -> str:
    try:
        error = response.json()["error"]
        return f"{error.get('code', '')}: {error.get('message', '')}"
    except (ValueError, KeyError, TypeError, AttributeError):
        return response.text[:200]


class GraphProvider:
    name = "graph"

    def __init__(
        self,
        tenant_id,
        client_id,
        client_secret,
        token_url,
        base_url,
        timeout=10,
        max_attempts=4,
        max_backoff=30,
        sleep=time.sleep,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.max_backoff = max_backoff
        self.sleep = sleep
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
    def from_config(cls, config) -> "GraphProvider":
        return cls(
            config["GRAPH_TENANT_ID"],
            config["GRAPH_CLIENT_ID"],
            config["GRAPH_CLIENT_SECRET"],
            config["GRAPH_TOKEN_URL"],
            config["GRAPH_BASE_URL"],
            timeout=config["GRAPH_TIMEOUT_SECONDS"],
            max_attempts=config["GRAPH_MAX_ATTEMPTS"],
            max_backoff=config["GRAPH_MAX_BACKOFF_SECONDS"],
        )

    # The three operations -------------------------------------------------

    def create(self, request: MeetingRequest) -> MeetingDetails:
        """createOrGet keyed by our booking id (201 new, 200 existing), then its settings."""
        base = self._meetings_path(request.organizer)
        body = {
            "externalId": request.external_id,
            "subject": request.subject,
            "startDateTime": _z(request.starts_at),
            "endDateTime": _z(request.ends_at),
            "participants": {"organizer": {"identity": {"user": {"id": request.organizer}}}},
        }
        meeting = self._call("POST", f"{base}/createOrGet", body).json()
        # createOrGet takes no lobby settings: set them on the meeting (again, if it
        # already existed, in case an earlier attempt stopped in between).
        self._call("PATCH", f"{base}/{quote(meeting['id'], safe='')}", MEETING_SETTINGS)
        return self._details(meeting)

    def move(self, meeting_id: str, request: MeetingRequest) -> MeetingDetails:
        """PATCH the same meeting to the new time: its join link does not change."""
        body = {
            "subject": request.subject,
            "startDateTime": _z(request.starts_at),
            "endDateTime": _z(request.ends_at),
            **MEETING_SETTINGS,
        }
        path = f"{self._meetings_path(request.organizer)}/{quote(meeting_id, safe='')}"
        return self._details(self._call("PATCH", path, body).json())

    def delete(self, meeting_id: str, organizer: str | None) -> None:
        """DELETE the meeting (204); one already deleted (404) is fine."""
        path = f"{self._meetings_path(organizer)}/{quote(meeting_id, safe='')}"
        self._call("DELETE", path, allow_missing=True)

    # Plumbing ---------------------------------------------------------------

    @staticmethod
    def _meetings_path(organizer: str | None) -> str:
        if not organizer:
            raise MeetingRefused("the desk has no Teams organizer (teams_organizer)")
        return f"/users/{quote(organizer, safe='@')}/onlineMeetings"

    @staticmethod
    def _details(meeting: dict) -> MeetingDetails:
        settings = meeting.get("joinMeetingIdSettings") or {}
        return MeetingDetails(
            id=meeting["id"],
            join_url=meeting["joinWebUrl"],
            join_meeting_id=settings.get("joinMeetingId"),
            passcode=settings.get("passcode"),
        )

    def _delay(self, response, attempt: int) -> float:
        try:
            wanted = float(response.headers.get("Retry-After", ""))
        except ValueError:
            wanted = 2.0 ** (attempt - 1)
        return max(0.0, min(wanted, float(self.max_backoff)))

    def _request(self, method, url, body):
        if not self.session.token:
            self.session.fetch_token()
        return self.session.request(method, url, json=body, timeout=self.timeout)

    def _send(self, method, url, body):
        """Send with the cached token; on 401, fetch a new token and send once more."""
        response = self._request(method, url, body)
        if response.status_code == 401:
            log.info("Graph refused the token; fetching a new one")
            self.session.token = None
            response = self._request(method, url, body)
        return response

    def _call(self, method, path, body=None, allow_missing=False):
        """Send one request, retrying 429/503/504 and network errors with backoff."""
        label = f"{method} {path}"
        for attempt in range(1, self.max_attempts + 1):
            last = attempt == self.max_attempts
            try:
                response = self._send(method, self.base_url + path, body)
            except (requests.RequestException, AuthlibBaseError) as error:
                if last:
                    raise MeetingUnavailable(f"{label}: {error}") from error
                self.sleep(min(2.0 ** (attempt - 1), self.max_backoff))
                continue
            if response.status_code in TRANSIENT_STATUSES and not last:
                self.sleep(self._delay(response, attempt))
                continue
            return self._checked(response, label, allow_missing)

    @staticmethod
    def _checked(response, label, allow_missing):
        status = response.status_code
        if status < 400 or (status == 404 and allow_missing):
            return response
        error = f"{label}: {status} {_error_code(response)}"
        if status in TRANSIENT_STATUSES or status >= 500:
            raise MeetingUnavailable(error)
        raise MeetingRefused(error)
