"""The meeting-provider interface and the local (development) provider.

A provider creates a meeting keyed by the booking (idempotently), moves it and
deletes it. It raises ``MeetingUnavailable`` when the service may work later
and ``MeetingRefused`` when retrying the same request cannot help.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class MeetingError(Exception):
    """Base of the provider's failures."""


class MeetingUnavailable(MeetingError):
    """The service did not answer usefully (timeouts, 429, 5xx): try again later."""


class MeetingRefused(MeetingError):
    """The service refused the request (e.g. 403 without an access policy)."""


@dataclass(frozen=True)
class MeetingRequest:
    external_id: str  # ours: the booking's id
    organizer: str | None  # the desk's Teams organizer
    subject: str
    starts_at: datetime  # aware UTC
    ends_at: datetime


@dataclass(frozen=True)
class MeetingDetails:
    id: str
    join_url: str
    join_meeting_id: str | None = None
    passcode: str | None = None


class MeetingProvider(Protocol):
    name: str

    def create(self, request: MeetingRequest) -> MeetingDetails:
        """Create the meeting for ``request.external_id``, or return the existing one."""

    def move(self, meeting_id: str, request: MeetingRequest) -> MeetingDetails:
        """Change the meeting's time and subject; the join link stays the same."""

    def delete(self, meeting_id: str, organizer: str | None) -> None:
        """Delete the meeting; deleting one already gone is not an error."""


class LocalProvider:
    """Development: a portal page stands in for the Teams meeting.

    The page's address is derived from the booking with the secret key, so it is
    stable (create is idempotent) and cannot be guessed from a booking number.
    """

    name = "local"

    def __init__(self, public_url, secret_key: str):
        # A string, or a function giving the portal's address when a meeting is made
        # (in development it follows the port `flask run` serves on: portal.links).
        self.public_url = public_url
        self.secret_key = secret_key.encode()

    def _base_url(self) -> str:
        url = self.public_url() if callable(self.public_url) else self.public_url
        return url.rstrip("/")

    def token(self, external_id: str) -> str:
        digest = hmac.new(self.secret_key, f"meeting:{external_id}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def create(self, request: MeetingRequest) -> MeetingDetails:
        token = self.token(request.external_id)
        return MeetingDetails(
            id=f"local-{token}",
            join_url=f"{self._base_url()}/dev/meeting/{token}",
            join_meeting_id=str(int(token[:10], 16) % 10**12).zfill(12),
            passcode=token[10:16].upper(),
        )

    def move(self, meeting_id: str, request: MeetingRequest) -> MeetingDetails:
        return self.create(request)

    def delete(self, meeting_id: str, organizer: str | None) -> None:
        return None


def provider_for(app) -> MeetingProvider:
    """The provider the settings choose, built once per app."""
    provider = app.extensions.get("meeting_provider")
    if provider is None:
        config = app.config
        if config["MEETING_PROVIDER"] == "graph":
            from portal.meetings.graph import GraphProvider

            provider = GraphProvider.from_config(config)
        else:
            from portal.links import public_base_url

            provider = LocalProvider(public_base_url, config["SECRET_KEY"])
        app.extensions["meeting_provider"] = provider
    return provider
