"""Optional single sign-on with Microsoft Entra ID (OpenID Connect, Authlib client).

Only people who already have an active account sign in this way: the e-mail
in the ID token is matched to an account; nobody is created here.
"""

from typing import Any

from flask import Flask

from portal.accounts.models import Account
from portal.accounts.operations import find_by_email

METADATA_URL = "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"


def sso_configured(config) -> bool:
    return all(
        config.get(key) for key in ("ENTRA_TENANT_ID", "ENTRA_CLIENT_ID", "ENTRA_CLIENT_SECRET")
    )


def init_app(app) -> None:
    """Register the Entra client when configured. Authlib's client (with requests) is
    imported only then: a portal without single sign-on does not load it."""
    if sso_configured(app.config):
        from authlib.integrations.flask_client import OAuth

        oauth_client = OAuth(app)
        app.extensions["entra_client"] = oauth_client.register(
            "entra",
            client_id=app.config["ENTRA_CLIENT_ID"],
            client_secret=app.config["ENTRA_CLIENT_SECRET"],
            server_metadata_url=METADATA_URL.format(tenant=app.config["ENTRA_TENANT_ID"]),
            client_kwargs={"scope": "openid email profile"},
        )


def entra_client(app: Flask) -> Any:
    """The registered Entra client (only when ``sso_configured``)."""
    return app.extensions["entra_client"]


def account_for_claims(claims: dict) -> Account | None:
    """The active account whose e-mail the identity provider vouches for."""
    email = claims.get("email") or claims.get("preferred_username") or ""
    account = find_by_email(email) if "@" in email else None
    return account if account is not None and account.active else None
