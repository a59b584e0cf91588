import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import now
from portal.database import UTCDateTime, utcnow
from portal.extensions import db

GRANT_TYPE = "client_credentials"
AUTH_METHODS = ("client_secret_basic", "client_secret_post")


def digest(secret: str) -> str:
    """Client secrets and tokens are long random strings: a SHA-256 digest is enough to
    keep them useless to whoever reads the table, and cheap to check on every call."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiClient(db.Model):
    """A system allowed to call the API with OAuth2 client credentials (Authlib ClientMixin)."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(48), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(200))  # space-separated
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        allowed = self.scope.split()
        if not scope:
            return " ".join(allowed)  # asking for nothing in particular: all it may have
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        return hmac.compare_digest(self.secret_hash, digest(client_secret or ""))

    def check_endpoint_auth_method(self, method, endpoint):
        return endpoint == "token" and method in AUTH_METHODS

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return self.active and grant_type == GRANT_TYPE


class ApiToken(db.Model):
    """An access token, kept as a digest; it expires by the portal's clock (Authlib TokenMixin)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(200), default="")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_in: Mapped[int] = mapped_column(Integer)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    client: Mapped[ApiClient] = relationship()

    def check_client(self, client):
        return client.id == self.client_id

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return now() >= self.issued_at + timedelta(seconds=self.expires_in)

    def is_revoked(self):
        return self.revoked or not self.client.active

    def get_user(self):
        return None

    def get_client(self):
        return self.client
