"""The meeting-provider interface and the local (development) provider.

A provider finds an organizer's directory id, creates a meeting under that
organizer keyed by the booking (idempotently), moves it and deletes it —
always under the organizer who owns it. It never sleeps: when the service
asks to wait, it says how long and the worker comes back later.

Errors: ``MeetingUnavailable`` when the service may work later (timeouts, 429,
5xx), ``MeetingRefused`` when retrying the same request cannot help (this
meeting), ``MeetingConfigurationError`` when nothing can work until an operator
fixes the settings (a wrong client secret): no meeting is tried until then.
"""

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, cast

from flask import Flask

OBJECT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


class MeetingError(Exception):
    """Base of the provider's failures."""


class MeetingUnavailable(MeetingError):
    """The service did not answer usefully: try again later (after ``retry_after`` s)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class MeetingRefused(MeetingError):
    """The service refused this request (e.g. 403 without an access policy)."""


class MeetingConfigurationError(MeetingError):
    """The provider's own settings are wrong (e.g. invalid_client): no call can succeed."""


@dataclass(frozen=True)
class MeetingRequest:
    external_id: str  # ours: the booking's id (and generation, after a replacement)
    organizer_id: str  # the organizer's directory (Entra) object id
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

    def organizer_id(self, organizer: str | None) -> str:
        """The directory object id of a desk's organizer, given as object id or UPN."""

    def create(self, request: MeetingRequest) -> MeetingDetails:
        """Create the meeting for ``request.external_id``, or return the existing one."""

    def move(self, meeting_id: str, request: MeetingRequest) -> MeetingDetails:
        """Change the meeting's time and subject; the join link stays the same."""

    def delete(self, meeting_id: str, organizer_id: str | None) -> None:
        """Delete the meeting under its organizer; one already gone is not an error."""


class LocalProvider:
    """Development: a portal page stands in for the Teams meeting.

    The page's address is derived from the booking with the secret key, so it is
    stable (create is idempotent) and cannot be guessed from a booking number.
    """

    name = "local"

    def __init__(self, public_url: str | Callable[[], str], secret_key: str):
        # A string, or a function giving the portal's address when a meeting is made
        # (in development it follows the port `flask run` serves on: portal.links).
        self.public_url = public_url
        self.secret_key = secret_key.encode()

    def _base_url(self) -> str:
        url = self.public_url() if callable(self.public_url) else self.public_url
        return str(url).rstrip("/")

    def token(self, external_id: str) -> str:
        digest = hmac.new(self.secret_key, f"meeting:{external_id}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def organizer_id(self, organizer: str | None) -> str:
        return organizer or "local"  # the placeholder page needs no organizer

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

    def delete(self, meeting_id: str, organizer_id: str | None) -> None:
        return None


def provider_for(app: Flask) -> MeetingProvider:
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
    return cast(MeetingProvider, provider)
