"""Registering integration clients and keeping their tokens. Callers commit."""

import secrets
from datetime import datetime

from sqlalchemy import select

from portal.extensions import db
from portal.integrations.models import ApiClient, ApiToken, digest

REFERRALS_WRITE = "referrals:write"


class ClientNameTaken(ValueError):
    pass


def create_client(name: str, scope: str = REFERRALS_WRITE) -> tuple[ApiClient, str]:
    """A new client; returns it with its secret, which is stored only as a digest."""
    name = " ".join(name.split())
    if db.session.scalar(select(ApiClient.id).where(ApiClient.name == name)) is not None:
        raise ClientNameTaken(name)
    secret = secrets.token_urlsafe(32)
    client = ApiClient(
        client_id=secrets.token_urlsafe(18),
        name=name,
        secret_hash=digest(secret),
        scope=scope,
        active=True,
    )
    db.session.add(client)
    db.session.flush()
    return client, secret


def find_client(client_id: str) -> ApiClient | None:
    return db.session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))


def save_token(token: dict, client: ApiClient, now: datetime) -> ApiToken:
    row = ApiToken(
        client_id=client.id,
        token_hash=digest(token["access_token"]),
        scope=token.get("scope", ""),
        issued_at=now,
        expires_in=int(token["expires_in"]),
    )
    db.session.add(row)
    db.session.flush()
    return row


def find_token(access_token: str) -> ApiToken | None:
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(access_token)))
